export interface ServerSentEvent {
  id?: string;
  event?: string;
  data: string;
}

/** An event ends at a blank line; lines end in LF or CRLF. */
const BLANK_LINE = /\r?\n\r?\n/;

/** A minimal text/event-stream parser (the parts of the spec the proxy uses: id, event, data, comments). */
export async function* parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let boundary = BLANK_LINE.exec(buffer); boundary; boundary = BLANK_LINE.exec(buffer)) {
        const event = parseBlock(buffer.slice(0, boundary.index));
        buffer = buffer.slice(boundary.index + boundary[0].length);
        if (event) yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** One event's lines; undefined for a block without data (comments, heartbeats). */
function parseBlock(block: string): ServerSentEvent | undefined {
  const event: ServerSentEvent = { data: '' };
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
  }
  return data.length ? { ...event, data: data.join('\n') } : undefined;
}
