/**
 * What crosses Redis: a job's input and result, and a failed job's error.
 *
 * Input and result are structured-clone data (the same values a ThreadPool task takes:
 * typed arrays, Map, Date, BigInt, ...), written with `v8.serialize` and stored as base64
 * text inside BullMQ's JSON job hash. What cannot be cloned (a function, a symbol) is
 * refused before anything is sent, with `DataCloneError`. Hosts should run the same major
 * Node version (V8 reads older serialization formats, not newer ones).
 *
 * An error travels as BullMQ's `failedReason` string: JSON of the ThreadPool's
 * `SerializedError` (name, message, stack, `cause`, own properties such as `code`), so it
 * stays readable in BullMQ tooling; workpool's own error classes come back as themselves.
 */
import { deserialize, serialize } from 'node:v8';
import * as workpool from '../index.js';
import { DataCloneError, WorkerCrashedError, WorkpoolError } from '../index.js';
import { reviveError, type SerializedError, serializeError } from '../internal.js';
import * as distributed from './errors.js';

/** Encodes a job's input (`'input'`) or result (`'output'`); throws `DataCloneError`. */
export function encodeValue(value: unknown, direction: 'input' | 'output'): string {
  try {
    return serialize(value).toString('base64');
  } catch (cause) {
    throw new DataCloneError(direction, { cause });
  }
}

export function decodeValue(text: unknown): unknown {
  if (typeof text !== 'string') return text; // a job written by something other than workpool
  return deserialize(Buffer.from(text, 'base64'));
}

/** Marks a failedReason written by workpool (anything else is BullMQ's own text). */
const MARK = 'workpool';

export function encodeError(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return JSON.stringify({ [MARK]: 1, error: serializeError(e) }, jsonSafe);
}

/** BullMQ's reason for a job whose worker stopped renewing its lock too many times. */
const STALLED = 'job stalled more than allowable limit';

/** The error a caller sees for BullMQ `failedReason` text. */
export function decodeError(reason: unknown): Error {
  const text = typeof reason === 'string' ? reason : String(reason);
  if (text.startsWith(`{"${MARK}":1`)) {
    try {
      const parsed = JSON.parse(text) as { error: SerializedError };
      return restoreClass(reviveError(parsed.error));
    } catch {}
  }
  if (text === STALLED || text.startsWith('job started more than allowable limit')) {
    return new WorkerCrashedError(
      `The worker process running the job stopped (BullMQ: ${text}); it was not run again because it used up its stalled retries`,
    );
  }
  return new Error(text);
}

type AnyErrorClass = abstract new (...args: never[]) => Error;

/** Every workpool error class (the core's and the distributed mode's), by name. */
const classes = new Map<string, AnyErrorClass>(
  ([...Object.values(workpool), ...Object.values(distributed)] as unknown[])
    .filter(
      (x): x is AnyErrorClass =>
        typeof x === 'function' && (x === WorkpoolError || x.prototype instanceof WorkpoolError),
    )
    .map((Class) => [Class.name, Class]),
);

/**
 * A revived workpool error is a plain `Error` named like its class with the class's fields
 * as own properties (`code`, `timeout`, ...): give it its class back, so `instanceof`
 * works across hosts. Its `name` then comes from the class again.
 */
function restoreClass(error: Error): Error {
  if (error.cause instanceof Error) restoreClass(error.cause);
  const name = Object.hasOwn(error, 'name') ? error.name : undefined;
  const Class = name === undefined ? undefined : classes.get(name);
  if (Class === undefined) return error;
  Object.setPrototypeOf(error, Class.prototype);
  delete (error as { name?: string }).name;
  return error;
}

/** JSON replacer: BigInt as a string, and nothing JSON cannot hold (functions, symbols). */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return value;
}
