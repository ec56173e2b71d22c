import type { Clock } from '../index.js';
import type { History, Series } from './history.js';
import type { DashboardSource } from './source.js';
import type { Point, ServerFigures } from './summary.js';

export type { Series } from './history.js';
export type { HostRow } from './source.js';
export type { Mode, PartPoint, Point } from './summary.js';

/** What subscribers receive each sample. */
export interface Update {
  readonly fine: Point;
  /** Present when a coarse window closed with this sample. */
  readonly coarse: Point | undefined;
}

/**
 * Reads the source every `interval` ms (on the server's `clock`, so a test moves it with
 * a `ManualClock`) into the bounded history, and hands each update to subscribers (the SSE
 * streams). One sampler for all clients, so a hundred open dashboards cost what one does.
 */
export class Sampler {
  readonly #source: DashboardSource;
  readonly #server: () => ServerFigures;
  readonly #history: History;
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #subscribers = new Set<(u: Update) => void>();
  #timer: unknown;
  #running = false;

  constructor(
    source: DashboardSource,
    server: () => ServerFigures,
    history: History,
    clock: Clock,
    interval: number,
  ) {
    this.#source = source;
    this.#server = server;
    this.#history = history;
    this.#clock = clock;
    this.#interval = interval;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.sample();
    this.#arm();
  }

  #arm(): void {
    this.#timer = this.#clock.setTimeout(
      () => {
        if (!this.#running) return;
        const refresh = this.#source.refresh?.();
        if (refresh === undefined) {
          this.sample();
          this.#arm();
          return;
        }
        // A remote source is read first; the next sample is armed once this one is taken,
        // so slow reads never pile up.
        refresh.then(() => {
          if (!this.#running) return;
          this.sample();
          this.#arm();
        });
      },
      this.#interval,
      { unref: true },
    );
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#subscribers.clear();
  }

  series(): Series {
    return this.#history.series();
  }

  subscribe(fn: (u: Update) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** Takes a sample now (the timer calls it; tests may too). */
  sample(): Update {
    const update = this.#history.add({ reading: this.#source.read(), server: this.#server() });
    for (const fn of this.#subscribers) fn(update);
    return update;
  }
}
