import {
  PoolClosedError,
  TaskCancelledError,
  TaskDroppedError,
  TaskTimeoutError,
} from '../errors.js';
import type { MetricsSink, Outcome } from '../types.js';
import type { Emitter, SchedulerEvents } from './events.js';

/**
 * Pure: the one mapping from a settlement to its outcome (types.ts `Outcome`), used by the
 * scheduler for its tasks and by `Pool.map`'s fast path for its items, so both count alike.
 */
export function outcomeOf(ok: boolean, value: unknown): Outcome {
  if (ok) return 'completed';
  if (value instanceof TaskTimeoutError) return 'timedOut';
  if (value instanceof TaskDroppedError) return 'dropped';
  if (value instanceof TaskCancelledError || value instanceof PoolClosedError) return 'cancelled';
  return 'failed';
}

/**
 * The one report of a decided outcome: counted `settled` (`totalMs` after admission), then
 * the events (`emitOutcome`). The scheduler's `#settle` reports its tasks through it and
 * `Pool.map`'s meter its items, so a pool's figures and events never disagree.
 */
export function reportOutcome(
  metrics: MetricsSink,
  events: Emitter<SchedulerEvents>,
  id: number,
  name: string | undefined,
  ok: boolean,
  value: unknown,
  totalMs: number,
): void {
  const outcome = outcomeOf(ok, value);
  metrics.settled(outcome, name, totalMs);
  emitOutcome(events, id, name, outcome, value);
}

/**
 * The events of a decided outcome: `end`, and `error` as well for anything but a success
 * (each only if listened to). For a caller that counts the outcome itself (the meter's
 * batched completions); everyone else calls `reportOutcome`.
 */
export function emitOutcome(
  events: Emitter<SchedulerEvents>,
  id: number,
  name: string | undefined,
  outcome: Outcome,
  value: unknown,
): void {
  if (events.has('end')) {
    const e = outcome === 'completed' ? { id, outcome } : { id, outcome, error: value };
    events.emit('end', name === undefined ? e : { ...e, name });
  }
  if (outcome !== 'completed' && events.has('error')) {
    const e = { id, outcome, error: value };
    events.emit('error', name === undefined ? e : { ...e, name });
  }
}
