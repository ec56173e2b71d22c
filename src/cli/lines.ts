import type { Readable } from 'node:stream';

/** One input line: its 1-based number in the input and its text (without `\n` or `\r\n`). */
export interface Line {
  readonly number: number;
  readonly text: string;
}

/** How far the reading got, for progress and ETA: bytes read, and lines taken from them. */
export interface Position {
  bytes: number;
  lines: number;
}

/**
 * Progress in bytes of `done` lines (finished, however they ended): the bytes read, in the
 * share of the lines taken that are done. The reading runs ahead of the work (a whole
 * small file at once), so the bytes read alone would say 100% before the first line ran.
 */
export function bytesDone(position: Position, done: number): number {
  return position.lines === 0 ? 0 : position.bytes * Math.min(1, done / position.lines);
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
      if (position !== undefined) position.lines++;
      yield { number: ++number, text: text.endsWith('\r') ? text.slice(0, -1) : text };
      start = end + 1;
      end = chunk.indexOf('\n', start);
      if (end < 0) break;
      text = chunk.slice(start, end);
    }
    rest = chunk.slice(start);
  }
  if (rest === '') return;
  if (position !== undefined) position.lines++;
  yield { number: ++number, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}
