/**
 * The shared memory between the ThreadPool chaos test and its task module
 * (fixtures/tasks.mjs, which repeats these offsets): a header, then one slot per task.
 * Threads record what really happened there (which attempt began, how many tasks ran at
 * once, whether the input arrived intact); the test opens gates there and marks the tasks
 * of a thread that exited as dead (a killed thread cannot say so itself).
 */

/** Header cells: 1 the concurrency limit now, 2 corrupted inputs seen, 3 begins over the limit, 4 the count then. */
export const HEADER = 8;
export const LIMIT = 1;
export const CORRUPT = 2;
export const OVER = 3;
export const PEAK = 4;
/** Cells per task: begins by attempt (3), gates by attempt (3), inside, thread id, dead. */
export const SLOT = 16;
export const RUNS = 0;
export const GATES = 3;
export const INSIDE = 6;
export const THREAD = 7;
export const DEAD = 8;

export class ChaosMemory {
  readonly sab: SharedArrayBuffer;
  readonly cells: Int32Array;

  constructor(tasks: number, limit: number) {
    this.sab = new SharedArrayBuffer((HEADER + SLOT * Math.max(1, tasks)) * 4);
    this.cells = new Int32Array(this.sab);
    this.limit = limit;
  }

  set limit(n: number) {
    Atomics.store(this.cells, LIMIT, n);
  }

  get limit(): number {
    return Atomics.load(this.cells, LIMIT);
  }

  runs(slot: number, attempt: number): number {
    return Atomics.load(this.cells, HEADER + slot * SLOT + RUNS + attempt - 1);
  }

  open(slot: number, attempt: number): void {
    const cell = HEADER + slot * SLOT + GATES + attempt - 1;
    Atomics.store(this.cells, cell, 1);
    Atomics.notify(this.cells, cell);
  }

  dead(slot: number): boolean {
    return Atomics.load(this.cells, HEADER + slot * SLOT + DEAD) === 1;
  }

  /** Tasks running in threads still alive. */
  get running(): number {
    let n = 0;
    for (let b = HEADER; b + SLOT <= this.cells.length; b += SLOT)
      if (Atomics.load(this.cells, b + INSIDE) === 1 && Atomics.load(this.cells, b + DEAD) === 0)
        n++;
    return n;
  }

  /** The thread `threadId` exited: what ran on it is dead. */
  threadExited(threadId: number): void {
    for (let b = HEADER; b + SLOT <= this.cells.length; b += SLOT)
      if (
        Atomics.load(this.cells, b + INSIDE) === 1 &&
        Atomics.load(this.cells, b + THREAD) === threadId
      )
        Atomics.store(this.cells, b + DEAD, 1);
  }

  get corrupt(): number {
    return Atomics.load(this.cells, CORRUPT);
  }

  get over(): { count: number; peak: number } {
    return { count: Atomics.load(this.cells, OVER), peak: Atomics.load(this.cells, PEAK) };
  }
}

/** The checksum fixtures/tasks.mjs verifies. */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum * 31 + b) | 0;
  return sum;
}

let current: ChaosMemory | undefined;

/**
 * Marks the tasks of every thread that exits as dead, in the memory of the schedule now
 * running. A Worker's `exit` listeners run one after another in one turn, so this runs
 * before the pool can post a task to the slot the exit freed (it posts on a microtask).
 */
export function watchThreads(memory: ChaosMemory): void {
  current = memory;
}

process.on('worker', (worker) => {
  const id = worker.threadId;
  worker.once('exit', () => current?.threadExited(id));
});
