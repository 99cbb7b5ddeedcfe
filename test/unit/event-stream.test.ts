import { describe, expect, it } from 'vitest';
import { parseEventStream, type ServerSentEvent } from '../../src/client/event-stream.js';

/** A response body arriving in the given chunks, as the network splits it. */
function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function parse(chunks: string[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseEventStream(body(chunks))) events.push(event);
  return events;
}

describe('parseEventStream', () => {
  it('reads id, event and data of each event', async () => {
    expect(await parse(['id: 1\nevent: update\ndata: {"status":"queued"}\n\nid: 2\ndata: {"status":"running"}\n\n'])).toEqual([
      { id: '1', event: 'update', data: '{"status":"queued"}' },
      { id: '2', data: '{"status":"running"}' },
    ]);
  });

  it('joins an event split anywhere across chunks, even inside a line break', async () => {
    expect(await parse(['id: 7\nda', 'ta: {"a":', '1}\n', '\nid: 8\ndata: x\r', '\n\r\n'])).toEqual([
      { id: '7', data: '{"a":1}' },
      { id: '8', data: 'x' },
    ]);
  });

  it('takes CRLF line endings', async () => {
    expect(await parse(['id: 3\r\ndata: crlf\r\n\r\n'])).toEqual([{ id: '3', data: 'crlf' }]);
  });

  it('skips comments and blocks without data (heartbeats)', async () => {
    expect(await parse([': heartbeat\n\n', ':\n\nid: 4\n: note\ndata: after\n\n'])).toEqual([{ id: '4', data: 'after' }]);
  });

  it('joins multi-line data with line feeds and keeps a value without a space after the colon', async () => {
    expect(await parse(['data: first\ndata:second\ndata\n\n'])).toEqual([{ data: 'first\nsecond\n' }]);
  });

  it('keeps a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: café\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    const events: ServerSentEvent[] = [];
    for await (const event of parseEventStream(stream)) events.push(event);
    expect(events).toEqual([{ data: 'café' }]);
  });

  it('drops an unterminated last event (the stream ended mid-event)', async () => {
    expect(await parse(['data: whole\n\ndata: cut'])).toEqual([{ data: 'whole' }]);
  });
});
