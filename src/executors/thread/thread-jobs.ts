/**
 * The jobs of one thread and their states: the one owner of both. Every method is a
 * transition of job-state.ts (it calls `move`), named by what happened; the executor asks
 * and then tells the scheduler (one hook per terminal move, see job-state.ts).
 *
 * Order: the thread begins what it is sent in the order sent, taking each from its queue
 * after claiming it (OPEN → TAKEN in the claim ring) and counting it in CONSUMED. `#waiting`
 * holds the jobs sent whose begin the pool has not seen yet, in that order, from
 * `#waitHead`; `#accounted` counts the jobs sent before it (begun, or passed over). A steal
 * turns a waiting job's claim OPEN → STOLEN and leaves a hole the thread still passes.
 */
import type { Job } from '../../types.js';
import { JobEntry, type JobState, move, S, watched } from './job-state.js';
import type { ThreadPayload } from './payload.js';
import { type Load, type Shape, slotFree } from './placement.js';
import { CLAIMS, CONSUMED, OPEN, STOLEN } from './protocol.js';

export class ThreadJobs implements Load {
  /** Every job placed here and not ended, in the order placed. */
  readonly #entries = new Map<number, JobEntry>();
  #waiting: (JobEntry | undefined)[] = [];
  #waitHead = 0;
  #accounted = 0;
  /** Entries of `#waiting` emptied by a steal (the thread still passes over each). */
  #holes = 0;
  /**
   * Jobs kept here unsent, in order, behind everything sent: one with transferred input
   * is sent only where it begins on arrival, and what comes after it waits behind it, so
   * its input leaves the main thread only to run at once (issue 11).
   */
  readonly #parked: JobEntry[] = [];
  /** Tasks sent (or about to be): the next one's claim index. */
  #sent = 0;
  /** Jobs in `stopping` or `skipping`: the thread's kill timer runs while any remains. */
  #watched = 0;
  readonly #cells: Int32Array;
  readonly #mask: number;
  readonly #shape: Shape;

  constructor(cells: Int32Array, shape: Shape) {
    this.#cells = cells;
    this.#mask = shape.ring - 1;
    this.#shape = shape;
  }

  /** Jobs placed here and not ended: running, waiting in the thread, or parked. */
  get placed(): number {
    return this.#entries.size;
  }
  /** Jobs not known to have begun: waiting in the thread, or parked here. */
  get queued(): number {
    return this.#waiting.length - this.#waitHead - this.#holes + this.#parked.length;
  }
  get parked(): number {
    return this.#parked.length;
  }
  /** Tasks sent that the thread has not passed yet (stolen ones included): kept below `ring`. */
  get unpassed(): number {
    return this.#sent - Atomics.load(this.#cells, CONSUMED);
  }
  /** Jobs stopped and taken by the thread that have not ended (see `#watched`). */
  get watched(): number {
    return this.#watched;
  }

  get(id: number): JobEntry | undefined {
    return this.#entries.get(id);
  }

  has(id: number): boolean {
    return this.#entries.has(id);
  }

  /** → placed: the job is this thread's now (sent, or parked, next). */
  place(job: Job<ThreadPayload>): JobEntry {
    const e = new JobEntry(job);
    this.#entries.set(job.id, e);
    return e;
  }

  /** placed → parked. */
  park(e: JobEntry): void {
    move(e, S.parked);
    this.#parked.push(e);
  }

  /** The oldest parked job, if it may be sent now (one with transferred input only to begin on arrival). */
  nextParked(): JobEntry | undefined {
    const e = this.#parked[0];
    if (e === undefined) return undefined;
    if (e.job.payload.transfer !== undefined && !slotFree(this, this.#shape, 0)) return undefined;
    return e;
  }

  /**
   * placed | parked (the oldest) → started if it begins on arrival, else sent: opens its
   * claim. Returns whether it began (the caller reports it and writes its RUN entry).
   */
  send(e: JobEntry): boolean {
    if (e.state === S.parked) this.#parked.shift(); // `nextParked` returned it
    const now = slotFree(this, this.#shape, 1); // in `#entries`, not waiting or parked
    Atomics.store(this.#cells, CLAIMS + (this.#sent++ & this.#mask), OPEN);
    move(e, now ? S.started : S.sent);
    if (now) this.#accounted++;
    else this.#waiting.push(e);
    return now;
  }

  /**
   * sent → started for each job the thread's CONSUMED count reached, in order (`begun`
   * reports it); cancelled → skipping. Returns whether a job moved to skipping (the caller
   * arms the kill timer). Read on every reply, so a job is known to have begun at the
   * latest when its result arrives.
   */
  consume(begun: (job: Job<ThreadPayload>) => void): boolean {
    const consumed = Atomics.load(this.#cells, CONSUMED);
    let skipping = false;
    while (this.#accounted < consumed && this.#waitHead < this.#waiting.length) {
      const e = this.#pass();
      if (e === undefined) continue;
      if (e.state === S.cancelled) {
        this.#watch(e, S.skipping);
        skipping = true;
      } else {
        move(e, S.started);
        begun(e.job);
      }
    }
    this.#compact();
    return skipping;
  }

  /**
   * sent → started for the jobs at the head of `#waiting`, up to `free` of them: the
   * thread begins its waiting jobs in order as soon as a slot frees, so once the pool has
   * seen `free` slots free up they have begun, or will within the thread's next step, and
   * their run is measured from about then. Stops at a cancelled job (it may or may not
   * begin); passes over holes (they take no slot).
   */
  promote(free: number, begun: (job: Job<ThreadPayload>) => void): void {
    while (free > 0 && this.#waitHead < this.#waiting.length) {
      const e = this.#waiting[this.#waitHead];
      if (e !== undefined && e.state === S.cancelled) break;
      this.#pass();
      if (e === undefined) continue;
      free--;
      move(e, S.started);
      begun(e.job);
    }
    this.#compact();
  }

  /** Slots free here for `promote`: `perWorker` less what is known to run. */
  get runningRoom(): number {
    return this.#shape.perWorker - (this.#entries.size - this.queued);
  }

  /**
   * parked | sent → `to` (stolen for another thread, recalled to the scheduler) for up to
   * `max` jobs not begun here, newest first: parked ones, then those waiting in the thread
   * whose claim the pool wins (OPEN → STOLEN); a cancelled job is left to its thread.
   * Each leaves this thread and is handed to `take`.
   */
  steal(max: number, to: JobState, take: (job: Job<ThreadPayload>) => void): void {
    while (max > 0 && this.#parked.length > 0) {
      max--;
      const e = this.#parked.pop() as JobEntry;
      this.#end(e, to);
      take(e.job);
    }
    for (let i = this.#waiting.length - 1; i >= this.#waitHead && max > 0; i--) {
      const e = this.#waiting[i];
      if (e === undefined || e.state === S.cancelled) continue;
      const k = this.#accounted + (i - this.#waitHead);
      const slot = CLAIMS + (k & this.#mask);
      if (Atomics.compareExchange(this.#cells, slot, OPEN, STOLEN) !== OPEN) break;
      this.#waiting[i] = undefined;
      this.#holes++;
      max--;
      this.#end(e, to);
      take(e.job);
    }
  }

  /**
   * A stop, returning the state it moved to: parked → recalled (it leaves), sent →
   * cancelled (the caller posts CANCEL; no kill timer yet: the thread may be busy with a
   * task not ours to kill), started → stopping (CANCEL, and the kill timer). Anything
   * else: it is stopping already (`undefined`).
   */
  stop(e: JobEntry): JobState | undefined {
    if (e.state === S.parked) {
      this.#parked.splice(this.#parked.indexOf(e), 1);
      this.#end(e, S.recalled);
      return S.recalled;
    }
    if (e.state === S.sent) {
      move(e, S.cancelled);
      return S.cancelled;
    }
    if (e.state === S.started) {
      this.#watch(e, S.stopping);
      return S.stopping;
    }
    return undefined;
  }

  /**
   * The job `id` ended in its thread: `skipped` (it never ran) → recalled if the
   * scheduler was not told it began, else settled; a result → settled. `undefined`: it had
   * left this thread already (a reply for it is dropped).
   */
  reply(id: number, skipped: boolean): JobEntry | undefined {
    const e = this.#entries.get(id);
    if (e === undefined) return undefined;
    const told = e.state === S.started || e.state === S.stopping;
    this.#end(e, skipped && !told ? S.recalled : S.settled);
    return e;
  }

  /**
   * sent | started → settled: its input could not be cloned, so the thread never got it
   * (the caller finishes it with DataCloneError). Its claim index goes to the next.
   */
  unsendable(e: JobEntry): void {
    const waits = e.state === S.sent;
    this.#end(e, S.settled);
    if (waits) this.#waiting.splice(this.#waiting.indexOf(e, this.#waitHead), 1);
    else this.#accounted--;
    this.#sent--;
  }

  /**
   * The thread is gone, so its CONSUMED count is final: every job moves to recalled (never
   * taken: parked, or waiting past that count) or killed (taken), returned in the order
   * placed. The caller reports each.
   */
  exited(): JobEntry[] {
    const consumed = Atomics.load(this.#cells, CONSUMED);
    const untaken = new Set<JobEntry>(this.#parked);
    const from = this.#waitHead + Math.max(0, consumed - this.#accounted);
    for (let i = from; i < this.#waiting.length; i++) {
      const e = this.#waiting[i];
      if (e !== undefined) untaken.add(e);
    }
    const all = [...this.#entries.values()];
    for (const e of all) this.#end(e, untaken.has(e) ? S.recalled : S.killed);
    this.#waiting = [];
    this.#waitHead = 0;
    this.#holes = 0;
    this.#parked.length = 0;
    return all;
  }

  /** For `stats().details`. */
  describe(): { running: number; queued: number } {
    return { running: this.#entries.size - this.queued, queued: this.queued };
  }

  #watch(e: JobEntry, to: JobState): void {
    move(e, to);
    this.#watched++;
  }

  /** Moves `e` to a terminal state and takes it off this thread. */
  #end(e: JobEntry, to: JobState): void {
    if (watched(e.state)) this.#watched--;
    move(e, to);
    this.#entries.delete(e.job.id);
  }

  /** Takes the head of `#waiting` as passed by the thread (begun, or a stolen hole). */
  #pass(): JobEntry | undefined {
    const e = this.#waiting[this.#waitHead];
    this.#waiting[this.#waitHead++] = undefined;
    this.#accounted++;
    if (e === undefined) this.#holes--;
    return e;
  }

  #compact(): void {
    if (this.#waitHead === this.#waiting.length && this.#waitHead > 0) {
      this.#waiting = [];
      this.#waitHead = 0;
    }
  }
}
