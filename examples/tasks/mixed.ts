/**
 * A task module with several handlers: each export is one type of task a ThreadPool can
 * run by name (see task-types-threads.ts). A task module imports only `workpool/task`.
 */
import { createHash } from 'node:crypto';
import { threadId } from 'node:worker_threads';

/** CPU-bound: the n-th Fibonacci number, the slow way. */
export function fibonacci(n: number): { value: number; threadId: number } {
  const fib = (k: number): number => (k < 2 ? k : fib(k - 1) + fib(k - 2));
  return { value: fib(n), threadId };
}

/** CPU-bound: primes below `limit` (sieve of Eratosthenes), counted. */
export function countPrimes(limit: number): { value: number; threadId: number } {
  const composite = new Uint8Array(limit);
  let count = 0;
  for (let i = 2; i < limit; i++) {
    if (composite[i] === 1) continue;
    count++;
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return { value: count, threadId };
}

/** SHA-256 of `text`, hashed `rounds` times. */
export function hash(input: { text: string; rounds: number }): { value: string; threadId: number } {
  let digest = input.text;
  for (let i = 0; i < input.rounds; i++) digest = createHash('sha256').update(digest).digest('hex');
  return { value: digest, threadId };
}
