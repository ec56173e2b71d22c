/**
 * Exercise 5, "process different types of tasks", in-process: a Pool runs any function,
 * so each kind of task is just a different function, sync or async, with its own result
 * type. For CPU-bound kinds on threads, see task-types-threads.ts.
 */
import { Pool } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

/** The kinds of work this program knows, as a tagged union. */
export type Work =
  | { readonly kind: 'square'; readonly n: number }
  | { readonly kind: 'greet'; readonly name: string }
  | { readonly kind: 'download'; readonly url: string; readonly ms: number };

export async function main(io: ExampleIO): Promise<string[]> {
  const pool = new Pool({ concurrency: 2, clock: io.clock });

  // One function per kind. `download` is I/O-like: async, and it honours the signal.
  const handle = async (work: Work, signal: AbortSignal): Promise<string> => {
    switch (work.kind) {
      case 'square':
        return `${work.n}² = ${work.n * work.n}`;
      case 'greet':
        return `Hello, ${work.name}!`;
      case 'download':
        await io.sleep(work.ms, signal);
        return `downloaded ${work.url} in ${work.ms}ms`;
    }
  };

  const work: Work[] = [
    { kind: 'download', url: 'https://example.com/a', ms: 300 },
    { kind: 'square', n: 12 },
    { kind: 'greet', name: 'gopher' },
    { kind: 'download', url: 'https://example.com/b', ms: 100 },
  ];
  const lines: string[] = [];
  const jobs = work.map(async (w) => {
    const line = await pool.run(({ signal }) => handle(w, signal));
    io.log(line);
    lines.push(line);
  });
  await Promise.all(jobs);
  await pool.close();
  return lines;
}

runIfMain(import.meta, main);
