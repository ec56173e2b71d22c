import { QueueFullError } from '../errors.js';
import type { TaskContext, TaskFunction } from '../executors/inline.js';
import type { NormalizedTaskOptions } from '../scheduler/options.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { isThenable } from '../thenable.js';
import { BUSY, IDLE, ItemContext, Lease, RELEASED, REQUESTED } from './lease.js';
import type { ItemMeter } from './meter.js';

/** A `pool.map` mapper as the in-process Pool receives it. */
export type Mapper = (item: unknown, context: TaskContext) => unknown;

/** What a lease reports to the map iterator. */
export interface LeaseHost {
  /** Item `slot` ended (`ok` with its value, or its error). */
  settle(slot: number, ok: boolean, value: unknown): void;
  /** The map must stop: a lease was refused or cancelled by the pool (close, terminate, signal). */
  fail(error: unknown): void;
  /** A lease is free for more items: pull if there is room. */
  pump(): void;
}

type Payload = TaskFunction;

/**
 * The fast path of `Pool.map`: up to `max` leases (pool slots held as long-running
 * scheduler tasks) run the map's items inline. A sync result is stored at once and the
 * lease takes the next item; an async one keeps its lease until it settles.
 *
 * Sharing: before each item a lease checks the pool. Paused, closed, or other work
 * waiting (not counting our own requests) → the idle lease is released and requested
 * again, so it queues behind that work by priority. A lease left idle across a turn of
 * the event loop (slow consumer, slow source) is released too, so a map never holds a
 * slot the consumer itself might need (`await pool.run(...)` inside the loop).
 *
 * Stats: items count exactly as `ThreadPool.map`'s per-item tasks do (meter.ts):
 * submitted when pulled, started with their wait when they get a lease, settled once;
 * when the map stops, the item running and those waiting for a lease are cancelled at
 * once. The leases themselves are internal tasks (`internal`): not counted.
 *
 * Over ~300 lines on purpose: one lease's life (REQUESTED → IDLE ⇄ BUSY → RELEASED,
 * lease.ts) and the sharing rule that moves it are one protocol with the scheduler, kept
 * in one place so every transition can be read beside the others.
 */
export class Leases {
  readonly #scheduler: Scheduler<Payload>;
  readonly #options: NormalizedTaskOptions;
  readonly #max: number;
  readonly #mapper: Mapper;
  readonly #withContext: boolean;
  readonly #host: LeaseHost;
  readonly #all = new Set<Lease>();
  #idle: Lease[] = [];
  #requested = 0;
  /** Items pulled, waiting for a lease (slot and item), FIFO. */
  #waitSlots: number[] = [];
  #waitItems: unknown[] = [];
  /** When each waiting item was pulled. */
  #waitTimes: number[] = [];
  #waitHead = 0;
  readonly #meter: ItemMeter;
  #stopped: { readonly reason: Error; readonly ended: boolean } | undefined;
  #checkArmed = false;
  /** The source is exhausted: a lease with no waiting item ends instead of idling. */
  #drained = false;
  readonly #began = (lease: Lease): void => this.#onBegan(lease);
  readonly #done = (lease: Lease, ok: boolean, value: unknown): void =>
    this.#itemDone(lease, ok, value);
  readonly #check = (): void => {
    this.#checkArmed = false;
    this.#releaseIdle();
  };

  constructor(
    scheduler: Scheduler<Payload>,
    options: NormalizedTaskOptions,
    max: number,
    mapper: Mapper,
    host: LeaseHost,
    meter: ItemMeter,
  ) {
    this.#scheduler = scheduler;
    this.#meter = meter;
    this.#options = { ...options, internal: true };
    this.#max = max;
    this.#mapper = mapper;
    this.#withContext = mapper.length >= 2;
    this.#host = host;
  }

  /** An item's progress report, passed on while that item still runs on its lease. */
  readonly #progress = (id: number, value: unknown): void => {
    if (this.#stopped === undefined) this.#meter.progress(id, this.#options.onProgress, value);
  };

  /** Runs item `slot` now on an idle lease, or once a lease is granted. */
  run(slot: number, item: unknown): void {
    if (this.#stopped !== undefined) return;
    const refusal = this.#refusal();
    if (refusal !== undefined) {
      this.#host.fail(refusal);
      return;
    }
    this.#meter.submitted();
    if (this.#waitHead === this.#waitSlots.length) {
      const lease = this.#takeIdle();
      if (lease !== undefined) {
        this.#exec(lease, slot, item, undefined);
        return;
      }
    }
    this.#waitSlots.push(slot);
    this.#waitItems.push(item);
    this.#waitTimes.push(this.#meter.pulledAt());
    this.#request();
    // Yielding above can hand the freed slot straight back to a lease of ours that was
    // queued first: let it take the waiting items rather than idle beside them.
    if (this.#idle.length > 0) this.#next();
  }

  /** No more items will come: idle leases end now, busy ones once their last item settles. */
  drained(): void {
    this.#drained = true;
    if (this.#waitHead === this.#waitSlots.length) this.#releaseIdle();
  }

  /**
   * Stops: idle leases end, busy ones are cancelled (their item's signal aborts), and so are
   * requests still queued — unless the map simply ended (`ended`): a request its items no
   * longer need then begins and ends at once, and is not counted as cancelled.
   */
  stop(reason: Error, ended = false): void {
    if (this.#stopped !== undefined) return;
    this.#stopped = { reason, ended };
    // Items waiting for a lease are cancelled, as queued per-item tasks would be.
    const now = this.#meter.now();
    for (let i = this.#waitHead; i < this.#waitSlots.length; i++)
      this.#meter.cancelWaiting(this.#waitTimes[i] as number, reason, now);
    this.#waitSlots = [];
    this.#waitItems = [];
    this.#waitTimes = [];
    this.#waitHead = 0;
    for (const lease of [...this.#all]) this.#retire(lease);
  }

  /** Why the next item may not run (the pool closed, the map's signal aborted), if so. */
  #refusal(): Error | undefined {
    return this.#scheduler.admission.refused(this.#options);
  }

  /**
   * An idle lease for the next item, or undefined (wait for one). A lease that has run an
   * item since it began yields its slot when the pool is paused or other work waits (our
   * own requests aside); one that just began runs an item first (it waited its turn), so
   * maps sharing a pool take turns instead of handing the slot back and forth forever.
   */
  #takeIdle(): Lease | undefined {
    const idle = this.#idle;
    const s = this.#scheduler;
    if (idle.length === 0 || !(s.paused || s.queued > this.#requested)) return idle.pop();
    const keep: Lease[] = [];
    const drop: Lease[] = [];
    for (const lease of idle) (lease.fresh && !s.paused ? keep : drop).push(lease);
    this.#idle = keep;
    for (const lease of drop) {
      lease.state = RELEASED;
      this.#all.delete(lease);
      lease.end();
    }
    return this.#idle.pop();
  }

  /** Runs `item` on `lease` (`pulled`: when, if it had to wait for one). */
  #exec(lease: Lease, slot: number, item: unknown, pulled: number | undefined): void {
    // BUSY while the mapper runs, even a sync one: a stop inside it (the mapper aborts the
    // map's signal) must not free the slot under it.
    lease.state = BUSY;
    lease.fresh = false;
    this.#meter.begin(lease, pulled);
    let result: unknown;
    let context: ItemContext | undefined;
    try {
      if (this.#withContext) {
        context = new ItemContext(lease, this.#progress);
        lease.context = context;
        result = this.#mapper(item, context);
      } else result = (this.#mapper as (item: unknown) => unknown)(item);
    } catch (error) {
      this.#meter.end(lease, false, error);
      this.#free(lease);
      this.#host.settle(slot, false, error);
      return;
    }
    if (!isThenable(result)) {
      this.#meter.end(lease, true, result);
      this.#free(lease);
      this.#host.settle(slot, true, result);
      return;
    }
    lease.slot = slot;
    // Adopted with Promise.resolve: a foreign `then` that throws rejects, one that calls
    // back twice counts once. The callbacks are the lease's own, made once.
    Promise.resolve(result).then(lease.onValue, lease.onError);
  }

  /** An async item ended (`lease.onValue` / `onError`). */
  #itemDone(lease: Lease, ok: boolean, value: unknown): void {
    if (lease.state !== BUSY) return;
    const slot = lease.slot;
    this.#meter.end(lease, ok, value);
    const s = this.#scheduler;
    if (this.#stopped === undefined && s.running > s.maxWorkers) {
      // resize() shrank the pool below what runs: this slot goes back. (Checked here, on
      // the async path; sync items run one at a time whatever the number of leases.)
      lease.context = undefined;
      lease.state = RELEASED;
      this.#all.delete(lease);
      lease.end();
      this.#host.settle(slot, ok, value);
      if (this.#stopped === undefined && this.#waitHead < this.#waitSlots.length) this.#request();
      return;
    }
    this.#free(lease);
    if (this.#stopped !== undefined) return;
    this.#host.settle(slot, ok, value);
    this.#next();
  }

  /** Its item ended: the lease idles, or ends if the map has stopped. */
  #free(lease: Lease): void {
    lease.context = undefined;
    if (this.#stopped === undefined) {
      lease.state = IDLE;
      this.#idle.push(lease);
      return;
    }
    lease.state = RELEASED;
    this.#all.delete(lease);
    lease.end();
  }

  /** A lease is idle: give it a waiting item, or let the host pull more. */
  #next(): void {
    if (this.#stopped !== undefined) return;
    while (this.#waitHead < this.#waitSlots.length && this.#idle.length > 0) {
      const refusal = this.#refusal();
      if (refusal !== undefined) {
        this.#host.fail(refusal);
        return;
      }
      const lease = this.#takeIdle();
      if (lease === undefined) {
        this.#request();
        return;
      }
      const i = this.#waitHead++;
      const slot = this.#waitSlots[i] as number;
      const item = this.#waitItems[i];
      const pulled = this.#waitTimes[i] as number;
      this.#waitItems[i] = undefined;
      if (this.#waitHead === this.#waitSlots.length) {
        this.#waitSlots = [];
        this.#waitItems = [];
        this.#waitTimes = [];
        this.#waitHead = 0;
      }
      this.#exec(lease, slot, item, pulled);
      if (this.#stopped !== undefined) return;
    }
    if (this.#drained) {
      this.#releaseIdle();
      return;
    }
    this.#host.pump();
    if (this.#idle.length > 0) this.#armCheck();
  }

  /** Asks for leases for the waiting items, up to `max` held or asked for. */
  #request(): void {
    while (
      this.#stopped === undefined &&
      this.#requested < this.#waitSlots.length - this.#waitHead &&
      this.#all.size < this.#max
    ) {
      const lease = new Lease(this.#began, this.#done);
      this.#all.add(lease);
      this.#requested++;
      const sink = (ok: boolean, value: unknown): void => this.#onSettled(lease, ok, value);
      const s = this.#scheduler;
      const admitted = s.admission.tryAdmitCallback(lease.payload, this.#options, sink, true);
      if (!(admitted instanceof Error)) {
        lease.record = admitted;
        if (this.#stopped !== undefined) this.#retire(lease);
        continue;
      }
      this.#all.delete(lease);
      this.#requested--;
      if (!(admitted instanceof QueueFullError) || this.#all.size > 0) {
        // Full with leases held: the ones we have carry on, and ask again as they free up.
        if (!(admitted instanceof QueueFullError)) this.#host.fail(admitted);
        return;
      }
      // Full and holding nothing: wait for room like any producer.
      this.#all.add(lease);
      this.#requested++;
      s.admission.admitCallback(lease.payload, this.#options, sink).then(
        (record) => {
          lease.record = record;
          if (this.#stopped !== undefined) this.#retire(lease);
        },
        (error: unknown) => {
          this.#all.delete(lease);
          if (lease.state === REQUESTED) this.#requested--;
          this.#host.fail(error);
        },
      );
      return;
    }
  }

  #onBegan(lease: Lease): void {
    if (lease.state !== REQUESTED) return;
    this.#requested--;
    if (this.#stopped !== undefined) {
      lease.state = RELEASED;
      this.#all.delete(lease);
      lease.end();
      return;
    }
    lease.state = IDLE;
    lease.fresh = true;
    this.#idle.push(lease);
    this.#next();
  }

  /** The scheduler settled a lease: after our release, or cancelled/refused by the pool. */
  #onSettled(lease: Lease, ok: boolean, value: unknown): void {
    if (ok || this.#stopped !== undefined) return;
    if (lease.state === REQUESTED) {
      this.#requested--;
      this.#all.delete(lease);
      lease.state = RELEASED;
    }
    this.#host.fail(value);
  }

  /** Ends or cancels one lease as the map stops. */
  #retire(lease: Lease): void {
    const { reason, ended } = this.#stopped as { reason: Error; ended: boolean };
    if (lease.state === IDLE) {
      lease.state = RELEASED;
      this.#all.delete(lease);
      const i = this.#idle.indexOf(lease);
      if (i >= 0) this.#idle.splice(i, 1);
      lease.end();
    } else if (lease.state === BUSY) {
      // Its item still runs: the slot stays held until it settles (the limit is real). Its
      // outcome is decided now, as a per-item task's would be when cancelled.
      this.#meter.cancel(lease, reason);
      lease.context?.abort(reason);
      if (lease.record !== undefined) this.#scheduler.cancel(lease.record, reason);
    } else if (lease.state === REQUESTED && lease.record !== undefined && !ended) {
      this.#requested--;
      lease.state = RELEASED;
      this.#all.delete(lease);
      this.#scheduler.cancel(lease.record, reason);
    }
  }

  /** Releases every idle lease (their slots go back to the pool). */
  #releaseIdle(): void {
    const idle = this.#idle;
    if (idle.length === 0) return;
    this.#idle = [];
    for (const lease of idle) {
      lease.state = RELEASED;
      this.#all.delete(lease);
      lease.end();
    }
  }

  #armCheck(): void {
    if (this.#checkArmed) return;
    this.#checkArmed = true;
    setImmediate(this.#check);
  }
}
