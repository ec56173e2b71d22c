import type { PoolEvents, Task, ThreadPool } from '../index.js';

/** Where a task is, as far as the server has seen it. */
export type TaskState = 'waiting' | 'running' | 'delayed';

/** What the server knows of a task it submitted (through `POST /tasks`, or a retry). */
export interface Submitted {
  readonly name: string;
  readonly key: string | undefined;
  /** The handler's input (the parsed body), kept while the task is in flight. */
  readonly input: unknown;
  readonly task: Task<unknown>;
  /** The failure this task retries, if it is a retry from the dashboard. */
  readonly retryOf?: number;
}

/** One task in flight: seen starting, or submitted by this server. */
export interface Entry {
  readonly id: number;
  state: TaskState;
  /** The attempt running or last begun (1 until a retry begins). */
  attempt: number;
  name: string | undefined;
  /** Clock ms of the first begin (`undefined` until it began). */
  startedAt: number | undefined;
  /** Clock ms the server submitted it (its own tasks only). */
  acceptedAt: number | undefined;
  submitted: Submitted | undefined;
}

/** A task's end, with what the server knew of it. */
export interface Ended {
  readonly entry: Entry | undefined;
  readonly event: PoolEvents['end'];
  /** Clock ms. */
  readonly at: number;
}

/**
 * Tasks in flight, from the pool's `start`, `retry` and `end` events, plus what this server
 * submitted (name, key, input and its `Task`, which is what lets an operator cancel or retry
 * it). An entry lives from the first of its submit or begin to its end, so the map holds
 * no more than the tasks in flight: memory follows the pool's bounds, not its history.
 * A task someone else submitted to a shared pool is seen only once it begins.
 */
export class Lifecycle {
  readonly #pool: Pick<ThreadPool, 'on' | 'off'>;
  readonly #now: () => number;
  readonly #entries = new Map<number, Entry>();
  readonly #ended = new Set<(e: Ended) => void>();

  readonly #onStart = (e: PoolEvents['start']): void => {
    const entry = this.#entry(e.id);
    entry.state = 'running';
    entry.attempt = e.attempt;
    entry.name ??= e.name;
    entry.startedAt ??= this.#now();
  };

  readonly #onRetry = (e: PoolEvents['retry']): void => {
    const entry = this.#entries.get(e.id);
    if (entry !== undefined) entry.state = 'delayed';
  };

  readonly #onEnd = (e: PoolEvents['end']): void => {
    const entry = this.#entries.get(e.id);
    this.#entries.delete(e.id);
    const ended: Ended = { entry, event: e, at: this.#now() };
    for (const fn of this.#ended) fn(ended);
  };

  constructor(pool: Pick<ThreadPool, 'on' | 'off'>, now: () => number) {
    this.#pool = pool;
    this.#now = now;
    pool.on('start', this.#onStart);
    pool.on('retry', this.#onRetry);
    pool.on('end', this.#onEnd);
  }

  #entry(id: number): Entry {
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = {
        id,
        state: 'waiting',
        attempt: 1,
        name: undefined,
        startedAt: undefined,
        acceptedAt: undefined,
        submitted: undefined,
      };
      this.#entries.set(id, entry);
    }
    return entry;
  }

  /**
   * A task this server handed to the pool. Its events may have come first (the pool can
   * begin a task inside `trySubmit`); and should it have ended before this call, the
   * entry is dropped when its result settles, so nothing outlives its task.
   */
  submitted(s: Submitted): void {
    const entry = this.#entry(s.task.id);
    entry.submitted = s;
    entry.name ??= s.name;
    entry.acceptedAt = this.#now();
    const id = s.task.id;
    const forget = (): void => {
      if (this.#entries.get(id) === entry) this.#entries.delete(id);
    };
    s.task.result.then(forget, forget);
  }

  get(id: number): Entry | undefined {
    return this.#entries.get(id);
  }

  /** Tasks in flight (oldest first). */
  entries(): IterableIterator<Entry> {
    return this.#entries.values();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Calls `fn` at every task's end. */
  onEnded(fn: (e: Ended) => void): () => void {
    this.#ended.add(fn);
    return () => this.#ended.delete(fn);
  }

  dispose(): void {
    this.#pool.off('start', this.#onStart);
    this.#pool.off('retry', this.#onRetry);
    this.#pool.off('end', this.#onEnd);
    this.#ended.clear();
  }
}
