import type { Outcome } from '../index.js';
import { RingBuffer } from '../internal.js';
import type { Ended } from './lifecycle.js';

/** The outcomes the task list keeps. */
export type FailureOutcome = Exclude<Outcome, 'completed'>;
export const failureOutcomes: readonly FailureOutcome[] = [
  'failed',
  'timedOut',
  'cancelled',
  'dropped',
];

/** Characters of the input shown in the list. */
export const previewLength = 200;
/** Largest input (JSON characters) kept for a retry; a larger one is shown, not retryable. */
export const maxKeptInput = 64 * 1024;
/** Characters of a stack kept. */
export const maxStack = 8 * 1024;
const maxMessage = 2 * 1024;

/** One task of the list, as `GET /api/failures` answers it. */
export interface Failure {
  readonly id: number;
  readonly name: string | null;
  readonly key: string | null;
  readonly outcome: FailureOutcome;
  /** Epoch ms of its end. */
  readonly at: number;
  readonly error: { readonly name: string; readonly message: string; readonly code?: string };
  /** Attempts begun (0: it never began). */
  readonly attempts: number;
  /** From its first begin (or, if it never began, its submission) to its end; `null` if unknown. */
  readonly durationMs: number | null;
  /** The input's JSON, cut to `previewLength` characters; `null` when not known here. */
  readonly input: string | null;
  /** Whether `POST /api/failures/:id/retry` can run it again. */
  readonly retryable: boolean;
  /** The id of the task that retried it, once retried. */
  readonly retriedAs?: number;
  /** Whether a stack is kept (`GET /api/failures/:id` has it). */
  readonly hasStack: boolean;
}

interface Stored {
  failure: Failure;
  stack: string | undefined;
  /** The whole input's JSON, for a retry. */
  input: string | undefined;
}

export interface FailureFilter {
  readonly name?: string;
  readonly key?: string;
  readonly outcome?: FailureOutcome;
  readonly limit?: number;
}

/**
 * The most recent failed, timed-out, cancelled and dropped tasks, in a ring of fixed
 * `capacity` (`RingBuffer`): the oldest goes, and every kept string is cut to a bound (message,
 * stack, input), so memory stays flat however many tasks fail. `epoch` turns clock ms into
 * wall-clock ms for display.
 */
export class Failures {
  readonly capacity: number;
  /** Oldest first; at most `capacity`. */
  readonly #ring = new RingBuffer<Stored>();
  #recorded = 0;
  readonly #epoch: () => number;

  constructor(capacity: number, epoch: () => number) {
    this.capacity = capacity;
    this.#epoch = epoch;
  }

  /** Records an ended task if it did not complete. */
  record(e: Ended): void {
    if (e.event.outcome === 'completed' || this.capacity === 0) return;
    const { entry, event } = e;
    const error = describeError(event.error);
    const submitted = entry?.submitted;
    let json: string | undefined;
    if (submitted !== undefined) json = toJson(submitted.input);
    const began = entry?.startedAt ?? entry?.acceptedAt;
    const failure: Failure = {
      id: event.id,
      name: entry?.name ?? event.name ?? null,
      key: submitted?.key ?? null,
      outcome: event.outcome as FailureOutcome,
      at: this.#epoch() + e.at,
      error: error.summary,
      attempts: entry?.startedAt === undefined ? 0 : entry.attempt,
      durationMs: began === undefined ? null : Math.round((e.at - began) * 1000) / 1000,
      input: json === undefined ? null : json.slice(0, previewLength),
      retryable: submitted !== undefined && json !== undefined && json.length <= maxKeptInput,
      hasStack: error.stack !== undefined,
    };
    const stored: Stored = {
      failure,
      stack: error.stack,
      input: json !== undefined && json.length <= maxKeptInput ? json : undefined,
    };
    this.#recorded++;
    if (this.#ring.size === this.capacity) this.#ring.shift(); // the oldest goes
    this.#ring.push(stored);
  }

  /** Tasks recorded since the start (the page reloads the list when this moves). */
  get recorded(): number {
    return this.#recorded;
  }

  /** Kept entries (at most `capacity`). */
  get size(): number {
    return this.#ring.size;
  }

  /** Newest first, filtered. */
  list(filter: FailureFilter = {}): Failure[] {
    const out: Failure[] = [];
    const limit = filter.limit ?? this.capacity;
    for (let i = this.#ring.size - 1; i >= 0 && out.length < limit; i--) {
      const s = this.#ring.at(i);
      if (s === undefined) continue;
      const f = s.failure;
      if (filter.name !== undefined && f.name !== filter.name) continue;
      if (filter.key !== undefined && f.key !== filter.key) continue;
      if (filter.outcome !== undefined && f.outcome !== filter.outcome) continue;
      out.push(f);
    }
    return out;
  }

  /** The newest entry of task `id`, with its stack. */
  get(id: number): (Failure & { readonly stack: string | null }) | undefined {
    const s = this.#find(id);
    return s === undefined ? undefined : { ...s.failure, stack: s.stack ?? null };
  }

  /** The whole input's JSON of task `id`, if kept. */
  input(id: number): string | undefined {
    return this.#find(id)?.input;
  }

  /** Notes that task `id` was retried as task `retry`: it is not retryable again. */
  retried(id: number, retry: number): void {
    const s = this.#find(id);
    if (s !== undefined) s.failure = { ...s.failure, retryable: false, retriedAs: retry };
  }

  #find(id: number): Stored | undefined {
    for (let i = this.#ring.size - 1; i >= 0; i--) {
      const s = this.#ring.at(i);
      if (s?.failure.id === id) return s;
    }
    return undefined;
  }
}

function describeError(error: unknown): {
  summary: Failure['error'];
  stack: string | undefined;
} {
  if (!(error instanceof Error)) {
    return {
      summary: { name: 'Error', message: cut(String(error), maxMessage) },
      stack: undefined,
    };
  }
  const code = (error as { code?: unknown }).code;
  return {
    summary: {
      name: cut(String(error.name), 200),
      message: cut(String(error.message), maxMessage),
      ...(typeof code === 'string' ? { code: cut(code, 200) } : {}),
    },
    stack: typeof error.stack === 'string' ? cut(error.stack, maxStack) : undefined,
  };
}

function cut(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

/** The input's JSON cut to `previewLength` characters (`null` if it has none). */
export function preview(input: unknown): string | null {
  const json = toJson(input);
  return json === undefined ? null : json.slice(0, previewLength);
}

/** The input as JSON (it came in as JSON, so it goes back out as JSON); `undefined` input is `null`. */
function toJson(input: unknown): string | undefined {
  try {
    return JSON.stringify(input === undefined ? null : input);
  } catch {
    return undefined;
  }
}
