/** Human formatting for progress lines and summaries (stderr only; results are JSON). */

/** `1234567` → `1,234,567`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds as `850 µs`, `12.3 ms`, `4.56 s` or `3m 05s`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** Items per second over `ms`, e.g. `12,345/s`. */
export function rate(items: number, ms: number): string {
  if (ms <= 0) return '-';
  const perSecond = (items * 1000) / ms;
  return `${perSecond >= 100 ? count(perSecond) : perSecond.toFixed(1)}/s`;
}

/** `p50 1.20 ms  p95 3.40 ms  p99 5.00 ms`. */
export function percentiles(p: {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}): string {
  return `p50 ${duration(p.p50)}  p95 ${duration(p.p95)}  p99 ${duration(p.p99)}`;
}
