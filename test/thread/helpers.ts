import type { ThreadEvents, ThreadPool } from '../../src/index.js';

/** What these helpers need of a pool, whatever its module type. */
type Observed = Pick<ThreadPool, 'threads' | 'stats'>;
// Node 20 has Atomics.waitAsync; the ES2023 lib does not declare it.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(cells: Int32Array, index: number, value: number): { value: Promise<string> | string };
  }
).waitAsync;

/** URL of a fixture module in test/fixtures. */
export function fixture(name: string): URL {
  return new URL(`../fixtures/${name}`, import.meta.url);
}

/**
 * A gate across threads: the task gets `sab`, signals `started`, and blocks (Atomics.wait)
 * until the test calls `open()`.
 */
export class SharedGate {
  readonly sab = new SharedArrayBuffer(8);
  readonly #cells = new Int32Array(this.sab);

  /** Resolves once the task has started in its thread. */
  async started(): Promise<void> {
    await waitAsync(this.#cells, 1, 0).value;
  }

  open(): void {
    Atomics.store(this.#cells, 0, 1);
    Atomics.notify(this.#cells, 0);
  }
}

/** Resolves once `cells[index]` is at least `min` (the other side notifies each change). */
export async function reach(cells: Int32Array, index: number, min: number): Promise<void> {
  for (let now = Atomics.load(cells, index); now < min; now = Atomics.load(cells, index))
    await waitAsync(cells, index, now).value;
}

/** Resolves with the first `event` of the pool's thread emitter that matches `pred`. */
export function nextThreadEvent<K extends keyof ThreadEvents>(
  pool: Observed,
  event: K,
  pred: (e: ThreadEvents[K]) => boolean = () => true,
): Promise<ThreadEvents[K]> {
  return new Promise((resolve) => {
    const listener = (e: ThreadEvents[K]): void => {
      if (!pred(e)) return;
      pool.threads.off(event, listener);
      resolve(e);
    };
    pool.threads.on(event, listener);
  });
}

/** The executor's figures from `stats().details`. */
export function threadDetails(pool: Observed): {
  alive: number;
  online: number;
  spawned: number;
  threads: {
    id: number;
    online: boolean;
    running: number;
    queued: number;
    utilization: number;
    eventLoopUtilization: number;
  }[];
} {
  return pool.stats().details as never;
}

/** Waits until every thread the pool wants is online. */
export async function allOnline(pool: Observed, n: number): Promise<void> {
  while (threadDetails(pool).online < n) await nextThreadEvent(pool, 'online');
}
