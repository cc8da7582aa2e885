/**
 * An OpenAI-compatible chat-completions model on 127.0.0.1, scripted per test case, for n8n's AI Agent with the
 * OpenAI Chat Model node (credential `openAiApi`, base URL field `url` = this simulator's `url`).
 *
 * A case is named in the agent's prompt as `[case:<name>]`. For each model call of that case the simulator answers
 * with the next scripted tool call (the arguments of the case's script, in order), and once the script is spent
 * with a final text. Every tool result the agent sends back (the `tool` messages) is recorded per case, in order:
 * that is exactly what the model received from the tool. Streaming requests (`stream: true`) get the same answer as
 * server-sent events.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelCall {
	/** the tools the agent offered: name, description, JSON schema of the arguments */
	tools: Array<{ name: string; description: string; parameters: unknown }>;
	/** the contents of every `tool` message in this call (what the tool answered so far) */
	toolResults: string[];
}

export interface ModelSimulator {
	readonly url: string;
	/** the tool-call arguments for each model call of a case, in order; then the model answers with text */
	script(caseName: string, toolCalls: Array<Record<string, unknown>>): void;
	/** what the model received from the tool in a case, one entry per tool call, in order */
	received(caseName: string): string[];
	/** every model call of a case */
	calls(caseName: string): ModelCall[];
	close(): Promise<void>;
}

type Message = { role: string; content?: unknown; tool_call_id?: string };
type ChatRequest = { messages?: Message[]; tools?: Array<{ function?: { name?: string; description?: string; parameters?: unknown } }>; stream?: boolean; model?: string };

const textOf = (content: unknown): string =>
	typeof content === 'string' ? content : Array.isArray(content) ? content.map((part) => (part as { text?: string }).text ?? '').join('') : '';

async function readJson(req: IncomingMessage): Promise<ChatRequest> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as ChatRequest;
}

function send(res: ServerResponse, request: ChatRequest, message: Record<string, unknown>, finishReason: string): void {
	const base = { id: `chatcmpl-sim-${Date.now()}`, created: Math.floor(Date.now() / 1000), model: request.model ?? 'sim-model' };
	if (!request.stream) {
		const body = JSON.stringify({
			...base,
			object: 'chat.completion',
			choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason, logprobs: null }],
			usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
		});
		res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
		return;
	}
	const toolCalls = (message.tool_calls as Array<Record<string, unknown>> | undefined)?.map((call, index) => ({ index, ...call }));
	const delta = toolCalls ? { role: 'assistant', content: null, tool_calls: toolCalls } : { role: 'assistant', content: message.content };
	const chunk = (choice: Record<string, unknown>) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, ...choice }] })}\n\n`;
	res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
	res.end(chunk({ delta, finish_reason: null }) + chunk({ delta: {}, finish_reason: finishReason }) + 'data: [DONE]\n\n');
}

export async function startModelSimulator(): Promise<ModelSimulator> {
	const scripts = new Map<string, Array<Record<string, unknown>>>();
	const callsByCase = new Map<string, ModelCall[]>();
	let callId = 0;

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		if (req.method !== 'POST' || !/\/chat\/completions$/.test(new URL(req.url ?? '/', 'http://sim').pathname)) {
			res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
			return;
		}
		const request = await readJson(req);
		const messages = request.messages ?? [];
		const caseName = /\[case:([\w-]+)\]/.exec(messages.map((m) => textOf(m.content)).join('\n'))?.[1] ?? 'default';
		const call: ModelCall = {
			tools: (request.tools ?? []).map((tool) => ({ name: tool.function?.name ?? '', description: tool.function?.description ?? '', parameters: tool.function?.parameters })),
			toolResults: messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content)),
		};
		const calls = callsByCase.get(caseName) ?? [];
		calls.push(call);
		callsByCase.set(caseName, calls);
		const next = (scripts.get(caseName) ?? [])[call.toolResults.length];
		const toolName = call.tools[0]?.name;
		if (next && toolName) {
			const toolCall = { id: `call_${++callId}`, type: 'function', function: { name: toolName, arguments: JSON.stringify(next) } };
			send(res, request, { content: null, tool_calls: [toolCall] }, 'tool_calls');
			return;
		}
		send(res, request, { content: `Done with ${caseName}.` }, 'stop');
	};

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

	return {
		url,
		script: (caseName, toolCalls) => void scripts.set(caseName, toolCalls),
		received: (caseName) => {
			const calls = callsByCase.get(caseName) ?? [];
			return calls.length === 0 ? [] : calls[calls.length - 1].toolResults;
		},
		calls: (caseName) => callsByCase.get(caseName) ?? [],
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
