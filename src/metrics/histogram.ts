/** Percentiles of a duration distribution, in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** The exact sum of the durations, in ms. */
  readonly sum?: number;
  /**
   * Counts per bucket of `durationBuckets` (not cumulative): `buckets[i]` durations were at
   * most `durationBuckets[i]` ms and above the bound before; the last entry counts those
   * above every bound. What Prometheus and OpenTelemetry histograms are made of: fixed
   * bounds add up across pools and instances, percentiles do not.
   */
  readonly buckets?: readonly number[];
}

/**
 * Upper bounds of the duration buckets, in ms: 1-2.5-5 per decade from 0.1 ms to 10 s, then
 * 30 s and 60 s (Prometheus' defaults, widened at both ends for tasks of microseconds and
 * of minutes). The same bounds everywhere, so histograms of different pools aggregate.
 */
export const durationBuckets: readonly number[] = Object.freeze([
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000,
]);

const HIGHEST_US = 3_600_000_000;
const BOUNDS = Float64Array.from(durationBuckets);
/** Sub-buckets per power of two above 255 µs: 1/128 relative precision (2 significant digits). */
const SUB = 128;
/** Slots: 0..255 exact, then 128 per power of two up to 2^32 µs (71 minutes). */
const SLOTS = SUB * 24 + 2 * SUB;

/** Slot of `us` (integer µs, 1 ≤ us < 2^32): HdrHistogram's layout with 2 significant digits. */
function slotOf(us: number): number {
  if (us < 2 * SUB) return us;
  const e = 31 - Math.clz32(us) - 7;
  return SUB * e + (us >>> e);
}

/** The highest value (µs) that falls in `slot`, as HdrHistogram reports percentiles. */
function highestOf(slot: number): number {
  if (slot < 2 * SUB) return slot;
  const e = Math.floor(slot / SUB) - 1;
  const sub = slot - SUB * e;
  return (sub + 1) * 2 ** e - 1;
}

/** A histogram's data as `DurationHistogram.dump` writes it (slot, count pairs of the nonzero slots). */
export interface HistogramDump {
  readonly slots: readonly number[];
  readonly buckets: readonly number[];
  readonly count: number;
  readonly sum: number;
  readonly max: number;
}

/**
 * A duration histogram recording microseconds and reporting milliseconds: HdrHistogram's
 * bucket layout (2 significant digits, 1 µs to 1 hour) in a Float64Array, plus the exact
 * sum, the exact max and fixed buckets (`durationBuckets`) for exports that must aggregate
 * (Prometheus histograms). Written out here rather than Node's native
 * `perf_hooks.createHistogram`: a native record crosses into C++, this one is a few array
 * writes, and it is on the hot path three times per task (the figures are in
 * docs/ARCHITECTURE.md, "Metrics").
 */
export class DurationHistogram {
  #slots: Float64Array | undefined;
  readonly #buckets = new Float64Array(BOUNDS.length + 1);
  #count = 0;
  #sum = 0;
  #max = 0;

  record(ms: number): void {
    this.recordMany(ms, 1);
  }

  /** Records `n` durations of `ms` each (as `record` n times). */
  recordMany(ms: number, n: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    // Allocated on first use: a per-name histogram that never records costs nothing.
    let slots = this.#slots;
    if (slots === undefined) {
      slots = new Float64Array(SLOTS);
      this.#slots = slots;
    }
    const slot = slotOf(us);
    slots[slot] = (slots[slot] as number) + n;
    this.#count += n;
    this.#sum += ms * n;
    if (ms > this.#max) this.#max = ms;
    // A linear scan from the low end: most tasks are short, so it stops after a few bounds.
    let i = 0;
    while (i < BOUNDS.length && ms > (BOUNDS[i] as number)) i++;
    const b = this.#buckets;
    b[i] = (b[i] as number) + n;
  }

  /** What it recorded, sparse and JSON-safe, for merging histograms of other processes. */
  dump(): HistogramDump {
    const slots: number[] = [];
    const own = this.#slots;
    if (own !== undefined)
      for (let i = 0; i < SLOTS; i++) if ((own[i] as number) > 0) slots.push(i, own[i] as number);
    return {
      slots,
      buckets: Array.from(this.#buckets),
      count: this.#count,
      sum: this.#sum,
      max: this.#max,
    };
  }

  /** Adds `dump` (another histogram's, e.g. another host's) to this one: exact, as if recorded here. */
  merge(dump: HistogramDump): void {
    let slots = this.#slots;
    if (slots === undefined) {
      slots = new Float64Array(SLOTS);
      this.#slots = slots;
    }
    for (let i = 0; i + 1 < dump.slots.length; i += 2) {
      const slot = dump.slots[i] as number;
      if (slot >= 0 && slot < SLOTS)
        slots[slot] = (slots[slot] as number) + (dump.slots[i + 1] as number);
    }
    dump.buckets.forEach((n, i) => {
      if (i < this.#buckets.length) this.#buckets[i] = (this.#buckets[i] as number) + n;
    });
    this.#count += dump.count;
    this.#sum += dump.sum;
    if (dump.max > this.#max) this.#max = dump.max;
  }

  reset(): void {
    this.#slots?.fill(0);
    this.#buckets.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#max = 0;
  }

  snapshot(): Percentiles {
    const count = this.#count;
    const slots = this.#slots;
    if (count === 0 || slots === undefined) return emptyPercentiles;
    // The three percentiles in one walk over the slots.
    const targets = [0.5, 0.95, 0.99].map((q) => Math.max(1, Math.ceil(q * count)));
    const found = [0, 0, 0];
    let seen = 0;
    let t = 0;
    for (let slot = 0; slot < SLOTS && t < 3; slot++) {
      seen += slots[slot] as number;
      while (t < 3 && seen >= (targets[t] as number)) found[t++] = highestOf(slot);
    }
    const ms = (us: number): number => Math.min(us / 1000, this.#max);
    return {
      count,
      mean: this.#sum / count,
      p50: ms(found[0] as number),
      p95: ms(found[1] as number),
      p99: ms(found[2] as number),
      max: this.#max,
      sum: this.#sum,
      buckets: Array.from(this.#buckets),
    };
  }
}

export const emptyPercentiles: Percentiles = Object.freeze({
  count: 0,
  mean: 0,
  p50: 0,
  p95: 0,
  p99: 0,
  max: 0,
  sum: 0,
  buckets: Object.freeze(new Array<number>(BOUNDS.length + 1).fill(0)),
});
