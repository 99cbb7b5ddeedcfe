import { describe, expect, it } from 'vitest';
import { parseEventStream, type ServerSentEvent } from '../../../src/server/providers/upstream/event-stream.js';
import { imageFromBase64, resultContentType } from '../../../src/server/providers/upstream/image-bytes.js';
import { normalizeProgress, readJson } from '../../../src/server/providers/upstream/json.js';
import { backoff, parseRetryAfter, resolveTiming } from '../../../src/server/providers/upstream/timing.js';
import { ProviderError } from '../../../src/server/providers/types.js';
import { testImages } from '../../emulators/harness.js';

/** A body delivered in the given chunks. */
function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function events(chunks: string[]): Promise<ServerSentEvent[]> {
  const all: ServerSentEvent[] = [];
  for await (const event of parseEventStream(body(chunks))) all.push(event);
  return all;
}

describe('the event-stream parser', () => {
  it('reads ids, event names, multi-line data and skips comments', async () => {
    expect(await events([': hello\n\n', 'id: 1\nevent: status\ndata: {"a":\ndata: 1}\n\n', 'data: plain\n\n'])).toEqual([
      { id: '1', event: 'status', data: '{"a":\n1}' },
      { id: '1', event: 'message', data: 'plain' },
    ]);
  });

  it('handles CRLF, CR, a BOM, and line ends split across chunks', async () => {
    expect(await events(['\uFEFFdata: a\r', '\n\r', '\ndata: b\r\rdata:c', '\n', '\n'])).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
    ]);
  });

  it('does not dispatch events without data, nor an unfinished last event', async () => {
    expect(await events(['event: ping\n\n', 'retry: 10\n\n', 'data: x\n\n', 'data: cut off'])).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('upstream helpers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });

  it('backs off exponentially, with jitter, up to the ceiling', () => {
    const timing = { backoffMs: 100, backoffMaxMs: 1000 };
    for (let index = 0; index < 50; index++) {
      const first = backoff(0, timing);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      expect(backoff(10, timing)).toBeLessThanOrEqual(1000);
      expect(backoff(10, timing)).toBeGreaterThanOrEqual(500);
    }
  });

  it('normalizes progress from fractions, percentages and strings', () => {
    expect([normalizeProgress(0.5), normalizeProgress(45), normalizeProgress('45%'), normalizeProgress('x'), normalizeProgress(undefined), normalizeProgress(250)]).toEqual([
      0.5,
      0.45,
      0.45,
      undefined,
      undefined,
      1,
    ]);
  });

  it('survives malformed JSON', () => {
    expect([readJson('{"a":1}'), readJson('{"a":'), readJson(''), readJson('<html>')]).toEqual([{ a: 1 }, undefined, undefined, undefined]);
  });

  it('recognizes images and refuses base64 that is not one', async () => {
    const { person, garment } = await testImages();
    expect([resultContentType(person.bytes), resultContentType(garment.bytes), resultContentType(new TextEncoder().encode('<html>'))]).toEqual([
      'image/jpeg',
      'image/png',
      undefined,
    ]);
    expect(imageFromBase64(`data:image/png;base64,${Buffer.from(garment.bytes).toString('base64')}`, 'test').contentType).toBe('image/png');
    expect(() => imageFromBase64(Buffer.from('hello').toString('base64'), 'test')).toThrow(ProviderError);
  });

  it('takes the first poll interval from FITTING_ROOM_POLL_MS, options winning', () => {
    expect(resolveTiming({ FITTING_ROOM_POLL_MS: '250' }).pollMs).toBe(250);
    expect(resolveTiming({ FITTING_ROOM_POLL_MS: '250' }, { pollMs: 10 }).pollMs).toBe(10);
    expect(resolveTiming({ FITTING_ROOM_POLL_MS: 'fast' }).pollMs).toBe(1000);
  });
});
