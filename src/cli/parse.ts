/**
 * Parsers for option values, in commander's `(value) => parsed` shape. Each throws
 * commander's `InvalidArgumentError` with what was expected, which commander prefixes with
 * the option's name ("option '--threads <n>' argument '0' is invalid. ...").
 */
import { InvalidArgumentError } from 'commander';

/** An integer from `min` up. */
export function integer(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected an integer from ${min} up.`);
    }
    return n;
  };
}

const units: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

/** A duration in milliseconds: `250`, `250ms`, `1.5s`, `2m`, `1h`. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(value.trim());
  const amount = match?.[1];
  const unit = units[match?.[2] ?? 'ms'];
  if (amount === undefined || unit === undefined || Number(amount) <= 0) {
    throw new InvalidArgumentError('Expected a positive duration such as 500, 500ms, 2s or 1m.');
  }
  return Number(amount) * unit;
}

/** A rate limit: at most `limit` starts in any window of `interval` ms. */
export interface Rate {
  readonly limit: number;
  readonly interval: number;
}

/** `100/s`, `20/250ms`, `1000/m`, `5/2s` (a bare unit means one of it). */
export function rate(value: string): Rate {
  const slash = value.indexOf('/');
  const limit = Number(value.slice(0, slash));
  let per = value.slice(slash + 1).trim();
  if (/^[a-z]+$/.test(per)) per = `1${per}`;
  let interval: number;
  try {
    interval = duration(per);
  } catch {
    interval = Number.NaN;
  }
  if (slash <= 0 || !Number.isInteger(limit) || limit < 1 || !(interval > 0)) {
    throw new InvalidArgumentError('Expected a rate such as 100/s, 20/250ms or 1000/m.');
  }
  return { limit, interval };
}

/** A comma-separated list whose items are all in `allowed`. */
export function list(allowed: readonly string[]): (value: string) => string[] {
  return (value) => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const unknown = items.filter((s) => !allowed.includes(s));
    if (items.length === 0 || unknown.length > 0) {
      throw new InvalidArgumentError(
        `${unknown.length > 0 ? `Unknown: ${unknown.join(', ')}. ` : ''}Expected a comma-separated list of: ${allowed.join(', ')}.`,
      );
    }
    return items;
  };
}

/** `KEY=N` (a fair-share weight), repeatable: each one adds to the weights so far. */
export function weight(
  value: string,
  previous: Readonly<Record<string, number>> = {},
): Record<string, number> {
  const eq = value.lastIndexOf('=');
  const n = Number(value.slice(eq + 1));
  if (eq <= 0 || value.slice(eq + 1).trim() === '' || !(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('Expected KEY=WEIGHT with a positive weight, such as gold=3.');
  }
  return { ...previous, [value.slice(0, eq)]: n };
}
