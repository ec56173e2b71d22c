/**
 * `workpool run --resume`: what a previous run already wrote. Every result line carries its
 * input line number (`{"line":n,...}`), so ordered and unordered outputs alike say which
 * lines are done; those are skipped and the new results are appended. A line is done when
 * its result is in the file: lines that were not run (interrupted, or discarded after a
 * `--strict` stop) have none and run now, and no line with a result runs again.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { readLines } from '../lines.js';

/** A set of line numbers, one bit each (10 million lines: 1.25 MB). */
export class DoneLines {
  #bits = new Uint8Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(n: number): void {
    const i = n >>> 3;
    if (i >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(i + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const mask = 1 << (n & 7);
    if (((this.#bits[i] as number) & mask) === 0) this.#size++;
    this.#bits[i] = (this.#bits[i] as number) | mask;
  }

  has(n: number): boolean {
    const i = n >>> 3;
    return i < this.#bits.length && ((this.#bits[i] as number) & (1 << (n & 7))) !== 0;
  }
}

/**
 * Reads the output of an earlier run at `path` (none yet: nothing is done). A last line
 * cut short (the run was killed mid-write) is cut off the file, so appending starts on a
 * line of its own; any other line that is not a result line is a usage error.
 */
export async function readDone(path: string): Promise<DoneLines> {
  const done = new DoneLines();
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return done;
    throw new UsageError(`Cannot --resume from ${path}: ${(error as Error).message}`);
  }
  try {
    const size = (await handle.stat()).size;
    const lastByte = Buffer.alloc(1);
    if (size > 0) await handle.read(lastByte, 0, 1, size - 1);
    const terminated = size === 0 || lastByte[0] === 10;
    let pending: { number: number; text: string } | undefined;
    const stream = createReadStream('', { fd: handle.fd, autoClose: false, start: 0 });
    for await (const line of readLines(stream)) {
      // The line before this one was not the last: it must be a result line (or blank).
      if (pending !== undefined) record(pending, path, done);
      pending = line;
    }
    if (pending !== undefined) {
      if (terminated || resultLine(pending.text) !== undefined || !torn(pending.text))
        record(pending, path, done);
      // The run was stopped in the middle of writing its last line: cut it off.
      else await handle.truncate(size - Buffer.byteLength(pending.text));
    }
    // A last whole line without its newline: give it one, so appended lines start fresh.
    if (!terminated && pending !== undefined && resultLine(pending.text) !== undefined)
      await handle.write('\n', size);
  } finally {
    await handle.close();
  }
  return done;
}

function record(line: { number: number; text: string }, path: string, done: DoneLines): void {
  if (line.text.trim() === '') return;
  const n = resultLine(line.text);
  if (n === undefined) {
    throw new UsageError(
      `Cannot --resume from ${path}: line ${line.number} is not a result line of workpool run`,
    );
  }
  done.add(n);
}

/** Whether `text` is the start of a result line that was cut short. */
function torn(text: string): boolean {
  return /^\{"line":\d+,/.test(text);
}

/** The `line` of a result line, or undefined if `text` is not one. */
function resultLine(text: string): number | undefined {
  try {
    const r = JSON.parse(text) as { line?: unknown; ok?: unknown };
    return Number.isSafeInteger(r.line) && typeof r.ok === 'boolean' && (r.line as number) > 0
      ? (r.line as number)
      : undefined;
  } catch {
    return undefined;
  }
}
