/**
 * `workpool run`: every line of a JSON Lines input through a pool, one result line each.
 *
 * The data path is three bounded stages: `readLines` (one chunk of input at a time) →
 * `Window` (at most `capacity + readAhead` lines in flight or waiting to be written) →
 * `LineWriter` (one batch, then it waits for 'drain'). Nothing grows with the input, and a
 * slow reader of the output stops the reading of the input.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { TaskModuleError } from '../../index.js';
import { ExitCode, type ExitCodeValue, RunError, UsageError } from '../errors.js';
import { count, duration, percentiles, rate } from '../format.js';
import { exitCodeOf, finishRunning, onInterrupt, type StopSignal } from '../interrupt.js';
import { bytesDone, type Line, type Position, readLines } from '../lines.js';
import { PartialProgress } from '../partial.js';
import { startProgress } from '../progress.js';
import { LineWriter } from '../writer.js';
import { BLANK, type LineResult, notRun, toJson } from './results.js';
import { type DoneLines, readDone } from './resume.js';
import { createTarget, type TargetOptions } from './target.js';
import { Window } from './window.js';

export interface RunOptions extends TargetOptions {
  /** A path, or `-` for stdin. */
  readonly input: string;
  /** A path, or `-` for stdout. */
  readonly output: string;
  readonly ordered: boolean;
  readonly strict: boolean;
  /** Skip the lines the output file already has a result for, and append (resume.ts). */
  readonly resume: boolean;
  readonly quiet: boolean;
  /** Ms between plain progress lines when stderr is not a terminal. */
  readonly progressInterval: number;
}

/** Lines read ahead of the running ones when `--max-queue` is not given. */
const defaultReadAhead = 1024;

export async function run(o: RunOptions): Promise<ExitCodeValue> {
  const started = performance.now();
  if (o.resume && o.output === '-')
    throw new UsageError('--resume needs --output <file>: it reads what that file already has');
  await refuseSameFile(o.input, o.output);
  const input = await openInput(o.input);
  const done: DoneLines | undefined = o.resume ? await readDone(o.output) : undefined;
  const target = await createTarget(o);
  let output: WriteStream | undefined;
  try {
    output = o.output === '-' ? undefined : await openOutput(o.output, o.resume);
  } catch (error) {
    await target.terminate();
    throw error;
  }
  const writer = new LineWriter(output ?? process.stdout, output !== undefined);
  const tally = { ok: 0, failed: 0, malformed: 0, notRun: 0, resumed: 0 };
  let blanks = 0; // blank lines: no result, but done for the progress
  let interrupted: StopSignal | undefined;
  let fatal: Error | undefined;
  /**
   * `--strict`: the first malformed line. Lines are started in input order, so when it is
   * read no later line has started, and none will: the window stops there. Nothing after
   * it runs or is written, so `--resume` runs each of them once.
   */
  let strictAt: number | undefined;

  const start = (line: Line): Promise<LineResult | typeof BLANK> => {
    if (line.text.trim() === '') return Promise.resolve(BLANK);
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      if (o.strict && strictAt === undefined) {
        strictAt = line.number;
        window.stop();
      }
      return Promise.resolve({ line: line.number, ok: false, error, malformed: true });
    }
    return target.run(value).then(
      (v): LineResult => ({ line: line.number, ok: true, value: v }),
      (error: unknown): LineResult => ({ line: line.number, ok: false, error, malformed: false }),
    );
  };
  const lines = readLines(input.stream, input.position);
  const window = new Window(done === undefined ? lines : skipDone(lines, done, tally), start, {
    size: target.capacity + (o.maxQueue ?? defaultReadAhead),
    ordered: o.ordered,
  });
  const partial = new PartialProgress(target.events);
  const progress = startProgress(
    {
      done: () => tally.ok + tally.failed,
      failed: () => tally.failed,
      position: () => bytesDone(input.position, tally.ok + tally.failed + tally.resumed + blanks),
      partial: () => partial.sum,
    },
    {
      stream: process.stderr,
      label: 'run',
      unit: 'lines',
      total: input.size,
      interval: o.progressInterval,
      quiet: o.quiet,
    },
  );
  const stopInterrupt = onInterrupt(
    (signal) => {
      interrupted = signal;
      window.stop();
      void finishRunning(target);
    },
    process.stderr,
    // The bar is cleared before the message, so neither leaves fragments of the other.
    () => progress.stop(),
  );

  try {
    for await (const r of window.results()) {
      if (r === BLANK) {
        blanks++;
        continue;
      }
      if (interrupted !== undefined && notRun(r)) {
        tally.notRun++;
        continue;
      }
      if (r.ok) tally.ok++;
      else {
        tally.failed++;
        if (r.malformed) tally.malformed++;
        if (r.error instanceof TaskModuleError && fatal === undefined) {
          fatal = r.error;
          window.stop();
        }
      }
      const wait = writer.write(toJson(r));
      if (wait !== undefined) await wait;
    }
    await writer.end();
  } catch (error) {
    if (!(error instanceof RunError)) throw error;
    fatal = error;
    window.stop();
    await target.terminate();
  }
  const stats = target.stats();
  await target.close();
  progress.stop();
  partial.stop();
  stopInterrupt();

  if (!o.quiet) {
    const wall = performance.now() - started;
    const done = tally.ok + tally.failed;
    const failed =
      tally.malformed > 0
        ? `${count(tally.failed)} failed (${count(tally.malformed)} of them malformed)`
        : `${count(tally.failed)} failed`;
    const parts = [`${count(tally.ok)} ok`, failed];
    if (interrupted !== undefined) parts.push(`${count(tally.notRun)} not run (interrupted)`);
    if (tally.resumed > 0) parts.push(`${count(tally.resumed)} already done (--resume)`);
    const stopped =
      strictAt === undefined ? '' : ` (stopped at malformed line ${strictAt}: --strict)`;
    process.stderr.write(
      `workpool run: ${count(done)} ${done === 1 ? 'line' : 'lines'}: ${parts.join(', ')}${stopped}\n` +
        `  wall ${duration(wall)}, ${rate(done, wall)}; task time ${percentiles(stats.runTime)}\n`,
    );
  }
  if (fatal !== undefined) process.stderr.write(`workpool run: ${fatal.message}\n`);
  if (interrupted !== undefined) return exitCodeOf(interrupted);
  return tally.failed > 0 || fatal !== undefined ? ExitCode.failed : ExitCode.ok;
}

interface Input {
  readonly stream: Readable;
  /** Bytes read so far. */
  readonly position: Position;
  /** Size of a file input, for the ETA; unknown for stdin. */
  readonly size: number | undefined;
}

async function openInput(path: string): Promise<Input> {
  if (path === '-')
    return { stream: process.stdin, position: { bytes: 0, lines: 0 }, size: undefined };
  let size: number | undefined;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new Error('is a directory');
    size = s.isFile() ? s.size : undefined; // a FIFO or /dev/stdin has no size
  } catch (error) {
    throw new UsageError(`Cannot read --input ${path}: ${reason(error)}`);
  }
  return { stream: createReadStream(path), position: { bytes: 0, lines: 0 }, size };
}

/**
 * `--output` naming the input file would truncate it before a line is read (or, with
 * `--resume`, append to what is being read): refused before either is opened.
 */
async function refuseSameFile(input: string, output: string): Promise<void> {
  if (input === '-' || output === '-') return;
  const [a, b] = await Promise.all([
    stat(input).catch(() => undefined),
    stat(output).catch(() => undefined),
  ]);
  if (a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino)
    throw new UsageError(
      `--input and --output are the same file (${output}): writing the results would destroy the input; write them to another file`,
    );
}

/** Lines whose number `done` has are skipped (and counted): an earlier run wrote them. */
async function* skipDone(
  lines: AsyncGenerator<Line>,
  done: DoneLines,
  tally: { resumed: number },
): AsyncGenerator<Line> {
  for await (const line of lines) {
    if (done.has(line.number)) tally.resumed++;
    else yield line;
  }
}

async function openOutput(path: string, append: boolean): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: append ? 'a' : 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) =>
      reject(new UsageError(`Cannot write --output ${path}: ${reason(error)}`)),
    );
  });
  return stream;
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'no such file';
  return error instanceof Error ? error.message : String(error);
}
