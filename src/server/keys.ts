import { durationBuckets } from '../index.js';
import type { Ended } from './lifecycle.js';

/** Most distinct keys tracked; the rest are counted under `otherKey`, so memory stays bounded. */
export const maxKeys = 256;
export const otherKey = '(other)';

/** Cumulative figures of one part (all tasks, a name, a key), as sources report them. */
export interface PartCounts {
  readonly completed: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly cancelled: number;
  readonly dropped: number;
  readonly rejected: number;
  readonly retried: number;
  /** Bucket counts (`durationBuckets`) of total time, admission to outcome, since the start. */
  readonly total: readonly number[];
}

class KeyFigures {
  completed = 0;
  failed = 0;
  timedOut = 0;
  cancelled = 0;
  dropped = 0;
  /** Counts per bound of `durationBuckets`, plus one above them all. */
  readonly buckets = new Array<number>(durationBuckets.length + 1).fill(0);
  record(ms: number): void {
    let i = 0;
    while (i < durationBuckets.length && ms > (durationBuckets[i] as number)) i++;
    this.buckets[i] = (this.buckets[i] as number) + 1;
  }
}

/**
 * Per fair-share key (tenant) figures of the tasks this server submitted with a key
 * (`x-task-key`): outcomes and total time. The pool's own figures are per name only; its
 * events do not carry a key, so a shared pool's other tasks are not split by key here.
 */
export class Keys {
  readonly #keys = new Map<string, KeyFigures>();

  record(e: Ended): void {
    const s = e.entry?.submitted;
    if (s?.key === undefined) return;
    let f = this.#keys.get(s.key);
    if (f === undefined) {
      const key = this.#keys.size < maxKeys - 1 ? s.key : otherKey;
      f = this.#keys.get(key) ?? new KeyFigures();
      this.#keys.set(key, f);
    }
    f[e.event.outcome]++;
    const began = e.entry?.acceptedAt;
    if (began !== undefined) f.record(e.at - began);
  }

  /** Cumulative figures per key. */
  read(): Map<string, PartCounts> {
    const out = new Map<string, PartCounts>();
    for (const [key, f] of this.#keys) {
      out.set(key, {
        completed: f.completed,
        failed: f.failed,
        timedOut: f.timedOut,
        cancelled: f.cancelled,
        dropped: f.dropped,
        rejected: 0,
        retried: 0,
        total: [...f.buckets],
      });
    }
    return out;
  }
}
