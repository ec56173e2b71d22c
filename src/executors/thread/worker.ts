/**
 * The in-thread entry: loads the task module, runs tasks, reports results. It imports only
 * the protocol module (and Node built-ins), so a thread starts fast.
 *
 * Batching: every task of an incoming RUN message runs before the results go back, so a
 * batch of synchronous tasks costs one reply. Results of asynchronous tasks that settle in
 * the same turn share one reply too (flushed on a microtask).
 */
import { parentPort, type TransferListItem, workerData } from 'node:worker_threads';
import {
  CANCEL,
  cloneableError,
  ERROR,
  type FromWorker,
  isTransferred,
  LOAD_ERROR,
  OK,
  READY,
  RESULTS,
  type SerializedError,
  serializeError,
  THROWN,
  type ToWorker,
  UNCLONEABLE,
  type WorkerData,
} from './protocol.js';

type Handler = (input: unknown, context: Context) => unknown;

/** `ctx` of a handler. The AbortController is only made if the handler reads `signal`. */
class Context {
  #controller: AbortController | undefined;
  #aborted = false;
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }
  abort(): void {
    this.#aborted = true;
    this.#controller?.abort();
  }
}

const port = parentPort;
const data = workerData as WorkerData;
let handlers: Handler[] = [];
/** Asynchronous tasks still running, to abort their signal on CANCEL. */
const pending = new Map<number, Context>();
let out: unknown[] = [RESULTS];
let flushScheduled = false;

function send(message: FromWorker, transfer?: readonly TransferListItem[]): void {
  port?.postMessage(message, transfer);
}

/**
 * Only own, function-valued properties are handlers: names such as `__proto__`,
 * `constructor` or `toString` are never looked up on the module (lookups go by index).
 */
function collect(ns: Record<string, unknown>): { names: string[]; fns: Handler[] } {
  const names: string[] = [];
  const fns: Handler[] = [];
  const add = (source: object, name: string): void => {
    const value = (source as Record<string, unknown>)[name];
    if (typeof value === 'function' && !names.includes(name)) {
      names.push(name);
      fns.push(value as Handler);
    }
  };
  for (const name of Object.keys(ns)) if (name !== 'default') add(ns, name);
  const fallback = ns.default;
  if (typeof fallback === 'function') add(ns, 'default');
  else if (typeof fallback === 'object' && fallback !== null) {
    for (const name of Object.keys(fallback)) add(fallback, name);
  }
  return { names, fns };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function run(id: number, index: number, input: unknown): void {
  const handler = handlers[index];
  const context = new Context();
  let result: unknown;
  try {
    if (handler === undefined) throw new Error(`No handler at index ${index}`);
    result = handler(input, context);
  } catch (error) {
    fail(id, error);
    return;
  }
  if (!isThenable(result)) {
    succeed(id, result);
    return;
  }
  pending.set(id, context);
  result.then(
    (value) => {
      pending.delete(id);
      succeed(id, value);
      schedule();
    },
    (error: unknown) => {
      pending.delete(id);
      fail(id, error);
      schedule();
    },
  );
}

function succeed(id: number, value: unknown): void {
  // A result with a transfer list goes alone, so a clone failure is pinned on it only.
  if (isTransferred(value)) post([RESULTS, id, OK, value.value], value.list);
  else out.push(id, OK, value);
}

function fail(id: number, error: unknown): void {
  if (error instanceof Error) out.push(id, ERROR, serializeError(error));
  else out.push(id, THROWN, error);
}

function schedule(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  queueMicrotask(flush);
}

function flush(): void {
  flushScheduled = false;
  if (out.length === 1) return;
  const message = out as FromWorker;
  out = [RESULTS];
  try {
    send(message);
  } catch {
    // Some result cannot be cloned: send them one by one, and report the ones that fail.
    for (let i = 1; i < message.length; i += 3) {
      post([RESULTS, message[i], message[i + 1], message[i + 2]]);
    }
  }
}

/** Posts one result; if it cannot be cloned, a clone-safe error (or UNCLONEABLE) instead. */
function post(message: FromWorker, transfer?: readonly TransferListItem[]): void {
  try {
    send(message, transfer);
  } catch (error) {
    const [, id, status, value] = message;
    if (status === ERROR) {
      try {
        send([RESULTS, id, ERROR, cloneableError(value as SerializedError)]);
        return;
      } catch {}
    }
    send([RESULTS, id, UNCLONEABLE, error instanceof Error ? error.message : String(error)]);
  }
}

function onMessage(message: ToWorker): void {
  if (message[0] === CANCEL) {
    pending.get(message[1])?.abort();
    return;
  }
  for (let i = 1; i < message.length; i += 3)
    run(message[i] as number, message[i + 1] as number, message[i + 2]);
  flush();
}

async function load(): Promise<void> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(data.module)) as Record<string, unknown>;
  } catch (error) {
    send([LOAD_ERROR, serializeError(error instanceof Error ? error : new Error(String(error)))]);
    return;
  }
  const { names, fns } = collect(ns);
  if (names.length === 0) {
    const error = new Error(
      'The module exports no handler functions (named exports, or a default-exported object)',
    );
    send([LOAD_ERROR, serializeError(error)]);
    return;
  }
  handlers = fns;
  port?.on('message', onMessage);
  // A task message that cannot be deserialized names no task: crash, so the pool settles
  // every task of this thread (WorkerCrashedError) instead of letting one hang.
  port?.on('messageerror', (error) => {
    throw error;
  });
  send([READY, names]);
}

void load();
