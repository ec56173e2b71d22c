/**
 * The outcomes a chaos task may end with, as the model predicts them (Expected), and how an
 * observed settlement is compared with one, described, and counted.
 */
import type { Behavior } from './schedule.js';

export type Expected =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'thrown'; readonly behavior: Behavior; readonly tag: string }
  | { readonly kind: 'code'; readonly codes: readonly string[] };

export function show(e: Expected): string {
  if (e.kind === 'value') return `value ${e.value}`;
  if (e.kind === 'thrown') return `its ${e.behavior} ${e.tag}`;
  return e.codes.join('|');
}

/** Whether an observed settlement is the expected one. */
export function matches(e: Expected, ok: boolean, value: unknown): boolean {
  if (e.kind === 'value') return ok && value === e.value;
  if (ok) return false;
  if (e.kind === 'code')
    return e.codes.includes((value as { code?: unknown } | undefined)?.code as string);
  const tag = e.tag;
  switch (e.behavior) {
    case 'error':
      return (
        value instanceof Error &&
        value.message === `e${tag}` &&
        (value as Error & { detail?: unknown }).detail === tag
      );
    case 'thenable':
      return value instanceof Error && value.message === `t${tag}`;
    case 'string':
      return value === `s${tag}`;
    case 'undefined':
      return value === undefined;
    case 'object':
      return (
        typeof value === 'object' &&
        value !== null &&
        (value as { tag?: unknown }).tag === `o${tag}`
      );
    default:
      return false;
  }
}

/** How the scheduler counts a settlement (stats() and the close report). */
export function outcomeOf(
  ok: boolean,
  value: unknown,
): 'completed' | 'failed' | 'cancelled' | 'timedOut' | 'dropped' {
  if (ok) return 'completed';
  const code = (value as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_TASK_TIMEOUT') return 'timedOut';
  if (code === 'ERR_TASK_DROPPED') return 'dropped';
  if (code === 'ERR_TASK_CANCELLED' || code === 'ERR_POOL_CLOSED') return 'cancelled';
  return 'failed';
}

/** A short description of an observed outcome, for messages. */
export function describe(ok: boolean, value: unknown): string {
  if (ok) return `value ${String(value)}`;
  const code = (value as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return `thrown ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
}
