/**
 * The node's one exit: every item it emits (success, error, file) and every error it throws is assembled here, and
 * every string in it (message, URL, body values and keys, headers, file name, file bytes) passes the scrubber here
 * and nowhere else. Anything the node shows the user must be built by this module.
 */
import { type IDataObject, type IExecuteFunctions, type INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { headerValue } from '../../shared/http/headers';
import { ERROR_BODY_MAX_BYTES, formatBytes, type HttpResponse } from '../../shared/http/send';
import { displayUrl, tryParseUrl } from '../../shared/http/url';
import { Scrubber } from '../../shared/secrets';
import { safeHeaders } from '../responseBody';
import { type ErrorDetails, errorJson } from './errorItems';
import { type ToolOutcome, toolAnswer } from './toolAnswer';

/** The answer's media type without parameters ('' when none was sent). */
export function mimeTypeOf(response: Pick<HttpResponse, 'headers'>): string {
	return headerValue(response.headers, 'content-type')?.split(';')[0].trim() ?? '';
}

/** The file name the API gave (Content-Disposition, RFC 6266 `filename*` first), else the URL's last segment. */
export function fileNameOf(response: Pick<HttpResponse, 'headers' | 'url'>): string {
	const disposition = headerValue(response.headers, 'content-disposition') ?? '';
	const extended = /filename\*\s*=\s*(?:[\w-]+'[^']*')?("?)([^";]+)\1/i.exec(disposition);
	const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(disposition);
	const raw = extended?.[2] ?? plain?.[1] ?? plain?.[2];
	if (raw?.trim()) {
		try {
			return decodeURIComponent(raw.trim());
		} catch {
			return raw.trim(); // a malformed %-escape must not fail the item
		}
	}
	try {
		return decodeURIComponent(new URL(response.url).pathname.split('/').filter(Boolean).pop() ?? '') || 'response';
	} catch {
		return 'response';
	}
}

/** A response body as undici hands it over: a Node Readable (typed through undici: see `streamFrom`). */
export type BodyStream = NonNullable<HttpResponse['stream']>;

/** Yields the body's bytes scrubbed, failing with `tooLarge()` once more than `maxBytes` passed (0 = no limit). */
async function* scrubbedBytes(body: BodyStream, scrubber: Scrubber, maxBytes: number, tooLarge: () => Error, text: boolean): AsyncGenerator<Buffer> {
	const bytes = scrubber.bytes({ mixed: text });
	let seen = 0;
	for await (const chunk of body as AsyncIterable<Buffer>) {
		seen += chunk.length;
		if (maxBytes > 0 && seen > maxBytes) throw tooLarge();
		const clean = bytes.push(chunk);
		if (clean.length > 0) yield clean;
	}
	const rest = bytes.end();
	if (rest.length > 0) yield rest;
}

/**
 * A Node Readable over `chunks`, made by the Readable class the body itself belongs to (`Readable.from`, inherited
 * by undici's body class): n8n's scanner does not allow importing node:stream, and n8n's binary store wants a
 * Readable, not an async iterable.
 */
function streamFrom(body: BodyStream, chunks: AsyncGenerator<Buffer>): BodyStream {
	const readableClass = body.constructor as unknown as { from(iterable: AsyncIterable<Buffer>): BodyStream };
	return readableClass.from(chunks);
}

/** Files whose bytes are text, scrubbed for mixed escapes too (percent, JSON, as in text answers). */
export const TEXT_TYPES = /^(text\/|application\/(json|xml|csv|javascript|x-www-form-urlencoded|x-ndjson)\b|[\w.-]+\/[\w.-]+\+(json|xml)\b)/i;

/** The API's MIME type when it is a plain `type/subtype` holding no secret; anything else is octet-stream. */
function fileMimeType(mimeType: string, scrubber: Scrubber): string {
	const plain = /^[\w.+-]{1,64}\/[\w.+-]{1,128}$/.test(mimeType) && scrubber.text(mimeType) === mimeType;
	return plain ? mimeType.toLowerCase() : 'application/octet-stream';
}

export class FileTooLargeError extends Error {}

export class Exit {
	private readonly scrubber = new Scrubber();

	constructor(
		private readonly ctx: IExecuteFunctions,
		/** The secrets of this run so far (client secret, every token issued); read at each emit. */
		private readonly secrets: () => Iterable<string>,
		/** The credential's API URL: in tool mode its host is hidden from the model in every spelling, like a secret. */
		private readonly apiUrl: () => string | undefined = () => undefined,
	) {}

	/** Hides the API's host (name, and name:port) the way secrets are scrubbed: bare, percent-encoded, JSON-escaped. */
	private hostHider(): Scrubber {
		const url = tryParseUrl(this.apiUrl() ?? '');
		return new Scrubber(url ? [url.host, url.hostname, url.hostname.toUpperCase()] : [], { replacement: '[host]', fragments: false });
	}

	private clean(): Scrubber {
		return this.scrubber.add(...this.secrets());
	}

	text(text: string): string {
		return this.clean().text(text);
	}

	/**
	 * Success items (JSON from the API, shaped by the node). `source` is everything they were built from (the body's
	 * text, and the headers when shown): when it cannot hold a secret, neither can they, and the walk is skipped.
	 */
	json(index: number, jsons: IDataObject[], source: string[]): INodeExecutionData[] {
		const scrubber = this.clean();
		const clean = !source.some((text) => scrubber.mayContain(text));
		return jsons.map((json) => ({ json: clean ? json : scrubber.value(json), pairedItem: { item: index } }));
	}

	/** An error item for the output named `outcome`. */
	error(index: number, outcome: string, details: ErrorDetails): INodeExecutionData {
		const scrubber = this.clean();
		const json = errorJson(outcome, {
			...details,
			// The transport reads a little past the cut: scrubbed first, then cut, no secret is left half shown.
			body: typeof details.body === 'string' ? scrubber.cut(details.body, ERROR_BODY_MAX_BYTES) : details.body,
			request: { method: details.request.method, url: displayUrl(details.request.url) },
			headers: details.headers && safeHeaders(details.headers),
		});
		return { json: scrubber.value(json), pairedItem: { item: index } };
	}

	/**
	 * A downloaded file, streamed into n8n's binary data store through the scrubber (and a size limit), so a large
	 * download never sits in memory as a whole (with n8n's default filesystem or database binary mode).
	 */
	async file(
		index: number,
		body: BodyStream,
		meta: { fileName: string; mimeType: string; field: string; maxBytes: number; json: IDataObject },
	): Promise<INodeExecutionData> {
		const scrubber = this.clean();
		const tooLarge = () =>
			new FileTooLargeError(`The file is larger than ${formatBytes(meta.maxBytes)}, the "Max File Size" option. Raise the option, or set it to 0 for no limit.`);
		const isText = TEXT_TYPES.test(meta.mimeType);
		const scrubbed = streamFrom(body, scrubbedBytes(body, scrubber, meta.maxBytes, tooLarge, isText));
		try {
			const binary = await this.ctx.helpers.prepareBinaryData(
				scrubbed as unknown as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
				scrubber.text(meta.fileName),
				fileMimeType(meta.mimeType, scrubber),
			);
			binary.fileName = binary.fileName === undefined ? undefined : scrubber.text(binary.fileName);
			return { json: scrubber.value(meta.json), binary: { [meta.field]: binary }, pairedItem: { item: index } };
		} finally {
			body.destroy();
		}
	}

	/**
	 * The one item an AI agent's model receives in tool mode (output 0). The outcome is scrubbed before it is cut to
	 * the budget (so no secret is half cut and half shown) and the answer once more after.
	 */
	tool(index: number, outcome: ToolOutcome, maxChars: number): INodeExecutionData {
		const scrubber = this.clean();
		const clean = this.hostHider().value(scrubber.value(outcome));
		// The API's Content-Type as for a downloaded file: a plain type/subtype, or octet-stream.
		const answer = toolAnswer(clean.kind === 'file' ? { ...clean, mimeType: fileMimeType(clean.mimeType, scrubber) } : clean, maxChars);
		return { json: scrubber.value(answer), pairedItem: { item: index } };
	}

	/**
	 * Warnings in the output pane of n8n's editor (execution hints, n8n >= 1.x `addExecutionHints`; feature-detected,
	 * an older n8n shows the same words on the items only).
	 */
	hints(messages: Iterable<string>): void {
		const ctx = this.ctx as Partial<Pick<IExecuteFunctions, 'addExecutionHints'>>;
		if (typeof ctx.addExecutionHints !== 'function') return;
		const hints = [...messages].map((message) => ({ message: this.text(message), type: 'warning' as const, location: 'outputPane' as const }));
		if (hints.length > 0) ctx.addExecutionHints(...hints);
	}

	/** The error to throw when the node stops (On Error: Stop Workflow), scrubbed like everything else. */
	thrown(message: string, index?: number): NodeOperationError {
		const clean = this.text(message);
		return new NodeOperationError(this.ctx.getNode(), clean, index === undefined ? {} : { itemIndex: index, description: `Item ${index}` });
	}
}
