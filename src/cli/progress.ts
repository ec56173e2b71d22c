import { SingleBar } from 'cli-progress';
import { count, duration, rate } from './format.js';

/** What the reporter reads on each tick; the runner only bumps counters, never draws. */
export interface ProgressSource {
  /** Items finished, ok or not. */
  done(): number;
  failed(): number;
  /** Progress toward `total`, in the same unit (bytes read, or items); defaults to `done()`. */
  position?(): number;
  /**
   * The part of the running items already done, in items (their `ctx.progress` reports, see
   * partial.ts): shown beside `done`, so a run of a few long tasks moves while they run.
   */
  partial?(): number;
}

export interface ProgressOptions {
  readonly stream: NodeJS.WriteStream;
  /** Command name, at the start of plain lines (`run`, `images`). */
  readonly label: string;
  /** What `done` counts (`lines`, `images`). */
  readonly unit: string;
  /** Known end of `position` (input bytes, image count), for the bar and the ETA. */
  readonly total: number | undefined;
  /** Ms between plain progress lines (not a terminal). */
  readonly interval: number;
  readonly quiet: boolean;
}

export interface Progress {
  /** Clears the timer (a bar erases itself); the summary is written after. Idempotent. */
  stop(): void;
}

/**
 * Progress on stderr: a cli-progress bar (done, failed, rate, ETA) on a terminal, a plain
 * line every `interval` ms otherwise (logs and CI), nothing with `quiet`. The timers are
 * unref'd: progress never keeps the process alive.
 */
export function startProgress(source: ProgressSource, o: ProgressOptions): Progress {
  if (o.quiet) return { stop() {} };
  const started = performance.now();
  const position = (): number => source.position?.() ?? source.done();
  const done = (): string => {
    const partial = source.partial?.() ?? 0;
    return partial > 0.005
      ? `${count(source.done())} (+${partial.toFixed(2)})`
      : count(source.done());
  };
  const payload = () => ({
    done: done(),
    failed: count(source.failed()),
    speed: rate(source.done(), performance.now() - started),
  });
  if (o.stream.isTTY === true) {
    const known = o.total !== undefined && o.total > 0;
    const bar = new SingleBar({
      stream: o.stream,
      format: known
        ? `{bar} {percentage}% | {done} ${o.unit} done, {failed} failed | {speed} | ETA {eta_formatted}`
        : `{done} ${o.unit} done, {failed} failed | {speed} | {duration_formatted}`,
      hideCursor: true,
      // Stopped, the bar erases itself: what follows (a message, the summary) starts clean.
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 10,
      barsize: 30,
    });
    bar.start(known ? (o.total ?? 0) : 1, 0, payload());
    const timer = setInterval(() => bar.update(known ? position() : 0, payload()), 100);
    timer.unref();
    let stopped = false;
    return {
      stop() {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        bar.stop();
      },
    };
  }
  const line = (): void => {
    const elapsed = performance.now() - started;
    const p = payload();
    let eta = '';
    if (o.total !== undefined && o.total > 0) {
      const fraction = Math.min(1, position() / o.total);
      const left = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
      eta = ` | ${Math.floor(fraction * 100)}% | ETA ${duration(left)}`;
    }
    o.stream.write(
      `${o.label}: ${p.done} ${o.unit} done, ${p.failed} failed | ${p.speed}${eta} | ${duration(elapsed)}\n`,
    );
  };
  const timer = setInterval(line, o.interval);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
