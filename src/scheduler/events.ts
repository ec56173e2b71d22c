import type { Health, Outcome } from '../types.js';

/**
 * A small typed event emitter. `emit` costs one property read when nobody listens, so the
 * scheduler may call it on the hot path.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener argument tuples are checked per event map
type EventMap = Record<string, any>;
type Listener<A> = (event: A) => void;

export class Emitter<E extends EventMap> {
  #listeners: { [K in keyof E]?: Listener<E[K]>[] } = {};
  /** Listeners of every event: `has` answers without a keyed lookup while there are none. */
  #size = 0;

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners[event];
    this.#listeners[event] = list === undefined ? [listener] : [...list, listener];
    this.#size++;
    return this;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners[event];
    if (list === undefined) return this;
    const next = list.filter((l) => l !== listener);
    this.#size -= list.length - next.length;
    this.#listeners[event] = next.length === 0 ? undefined : next;
    return this;
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const wrapped: Listener<E[K]> = (e) => {
      this.off(event, wrapped);
      listener(e);
    };
    return this.on(event, wrapped);
  }

  has<K extends keyof E>(event: K): boolean {
    return this.#size !== 0 && this.#listeners[event] !== undefined;
  }

  /**
   * Calls listeners in order. A throwing listener must not break the pool: its error is
   * reported on the next tick as an uncaught exception, the same as Node's EventEmitter would.
   */
  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const list = this.#listeners[event];
    if (list === undefined) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** The events a scheduler (and so a pool) emits. */
export interface SchedulerEvents {
  /** A task started (`attempt` counts retries). */
  start: {
    readonly id: number;
    readonly attempt: number;
    readonly waitMs: number;
    readonly name?: string;
  };
  /** A task's outcome was decided. */
  end: {
    readonly id: number;
    readonly outcome: Outcome;
    readonly error?: unknown;
    readonly name?: string;
  };
  /**
   * A task's outcome was decided and it is not a success (failed, timed out, cancelled,
   * dropped): `end` as well, for those who only watch errors. Unlike Node's EventEmitter,
   * an `error` with no listener is not thrown.
   */
  error: {
    readonly id: number;
    readonly outcome: Exclude<Outcome, 'completed'>;
    readonly error: unknown;
    readonly name?: string;
  };
  /**
   * A running task reported progress (`ctx.progress(value)`, in a `Pool` function or a
   * thread handler), in the order reported, before its `end`.
   */
  progress: { readonly id: number; readonly value: unknown; readonly name?: string };
  /** A failed attempt will be tried again after `delayMs`. */
  retry: {
    readonly id: number;
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: unknown;
  };
  /** A queued task was evicted by a drop overflow policy. */
  drop: { readonly id: number };
  /** A task was refused at the door because the queue was full (counted `rejected`). */
  reject: { readonly name?: string };
  /** An attempt's work was stopped by force (counted `killed`; its task has its outcome too). */
  kill: { readonly id: number; readonly name?: string };
  /** Nothing queued and nothing running. */
  idle: undefined;
  /** The queue became empty (work may still run). */
  drain: undefined;
  /** The number of workers changed. */
  resize: { readonly workers: number };
  /** The executor became unhealthy or recovered. */
  health: Health;
}
