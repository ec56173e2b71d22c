/** Helpers for measurement children. */

/** Full garbage collection, twice (needs `--expose-gc`). */
export function fullGc(): void {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run this child with --expose-gc');
  gc();
  gc();
}

/** Heap in use after a full collection. */
export function settledHeap(): number {
  fullGc();
  return process.memoryUsage().heapUsed;
}

/** Resolves on the next turn of the event loop (lets microtasks and immediates run). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function param(params: Readonly<Record<string, number>>, name: string): number {
  const v = params[name];
  if (v === undefined) throw new Error(`missing param ${name}`);
  return v;
}

/** A promise and the function that resolves it. */
export function gatePromise(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Thrown when a contender cannot run yet (e.g. not written); the report shows "skipped". */
export class SkipError extends Error {
  override name = 'SkipError';
}

/** What the child is doing, for the report when it stalls. */
export const phase = { now: 'start' };
