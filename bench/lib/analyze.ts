/** Turns raw samples into per-contender summaries, ratios and target verdicts. */
import { median, type RatioSummary, ratio, type Summary, summarize } from './stats.js';
import type { CaseDef, MetricDef, Sample } from './types.js';

export interface Row {
  readonly contender: string;
  readonly summary: Summary;
  /** Against the case's peer (or the best peer); undefined for the peer itself or no data. */
  readonly ratio: RatioSummary | undefined;
  readonly note: string | undefined;
}

export interface MetricReport {
  readonly metric: MetricDef;
  /** The contender ratios are against (resolved from `best`). */
  readonly peer: string | undefined;
  readonly rows: readonly Row[];
}

export interface Verdict {
  readonly caseId: string;
  readonly text: string;
  readonly observed: number;
  readonly range: readonly [number, number];
  readonly met: boolean | undefined;
  readonly against: string;
}

export interface CaseReport {
  readonly def: CaseDef;
  readonly metrics: readonly MetricReport[];
  /** Speedup over the sequential baseline, per contender (per-rep ratios). */
  readonly speedup: readonly Row[] | undefined;
  readonly verdicts: readonly Verdict[];
}

/** Values of `key` for `contender`, indexed by repetition (NaN where the child failed). */
export function series(
  samples: readonly Sample[],
  contender: string,
  key: string,
  reps: number,
): number[] {
  const out = new Array<number>(reps).fill(Number.NaN);
  for (const s of samples) {
    if (s.contender !== contender || !s.result.ok) continue;
    const v = s.result.metrics[key];
    if (v !== undefined) out[s.rep] = v;
  }
  return out;
}

/** Why some repetitions of `contender` have no value: how many, and the first reason. */
function failure(samples: readonly Sample[], contender: string, missing: number): string {
  for (const s of samples) {
    if (s.contender === contender && !s.result.ok) {
      const first = s.result.error.split('\n')[0] ?? '';
      return `${s.result.skipped ? 'skipped' : 'failed'} in ${missing} rep(s): ${first}`;
    }
  }
  return `no value in ${missing} rep(s)`;
}

/** The non-subject contender with the best median of `metric`. */
function bestOf(
  def: CaseDef,
  metric: MetricDef,
  values: Map<string, number[]>,
): string | undefined {
  let best: string | undefined;
  let bestValue = Number.NaN;
  for (const c of def.contenders) {
    if (c === def.subject || c === def.speedup?.baseline) continue;
    const m = median((values.get(c) ?? []).filter(Number.isFinite));
    if (!Number.isFinite(m)) continue;
    const better = metric.better === 'higher' ? m > bestValue : m < bestValue;
    if (best === undefined || better) {
      best = c;
      bestValue = m;
    }
  }
  return best;
}

export function analyze(def: CaseDef, samples: readonly Sample[], reps: number): CaseReport {
  const metrics: MetricReport[] = [];
  const verdicts: Verdict[] = [];
  for (const metric of def.metrics) {
    const values = new Map<string, number[]>();
    for (const c of def.contenders) values.set(c, series(samples, c, metric.key, reps));
    if (def.speedup !== undefined && metric.key !== def.speedup.metric)
      values.delete(def.speedup.baseline);
    const peer = def.peer === 'best' ? bestOf(def, metric, values) : def.peer;
    const peerValues = peer === undefined ? undefined : values.get(peer);
    const rows: Row[] = [];
    for (const [contender, v] of values) {
      const finite = v.filter(Number.isFinite);
      rows.push({
        contender,
        summary: summarize(finite),
        ratio:
          peerValues === undefined || contender === peer || finite.length === 0
            ? undefined
            : ratio(v, peerValues),
        note:
          finite.length < v.length
            ? failure(samples, contender, v.length - finite.length)
            : undefined,
      });
    }
    metrics.push({ metric, peer, rows });
    for (const t of def.targets) {
      if (t.metric !== metric.key) continue;
      const against = t.against ?? peer;
      const mine = values.get(def.subject);
      const theirs = against === undefined ? undefined : values.get(against);
      const r =
        t.against === undefined
          ? rows.find((row) => row.contender === def.subject)?.ratio
          : mine !== undefined && theirs !== undefined
            ? ratio(mine, theirs)
            : undefined;
      const observed = r?.ofMedians ?? Number.NaN;
      verdicts.push({
        caseId: def.id,
        text: t.text,
        observed,
        range: [r?.min ?? Number.NaN, r?.max ?? Number.NaN],
        met: Number.isFinite(observed)
          ? t.op === '>='
            ? observed >= t.value
            : observed <= t.value
          : undefined,
        against: against ?? 'n/a',
      });
    }
  }
  let speedup: Row[] | undefined;
  if (def.speedup !== undefined) {
    const { baseline, metric, target } = def.speedup;
    const base = series(samples, baseline, metric, reps);
    speedup = [];
    for (const c of def.contenders) {
      if (c === baseline) continue;
      const r = ratio(base, series(samples, c, metric, reps));
      const per = base
        .map((b, i) => b / (series(samples, c, metric, reps)[i] ?? Number.NaN))
        .filter(Number.isFinite);
      const missing = reps - per.length;
      speedup.push({
        contender: c,
        summary: summarize(per),
        ratio: r,
        note: missing > 0 ? failure(samples, c, missing) : undefined,
      });
    }
    const mine = speedup.find((row) => row.contender === def.subject);
    const observed = mine?.summary.median ?? Number.NaN;
    verdicts.push({
      caseId: def.id,
      text: `speedup >= 0.95 x cores = ${target.toFixed(2)}x (issue 3)`,
      observed,
      range: [mine?.summary.min ?? Number.NaN, mine?.summary.max ?? Number.NaN],
      met: Number.isFinite(observed) ? observed >= target : undefined,
      against: baseline,
    });
  }
  return { def, metrics, speedup, verdicts };
}
