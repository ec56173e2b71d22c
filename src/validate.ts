/**
 * Argument and option checks shared by every layer (the Go primitives of sync/, the
 * scheduler's normalisers and runtime setters, pipelines); it imports nothing. A wrong type is a TypeError,
 * a value out of range a RangeError; the message names the option, what was expected and
 * what was received, e.g. "Expected `concurrency` to be an integer from 1 and up, got `0` (number)".
 */

export function describe(value: unknown): string {
  let shown: string;
  try {
    shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    shown = Object.prototype.toString.call(value);
  }
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

function fail(Kind: typeof TypeError, name: string, expected: string, value: unknown): never {
  throw new Kind(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
}

/** An integer >= min (Infinity allowed when `allowInfinity`). */
export function integer(name: string, value: unknown, min: number, allowInfinity = false): number {
  const expected = `an integer from ${min} and up${allowInfinity ? ' (or Infinity)' : ''}`;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(TypeError, name, expected, value);
  if (value === Number.POSITIVE_INFINITY && allowInfinity) return value;
  if (!Number.isInteger(value) || value < min) fail(RangeError, name, expected, value);
  return value;
}

/** Any integer, negative ones included. */
export function anyInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) fail(TypeError, name, 'an integer', value);
  if (!Number.isInteger(value)) fail(RangeError, name, 'an integer', value);
  return value;
}

/** A finite number >= min (or Infinity when `allowInfinity`). */
export function number(name: string, value: unknown, min: number, allowInfinity = false): number {
  const expected = `a number from ${min} and up${allowInfinity ? ' (or Infinity)' : ''}`;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(TypeError, name, expected, value);
  if (value === Number.POSITIVE_INFINITY && allowInfinity) return value;
  if (!Number.isFinite(value) || value < min) fail(RangeError, name, expected, value);
  return value;
}

/** Any finite number. */
export function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value))
    fail(TypeError, name, 'a finite number', value);
  if (!Number.isFinite(value)) fail(RangeError, name, 'a finite number', value);
  return value;
}

export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(TypeError, name, 'a boolean', value);
  return value;
}

export function string(name: string, value: unknown): string {
  if (typeof value !== 'string') fail(TypeError, name, 'a string', value);
  return value;
}

export function fn(name: string, value: unknown): (...args: never[]) => unknown {
  if (typeof value !== 'function') fail(TypeError, name, 'a function', value);
  return value as (...args: never[]) => unknown;
}

export function signal(name: string, value: unknown): AbortSignal {
  if (!(value instanceof AbortSignal)) fail(TypeError, name, 'an AbortSignal', value);
  return value;
}

export function array(name: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) fail(TypeError, name, 'an array', value);
  return value;
}

export function object(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(TypeError, name, 'an object', value);
  return value as Record<string, unknown>;
}

/** Rejects keys the options type does not have (a typo is a bug, not a no-op). */
export function knownKeys(
  name: string,
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new TypeError(
        `Unknown option \`${name === '' ? key : `${name}.${key}`}\`; expected one of: ${[...known].join(', ')}`,
      );
    }
  }
}

/**
 * The options object of a `close()`: `undefined` is `{}`; anything else must be an object
 * of `known` keys (a misspelt `timeout` would otherwise wait forever).
 */
export function closeOptions(value: unknown, known: ReadonlySet<string>): Record<string, unknown> {
  if (value === undefined) return {};
  const o = object('options', value);
  knownKeys('', o, known);
  return o;
}
