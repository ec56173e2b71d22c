import type { Reading } from './source.js';
import { type Point, type ServerFigures, summarize } from './summary.js';

/** A reading and the server's figures taken with it. */
export interface Sample {
  readonly reading: Reading;
  readonly server: ServerFigures;
}

/** The two series the dashboard draws. */
export interface Series {
  /** One point per sample, the last `fineSize` of them (minutes). */
  readonly fine: readonly Point[];
  /** One point per `coarseEvery` samples, the last `coarseSize` of them (an hour and more). */
  readonly coarse: readonly Point[];
  /** The bounds: points kept of each. */
  readonly fineSize: number;
  readonly coarseSize: number;
}

/**
 * Bounded history at two resolutions, kept by the server so a reloaded page gets it back.
 * Each point is the difference of two readings of cumulative figures: a fine point spans
 * one sample, a coarse point `coarseEvery` samples, with its percentiles from the buckets
 * of its whole window (not an average of fine percentiles, which would be wrong). Only
 * points are kept, plus the two readings the next points start from: memory is
 * `(fineSize + coarseSize)` points, however long the server runs.
 */
export class History {
  readonly #fineSize: number;
  readonly #coarseEvery: number;
  readonly #coarseSize: number;
  readonly #epoch: number;
  readonly #fine: Point[] = [];
  readonly #coarse: Point[] = [];
  #last: Sample | undefined;
  #coarseStart: Sample | undefined;
  #sinceCoarse = 0;

  /** @param epoch wall-clock ms at clock time 0 */
  constructor(fineSize: number, coarseEvery: number, coarseSize: number, epoch: number) {
    this.#fineSize = fineSize;
    this.#coarseEvery = coarseEvery;
    this.#coarseSize = coarseSize;
    this.#epoch = epoch;
  }

  /** Adds a sample; returns its fine point, and a coarse point when one closed. */
  add(sample: Sample): { fine: Point; coarse: Point | undefined } {
    const fine = summarize(this.#last, sample, this.#epoch);
    this.#last = sample;
    push(this.#fine, fine, this.#fineSize);
    // The first sample opens the first coarse window.
    if (this.#coarseStart === undefined) {
      this.#coarseStart = sample;
      return { fine, coarse: undefined };
    }
    if (++this.#sinceCoarse < this.#coarseEvery) return { fine, coarse: undefined };
    const coarse = summarize(this.#coarseStart, sample, this.#epoch);
    this.#coarseStart = sample;
    this.#sinceCoarse = 0;
    push(this.#coarse, coarse, this.#coarseSize);
    return { fine, coarse };
  }

  series(): Series {
    return {
      fine: this.#fine,
      coarse: this.#coarse,
      fineSize: this.#fineSize,
      coarseSize: this.#coarseSize,
    };
  }
}

function push(list: Point[], point: Point, size: number): void {
  list.push(point);
  if (list.length > size) list.splice(0, list.length - size);
}
