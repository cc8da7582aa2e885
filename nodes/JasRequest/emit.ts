/**
 * The node's one exit: every item it emits (success, error, file) and every error it throws is assembled here, and
 * every string in it (message, URL, body values and keys, headers, file name, file bytes) passes the scrubber here
 * and nowhere else. Anything the node shows the user must be built by this module.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';

import { type IDataObject, type IExecuteFunctions, type INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { type ErrorDetails, errorJson } from './errorItems';
import { headerValue } from '../shared/http/headers';
import { safeHeaders } from './responseBody';
import { displayUrl } from '../shared/http/url';
import { Scrubber } from '../shared/secrets';
import { formatBytes, type HttpResponse } from '../shared/http/send';

export type ItemResult = { output: number; items: INodeExecutionData[] };


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

/** Fails the stream with `tooLarge()` once more than `maxBytes` passed (0 = no limit). */
function byteLimit(maxBytes: number, tooLarge: () => Error): Transform {
	let seen = 0;
	return new Transform({
		transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
			seen += chunk.length;
			if (maxBytes > 0 && seen > maxBytes) callback(tooLarge());
			else callback(null, chunk);
		},
	});
}

export class FileTooLargeError extends Error {}

export class Exit {
	private readonly scrubber = new Scrubber();

	constructor(
		private readonly ctx: IExecuteFunctions,
		/** The secrets of this run so far (client secret, every token issued); read at each emit. */
		private readonly secrets: () => Iterable<string>,
		private readonly outputName: (output: number) => string,
	) {}

	private clean(): Scrubber {
		return this.scrubber.add(...this.secrets());
	}

	text(text: string): string {
		return this.clean().text(text);
	}

	/** A success item (JSON from the API, shaped by the node). */
	json(index: number, json: IDataObject): INodeExecutionData {
		return { json: this.clean().value(json), pairedItem: { item: index } };
	}

	/** An error item on `output`. */
	error(index: number, output: number, details: ErrorDetails): ItemResult {
		const json = errorJson(this.outputName(output), {
			...details,
			request: { method: details.request.method, url: displayUrl(details.request.url) },
			headers: details.headers && safeHeaders(details.headers as Record<string, string | string[]>),
		});
		return { output, items: [{ json: this.clean().value(json), pairedItem: { item: index } }] };
	}

	/**
	 * A downloaded file, streamed into n8n's binary data store through the scrubber (and a size limit), so a large
	 * download never sits in memory as a whole (with n8n's default filesystem or database binary mode).
	 */
	async file(
		index: number,
		body: Readable,
		meta: { fileName: string; mimeType: string; field: string; maxBytes: number; json: IDataObject },
	): Promise<INodeExecutionData> {
		const scrubber = this.clean();
		const tooLarge = () =>
			new FileTooLargeError(`The file is larger than ${formatBytes(meta.maxBytes)}, the "Max File Size" option. Raise the option, or set it to 0 for no limit.`);
		const limited = body.pipe(byteLimit(meta.maxBytes, tooLarge));
		// Errors of the source (a reset connection, a cancel) must reach the consumer, which pipe() does not do.
		body.once('error', (error) => limited.destroy(error));
		const scrubbed = limited.pipe(scrubber.stream());
		limited.once('error', (error) => scrubbed.destroy(error));
		try {
			const binary = await this.ctx.helpers.prepareBinaryData(scrubbed, scrubber.text(meta.fileName), meta.mimeType);
			binary.fileName = binary.fileName === undefined ? undefined : scrubber.text(binary.fileName);
			return { json: scrubber.value(meta.json), binary: { [meta.field]: binary }, pairedItem: { item: index } };
		} finally {
			body.destroy();
		}
	}

	/** The error to throw when the node stops (On Error: Stop Workflow), scrubbed like everything else. */
	thrown(message: string, index?: number): NodeOperationError {
		const clean = this.text(message);
		return new NodeOperationError(this.ctx.getNode(), clean, index === undefined ? {} : { itemIndex: index, description: `Item ${index}` });
	}
}
