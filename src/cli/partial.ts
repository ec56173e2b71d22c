import type { PoolEvents } from '../index.js';

/** What this needs of a pool (`Pool` or `ThreadPool`). */
export interface Observable {
  on<K extends keyof PoolEvents>(event: K, listener: (e: PoolEvents[K]) => void): unknown;
  off<K extends keyof PoolEvents>(event: K, listener: (e: PoolEvents[K]) => void): unknown;
}

/**
 * How far one task is, from a value it reported with `ctx.progress`: a number from 0 to 1,
 * or `{ done, total }` (both numbers, total > 0). Anything else says nothing of its share.
 */
export function fractionOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value >= 0 && value <= 1 ? value : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const { done, total } = value as { done?: unknown; total?: unknown };
  if (typeof done !== 'number' || typeof total !== 'number' || !(total > 0)) return undefined;
  return Math.min(1, Math.max(0, done / total));
}

/**
 * The part of the running tasks already done, from their progress reports (the pool's
 * `progress` events): the progress bar adds it to the tasks finished, so a run of a few long
 * tasks moves while they run. A task's share leaves when it ends.
 */
export class PartialProgress {
  readonly #events: Observable;
  readonly #running = new Map<number, number>();
  #sum = 0;

  constructor(events: Observable) {
    this.#events = events;
    events.on('progress', this.#onProgress);
    events.on('end', this.#onEnd);
  }

  /** Σ of the running tasks' fractions done. */
  get sum(): number {
    return this.#sum;
  }

  stop(): void {
    this.#events.off('progress', this.#onProgress);
    this.#events.off('end', this.#onEnd);
    this.#running.clear();
    this.#sum = 0;
  }

  readonly #onProgress = (e: PoolEvents['progress']): void => {
    const fraction = fractionOf(e.value);
    if (fraction === undefined) return;
    this.#sum += fraction - (this.#running.get(e.id) ?? 0);
    this.#running.set(e.id, fraction);
  };

  readonly #onEnd = (e: PoolEvents['end']): void => {
    const fraction = this.#running.get(e.id);
    if (fraction === undefined) return;
    this.#running.delete(e.id);
    this.#sum -= fraction;
    if (this.#running.size === 0) this.#sum = 0; // no drift from float sums
  };
}
