/**
 * Exercise 5 on threads: one task module (tasks/mixed.ts) exports several handlers, and a
 * ThreadPool runs each by name. The module's type makes `run` check the name, the input
 * and the result.
 */
import { ThreadPool } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

type Mixed = typeof import('./tasks/mixed.js');
const mixedModule = new URL(
  `./tasks/mixed${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export async function main(io: ExampleIO): Promise<string[]> {
  const pool = new ThreadPool<Mixed>({ module: mixedModule, maxThreads: 2 });

  const jobs: Promise<string>[] = [
    pool.run('fibonacci', 27).then((r) => `fibonacci(27) = ${r.value}  [thread ${r.threadId}]`),
    pool
      .run('countPrimes', 2_000_000)
      .then((r) => `primes below 2,000,000: ${r.value}  [thread ${r.threadId}]`),
    pool
      .run('hash', { text: 'gopher', rounds: 10_000 })
      .then((r) => `sha256^10000("gopher") = ${r.value.slice(0, 16)}…  [thread ${r.threadId}]`),
    pool.run('fibonacci', 20).then((r) => `fibonacci(20) = ${r.value}  [thread ${r.threadId}]`),
  ];
  const lines = await Promise.all(jobs);
  for (const line of lines) io.log(line);
  await pool.close();
  return lines;
}

runIfMain(import.meta, main);
