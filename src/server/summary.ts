import { bucketDelta, latencyOf, type WindowLatency } from './quantiles.js';
import type { HostRow, PartReading, Reading } from './source.js';

/** The outcomes counted per window. */
const outcomeKeys = [
  'completed',
  'failed',
  'timedOut',
  'cancelled',
  'dropped',
  'rejected',
] as const;
type OutcomeKey = (typeof outcomeKeys)[number];
export type OutcomeFigures = Readonly<Record<OutcomeKey, number>>;

/** One part (all tasks, a task name, a key) over one window. */
export interface PartPoint extends WindowLatency {
  /** Per second over the window. */
  readonly rates: OutcomeFigures;
  /** Since the start. */
  readonly totals: OutcomeFigures;
  /** At the window's end. */
  readonly waiting: number;
  readonly running: number;
}

/** What the server is doing with new work. */
export type Mode = 'running' | 'paused' | 'draining' | 'drained' | 'closed';

/**
 * One dashboard point: a window of `span` ms ending at `t`. Latency percentiles (total
 * time: admission to outcome, in ms) come from the histogram buckets of the window, so a
 * window in which nothing finished has `null` percentiles, drawn as a gap.
 */
export interface Point extends PartPoint {
  /** Epoch ms of the window's end. */
  readonly t: number;
  readonly span: number;
  readonly delayed: number;
  readonly retrying: number;
  /** Retries per second. */
  readonly retried: number;
  readonly threads: number;
  readonly maxThreads: number;
  readonly utilization: number;
  readonly mode: Mode;
  readonly healthy: boolean;
  readonly error?: string;
  /** Tasks the task list has recorded since the start (it changed: reload the list). */
  readonly listed: number;
  /** HTTP task requests: answered per second, and refused (503) per second. */
  readonly requests: { readonly answered: number; readonly refused: number };
  readonly tasks: Readonly<Record<string, PartPoint>>;
  readonly keys: Readonly<Record<string, PartPoint>>;
  readonly hosts: readonly HostRow[];
}

/** Server-side figures beside a reading: HTTP requests since the start, and whether it drains. */
export interface ServerFigures {
  readonly answered: number;
  readonly refused: number;
  /** Refusing new tasks until the work in flight has ended (the drain action). */
  readonly draining: boolean;
  /** Tasks the task list has recorded since the start. */
  readonly listed: number;
}

/** Pure: the mode a reading and the server's figures show. */
export function modeOf(r: Reading, server: ServerFigures): Mode {
  if (r.closed) return 'closed';
  if (server.draining) {
    return r.all.waiting + r.all.running + r.all.delayed === 0 ? 'drained' : 'draining';
  }
  return r.paused ? 'paused' : 'running';
}

/**
 * Pure: the point for the window between readings `before` and `now` (`before` undefined:
 * the first point, which has no window). `epoch` is the wall-clock ms at clock 0.
 */
export function summarize(
  before: { reading: Reading; server: ServerFigures } | undefined,
  now: { reading: Reading; server: ServerFigures },
  epoch: number,
): Point {
  const r = now.reading;
  // The first point has no window: its rates are 0 and its percentiles gaps.
  const b = before?.reading ?? r;
  const span = r.at - b.at;
  const seconds = Math.max(1, span) / 1000;
  const perSecond = (n: number): number => Math.round((n / seconds) * 100) / 100;
  const requestsBefore = before?.server ?? now.server;
  return {
    t: Math.round(epoch + r.at),
    span,
    ...part(b.all, r.all, perSecond),
    delayed: r.all.delayed,
    retrying: r.all.retrying,
    retried: perSecond(r.all.retried - b.all.retried),
    threads: r.threads,
    maxThreads: r.maxThreads,
    utilization: Math.round(r.utilization * 1000) / 1000,
    mode: modeOf(r, now.server),
    listed: now.server.listed,
    healthy: r.healthy,
    ...(r.error === undefined ? {} : { error: r.error }),
    requests: {
      answered: perSecond(now.server.answered - requestsBefore.answered),
      refused: perSecond(now.server.refused - requestsBefore.refused),
    },
    tasks: parts(b.names, r.names, perSecond),
    keys: parts(b.keys, r.keys, perSecond),
    hosts: r.hosts,
  };
}

function part(
  before: PartReading | undefined,
  now: PartReading,
  perSecond: (n: number) => number,
): PartPoint {
  const rates = {} as Record<OutcomeKey, number>;
  const totals = {} as Record<OutcomeKey, number>;
  for (const k of outcomeKeys) {
    rates[k] = perSecond(Math.max(0, now[k] - (before?.[k] ?? 0)));
    totals[k] = now[k];
  }
  return {
    rates,
    totals,
    waiting: now.waiting,
    running: now.running,
    ...latencyOf(bucketDelta(now.total, before?.total)),
  };
}

function parts(
  before: ReadonlyMap<string, PartReading> | undefined,
  now: ReadonlyMap<string, PartReading>,
  perSecond: (n: number) => number,
): Record<string, PartPoint> {
  // No prototype: a task or key named `__proto__` is just another key.
  const out: Record<string, PartPoint> = Object.create(null);
  for (const [name, p] of now) out[name] = part(before?.get(name), p, perSecond);
  return out;
}
