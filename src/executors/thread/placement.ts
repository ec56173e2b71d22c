/**
 * Where a job goes and what an idle thread steals: pure functions of what the executor
 * knows of its threads (a `Thread` is a `Seat`; tests pass plain objects). The executor
 * (thread-executor.ts) moves the jobs; these only decide.
 */

/** Why the pool is ending a thread; `undefined` while the pool wants it. */
export type Fate = 'retire' | 'kill' | 'close' | undefined;

/** What placement reads of one thread's jobs (a `ThreadJobs` is a `Load`). */
export interface Load {
  /** Jobs placed on it: running, waiting in the thread, or parked pool-side. */
  readonly placed: number;
  /** Jobs of those not known to have begun (waiting in the thread, or parked). */
  readonly queued: number;
  /** Jobs parked pool-side, unsent (see ThreadJobs). */
  readonly parked: number;
  /** Tasks sent it has not passed yet (stolen ones included). */
  readonly unpassed: number;
}

/** What placement reads of one thread. */
export interface Seat {
  /** Its module loaded. */
  readonly online: boolean;
  /** Why the pool is ending it; `undefined` while the pool wants it. */
  readonly fate: Fate;
  readonly jobs: Load;
}

/** The pool's shape: tasks a thread runs at once, holds in all, and its claim-ring size. */
export interface Shape {
  readonly perWorker: number;
  readonly depth: number;
  readonly ring: number;
}

/** Jobs `t` can take now: its depth, and fewer than `ring` tasks it has not passed. */
export function room(t: Seat, s: Shape): number {
  return Math.min(s.depth - t.jobs.placed, s.ring - t.jobs.unpassed);
}

/**
 * The one rule for "begins on arrival": nothing waits inside the thread (only parked jobs
 * may be queued) and fewer than `perWorker` run. `placed` is 1 when the job asked about is
 * placed already but neither waiting nor parked (it would count as running).
 */
export function slotFree(l: Load, s: Shape, placed: 0 | 1): boolean {
  return l.queued === l.parked && l.placed - l.queued - placed < s.perWorker;
}

/** Whether a job sent to `t` now begins on arrival: nothing waits or is parked there, a slot is free. */
export function beginsOnArrival(t: Seat, s: Shape): boolean {
  return t.jobs.parked === 0 && slotFree(t.jobs, s, 0);
}

/**
 * The thread a new job goes to: among those online, wanted and with room, the least busy;
 * for a job whose input is transferred (`moved`), one where it begins on arrival first.
 * Ties go to the earliest in `threads`. `undefined` when none has room.
 */
export function choose<T extends Seat>(
  threads: readonly T[],
  s: Shape,
  moved: boolean,
): T | undefined {
  let best: T | undefined;
  let bestArrives = false;
  for (const t of threads) {
    if (!t.online || t.fate !== undefined || room(t, s) <= 0) continue;
    const arrives = moved && beginsOnArrival(t, s);
    if (
      best === undefined ||
      (arrives && !bestArrives) ||
      (arrives === bestArrives && t.jobs.placed < best.jobs.placed)
    ) {
      best = t;
      bestArrives = arrives;
    }
  }
  return best;
}

/**
 * Work stealing: the thread an idle one steals from. A wanted, online `thief` with nothing
 * waiting and a free slot takes from the other wanted thread with the most jobs waiting;
 * `undefined`: nothing to steal. It takes `stealCount` of them.
 */
export function victimOf<T extends Seat>(thief: T, threads: readonly T[], s: Shape): T | undefined {
  if (thief.fate !== undefined || !thief.online || thief.jobs.queued > 0) return undefined;
  if (thief.jobs.placed >= s.perWorker) return undefined;
  let victim: T | undefined;
  for (const t of threads)
    if (
      t !== thief &&
      t.fate === undefined &&
      (victim === undefined || t.jobs.queued > victim.jobs.queued)
    )
      victim = t;
  return victim === undefined || victim.jobs.queued === 0 ? undefined : victim;
}

/** How many jobs `thief` steals from `victim`: half of those waiting there, rounded up, within its room. */
export function stealCount(thief: Seat, victim: Seat, s: Shape): number {
  return Math.min(Math.ceil(victim.jobs.queued / 2), room(thief, s));
}
