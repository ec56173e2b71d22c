/**
 * One measurement in a fresh process: `node --import bench/lib/tsx-main.mjs bench/child.ts
 * '<ChildRequest json>'`. Prints `RESULT <ChildResult json>` as its last line, then exits
 * (without waiting for anything the measurement left behind, e.g. a million queued tasks).
 */
import { phase, SkipError } from './children/common.js';
import type { ChildRequest, ChildResult } from './lib/types.js';

async function measure(request: ChildRequest): Promise<Record<string, number>> {
  // Imported per suite, so a pool child never loads the thread pools and vice versa.
  if (request.suite === 'pool') {
    const { poolChild } = await import('./children/pool.js');
    return poolChild(request.kind, request.contender, request.params);
  }
  const { threadsChild } = await import('./children/threads.js');
  return threadsChild(request.kind, request.contender, request.params);
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
  // The loop emptied with the measurement unfinished: a promise the pool owed never settled.
  let reported = false;
  process.once('beforeExit', () => {
    if (reported) return;
    const error = `event loop emptied before the measurement finished (phase: ${phase.now}): a task or close() never settled`;
    process.stdout.write(`RESULT ${JSON.stringify({ ok: false, skipped: false, error })}\n`);
  });
  let result: ChildResult;
  try {
    result = { ok: true, metrics: await measure(request) };
  } catch (error) {
    const skipped = error instanceof SkipError;
    const message =
      error instanceof Error
        ? skipped
          ? error.message
          : (error.stack ?? error.message)
        : String(error);
    result = { ok: false, skipped, error: message };
  }
  reported = true;
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

void main();
