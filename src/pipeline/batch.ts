/**
 * `batch({ size, time })`: groups items into arrays of `size`, or fewer once `time` ms have
 * passed since the batch's first item, whichever comes first; the last batch may be short.
 * Time comes from `clock` (a `ManualClock` in tests), so batching by time is testable
 * without waiting.
 */
import { type Clock, systemClock } from '../scheduler/clock.js';
import type { Channel } from '../sync/channel.js';
import { select } from '../sync/select.js';
import * as v from '../validate.js';
import { normalizeStageOptions } from './options.js';
import { close, type Env, Step, send } from './step.js';
import type { Stage } from './types.js';

export interface BatchOptions {
  /** Most items in a batch: an integer from 1 and up, or Infinity with a `time`. */
  readonly size: number;
  /** Ms after a batch's first item when it is passed on, full or not. @default Infinity */
  readonly time?: number;
  /** Time source for `time`. @default the system clock */
  readonly clock?: Clock;
  /** Capacity of the channel after this stage, in batches. @default the pipeline's `buffer` */
  readonly buffer?: number;
  /** A label for errors. */
  readonly name?: string;
}

const batchKeys = ['size', 'time', 'clock'];

/** A stage passing on arrays of up to `size` items, each within `time` ms of its first item. */
export function batch<I>(options: BatchOptions): Stage<I, I[]> {
  const o = v.object('options', options);
  const stage = normalizeStageOptions(
    Object.fromEntries(Object.entries(o).filter(([k]) => !batchKeys.includes(k))),
    '',
    false,
  );
  for (const key of ['concurrency', 'ordered', 'onError'] as const) {
    if (stage[key] !== undefined) throw new TypeError(`Unknown option \`${key}\` for batch`);
  }
  const size = v.integer('size', o.size, 1, true);
  const time = o.time === undefined ? Number.POSITIVE_INFINITY : v.number('time', o.time, 0, true);
  if (size === Number.POSITIVE_INFINITY && time === Number.POSITIVE_INFINITY) {
    throw new RangeError('Expected `size` or `time` of a batch to be finite, got both Infinity');
  }
  let clock = systemClock;
  if (o.clock !== undefined) {
    const c = v.object('clock', o.clock);
    for (const m of ['now', 'setTimeout', 'clearTimeout']) v.fn(`clock.${m}`, c[m]);
    clock = o.clock as Clock;
  }
  return new BatchStep(size, time, clock, stage.buffer) as unknown as Stage<I, I[]>;
}

class BatchStep extends Step {
  readonly buffer: number | undefined;
  readonly #size: number;
  readonly #time: number;
  readonly #clock: Clock;

  constructor(size: number, time: number, clock: Clock, buffer: number | undefined) {
    super();
    this.#size = size;
    this.#time = time;
    this.#clock = clock;
    this.buffer = buffer;
  }

  start(input: Channel<unknown>, output: Channel<unknown>, env: Env): void {
    env.run.go(async () => {
      await this.#loop(input, output, env);
      close(output);
    });
  }

  async #loop(input: Channel<unknown>, output: Channel<unknown>, env: Env): Promise<void> {
    const { run } = env;
    const size = this.#size;
    const timed = this.#time !== Number.POSITIVE_INFINITY;
    const clock = this.#clock;
    // The timer of the batch being filled sends here; `expired` is read between items.
    const tick = run.channel<true>(1);
    let expired = false;
    let timer: unknown;
    let items: unknown[] = [];
    const flush = async (): Promise<void> => {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      expired = false;
      tick.tryReceive();
      const full = items;
      items = [];
      const sending = send(output, full);
      if (sending !== undefined) await sending;
    };
    try {
      for (;;) {
        run.check();
        if (expired && items.length > 0) {
          await flush();
          continue;
        }
        let r = input.tryReceive();
        if (r === undefined) {
          if (timed && items.length > 0) {
            const won = await select([{ receive: input }, { receive: tick }]);
            if (won.index === 1) continue; // the timer: `expired` is set
            r = won.ok ? { value: won.value, ok: true } : { value: undefined, ok: false };
          } else r = await input.receive();
        }
        if (!r.ok) {
          run.check();
          if (items.length > 0) await flush();
          return;
        }
        if (items.length === 0 && timed) {
          timer = clock.setTimeout(() => {
            expired = true;
            tick.trySend(true);
          }, this.#time);
        }
        items.push(r.value);
        if (items.length >= size) await flush();
      }
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
  }
}
