import type { Readable } from 'node:stream';

/** One input line: its 1-based number in the input and its text (without `\n` or `\r\n`). */
export interface Line {
  readonly number: number;
  readonly text: string;
}

/** Bytes consumed so far, for progress and ETA. */
export interface Position {
  bytes: number;
}

/**
 * Splits a stream into lines, lazily: a chunk is read only when the consumer has taken
 * every line of the one before, so memory stays at one chunk (the stream's highWaterMark)
 * however long the input, and a consumer that stops pulling stops the reading.
 */
export async function* readLines(input: Readable, position?: Position): AsyncGenerator<Line> {
  input.setEncoding('utf8');
  let number = 0;
  let rest = '';
  for await (const chunk of input as AsyncIterable<string>) {
    if (position !== undefined) position.bytes += Buffer.byteLength(chunk);
    let start = 0;
    let end = chunk.indexOf('\n');
    if (end < 0) {
      rest += chunk;
      continue;
    }
    let text = rest + chunk.slice(0, end);
    rest = '';
    for (;;) {
      yield { number: ++number, text: text.endsWith('\r') ? text.slice(0, -1) : text };
      start = end + 1;
      end = chunk.indexOf('\n', start);
      if (end < 0) break;
      text = chunk.slice(start, end);
    }
    rest = chunk.slice(start);
  }
  if (rest !== '') yield { number: ++number, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}
