/**
 * Server-Sent Events from a provider: the WHATWG parser, and the connection around it with
 * a connect timeout and an idle timeout. Never retried: callers fall back to polling.
 */
import { ProviderError } from '../types.js';
import { causeText, failure } from './failures.js';
import type { Upstream } from './http.js';
import { readJson } from './json.js';

export interface ServerSentEvent {
  id?: string;
  /** The `event:` field; "message" when the stream names none. */
  event: string;
  data: string;
}

/**
 * Opens a Server-Sent Events stream and yields its events. The connection must be made
 * within the request timeout and then stay alive: silence longer than `streamIdleMs`
 * (heartbeats count) ends it with a PROVIDER_ERROR, as does a non-2xx answer or a body
 * that is not `text/event-stream`.
 */
export async function* openEventStream(
  upstream: Upstream,
  options: { path: string; headers?: Record<string, string>; label?: string; signal: AbortSignal },
): AsyncGenerator<ServerSentEvent> {
  const { timing } = upstream;
  const url = upstream.resolve(options.path);
  const label = options.label ?? `GET ${url.pathname}`;
  const local = new AbortController();
  const signal = AbortSignal.any([options.signal, local.signal]);
  let phase: 'connect' | 'idle' = 'connect';
  let timer = setTimeout(() => local.abort(), timing.requestTimeoutMs);
  const arm = () => {
    clearTimeout(timer);
    phase = 'idle';
    timer = setTimeout(() => local.abort(), timing.streamIdleMs);
  };
  const fault = (error: unknown): ProviderError => {
    if (error instanceof ProviderError) return error;
    if (local.signal.aborted) {
      const detail = phase === 'connect' ? `${label} did not answer within ${timing.requestTimeoutMs} ms` : `${label} was silent for ${timing.streamIdleMs} ms`;
      return new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'TIMEOUT', detail }));
    }
    return new ProviderError(failure('PROVIDER_UNAVAILABLE', true, { providerCode: 'NETWORK', detail: `${label} failed: ${upstream.mask(causeText(error))}` }));
  };
  try {
    let response: Response;
    try {
      response = await upstream.options.fetch(url, { headers: { accept: 'text/event-stream', 'cache-control': 'no-cache', ...options.headers }, signal, redirect: 'manual' });
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      throw fault(error);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw upstream.fail({ label, status: response.status, headers: response.headers, body: readJson(text) });
    }
    if (!/text\/event-stream/i.test(response.headers.get('content-type') ?? '') || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw upstream.malformed({ label, status: response.status, headers: response.headers, body: undefined }, 'a body that is not an event stream');
    }
    arm();
    try {
      for await (const event of parseEventStream(response.body, arm)) yield event;
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      throw fault(error);
    }
  } finally {
    clearTimeout(timer);
    local.abort();
  }
}

/**
 * A text/event-stream parser following the WHATWG algorithm: CRLF, LF or CR line ends (also
 * split across chunks), a leading BOM, comments, `id`, `event`, multi-line `data`; `retry`
 * is ignored; an event is dispatched on a blank line and only if it has data; a last event
 * without its blank line is dropped, as browsers do. `onChunk` is called for every chunk
 * (heartbeat comments included) so callers can time silence.
 */
export async function* parseEventStream(body: ReadableStream<Uint8Array>, onChunk: () => void = () => {}): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let first = true;
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  const line = (text: string): ServerSentEvent | undefined => {
    if (text === '') {
      const dispatch = data.length ? { ...(id !== undefined ? { id } : {}), event: event || 'message', data: data.join('\n') } : undefined;
      data = [];
      event = '';
      return dispatch;
    }
    if (text.startsWith(':')) return undefined;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    return undefined;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      onChunk();
      buffer += decoder.decode(value, { stream: true });
      if (first && buffer.length) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      let start = 0;
      for (let index = 0; index < buffer.length; index++) {
        const char = buffer[index];
        if (char !== '\n' && char !== '\r') continue;
        // A CR at the very end may be the first half of a CRLF still in flight.
        if (char === '\r' && index === buffer.length - 1) break;
        const dispatched = line(buffer.slice(start, index));
        if (char === '\r' && buffer[index + 1] === '\n') index++;
        start = index + 1;
        if (dispatched) yield dispatched;
      }
      buffer = buffer.slice(start);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
