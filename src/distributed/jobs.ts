/**
 * A caller's call and the BullMQ job that carries it: `newCall` checks and encodes what a
 * submit was given (nothing is written yet), and `JobWriter.add` writes the call's current
 * job (its first, or a caller-side retry) to its lane. A call is `queued` once BullMQ has
 * its job; a keyed job's key is put in the `keyed` set first (hosts look for keys there)
 * and rung after (an idle host fetches at once).
 */
import { randomUUID } from 'node:crypto';
import { Task, TaskCancelledError } from '../index.js';
import { checks as v } from '../internal.js';
import type { Call } from './calls.js';
import { encodeValue } from './codec.js';
import { keyQueue } from './keys.js';
import {
  type DistributedTaskOptions,
  type JobData,
  jobOptions,
  normalizeDistributedTaskOptions,
} from './options.js';
import { laneOf, openEvents, type Parts } from './parts.js';
import type { NormalizedPoolOptions } from './pool-options.js';
import type { Results } from './results.js';
import type { Room } from './room.js';
import type { DistributedTask } from './task.js';

const noop = (): void => {};

/**
 * A new call (state `adding`) and the task its caller holds, whose `cancel` (and the
 * signal's abort) calls `cancel`; throws `TypeError` / `RangeError` for bad options,
 * `TaskCancelledError` for an aborted signal, `DataCloneError` for input that cannot be sent.
 */
export function newCall<R>(
  queue: string,
  name: string,
  input: unknown,
  options: DistributedTaskOptions | undefined,
  batch: boolean,
  cancel: (call: Call, reason: unknown) => void,
): { call: Call; task: DistributedTask<R> } {
  v.string('name', name);
  const o = normalizeDistributedTaskOptions(options);
  if (o.signal?.aborted)
    throw new TaskCancelledError('Task was cancelled', { cause: o.signal.reason });
  const encoded = encodeValue(input, 'input');
  const id = o.id ?? randomUUID();
  const now = performance.now();
  let resolve: (value: unknown) => void = noop;
  const result = new Promise<R>((r) => {
    resolve = r as (value: unknown) => void;
  });
  result.catch(noop); // a result nobody awaits never raises an unhandled rejection
  const call: Call = {
    jobId: id,
    id,
    name,
    queue: o.key === undefined ? queue : keyQueue(queue, o.key),
    input: encoded,
    batch,
    options: o,
    attempt: 1,
    state: 'adding',
    submittedAt: now,
    startedAt: undefined,
    checkedAt: now,
    resolve,
    cleanup: undefined,
  };
  const signal = o.signal;
  if (signal !== undefined) {
    const onAbort = (): void => cancel(call, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    call.cleanup = () => signal.removeEventListener('abort', onAbort);
  }
  return { call, task: new Task<R, string>(id, result, (reason) => cancel(call, reason)) };
}

/** Pure: what the job of `call` carries, its start `delay` ms from now. */
export function jobData(call: Call, delay: number): JobData {
  const o = call.options;
  return {
    i: call.input,
    ...(call.batch ? { b: 1 as const } : {}),
    ...(o.timeout === Number.POSITIVE_INFINITY ? {} : { t: o.timeout }),
    ...(o.queueTimeout === Number.POSITIVE_INFINITY
      ? {}
      : { q: Date.now() + o.delay + delay + o.queueTimeout, qt: o.queueTimeout }),
    ...(o.key === undefined ? {} : { k: o.key }),
    ...(call.attempt > 1 ? { a: call.attempt } : {}),
  };
}

export class JobWriter {
  readonly #o: NormalizedPoolOptions;
  readonly #parts: Parts;
  readonly #results: Results;
  readonly #room: Room;
  /** Fair-share keys this pool has put in the `keyed` set. */
  readonly #keyed = new Set<string>();

  constructor(o: NormalizedPoolOptions, parts: Parts, results: Results, room: Room) {
    this.#o = o;
    this.#parts = parts;
    this.#results = results;
    this.#room = room;
  }

  /** Writes the call's current job to Redis, to start `delay` ms from now (plus its own delay). */
  async add(call: Call, delay = 0): Promise<void> {
    const o = call.options;
    const data = jobData(call, delay);
    if (call.state === 'settled') return; // cancelled while it waited for room
    const opts = jobOptions(o, call.jobId, this.#o);
    if (delay > 0) opts.delay = (opts.delay ?? 0) + delay;
    const parts = this.#parts;
    const results = this.#results;
    const lane = laneOf(parts, this.#o, call.queue);
    if (lane.events === undefined)
      await openEvents(parts, this.#o, lane, (events) => results.listen(events));
    const k = results.keys;
    if (o.key !== undefined && !this.#keyed.has(o.key)) {
      await parts.client.sadd(k.keyed, o.key);
      this.#keyed.add(o.key);
    }
    await lane.queue.add(call.name, data, opts);
    // Wake hosts idle on keyed work (a missed ring costs a host's keyPoll at most).
    if (o.key !== undefined) parts.client.publish(k.ring, o.key).catch(noop);
    if (call.state === 'adding') call.state = 'queued';
    this.#room.queued++;
    results.watch(call);
    // A reused id may name a job that had already finished: no event will come for it.
    if (o.id !== undefined) await results.check([call]);
  }
}
