/**
 * The in-thread entry: loads the task module, runs tasks, reports results. It imports only
 * the protocol module, the stream driver, src/thenable.ts, src/task-module.ts (the handler
 * rule), src/errors.ts (DataCloneError; it imports nothing) and Node built-ins, so a thread
 * starts fast.
 *
 * Tasks begin in the order they arrive, at most `concurrency` at once; the rest wait here
 * (the pool sends tasks ahead, so the next one is already here when one ends). Before each
 * begin the thread claims it (a task the pool stole meanwhile is passed over) and counts it
 * in `cells[CONSUMED]`, which is how the pool learns what began.
 *
 * Results are never batched or held: each is posted the moment its handler produced it,
 * before the thread begins another task or returns to its event loop, so the next task
 * crashing or hanging the thread cannot take a finished result with it (DESIGN invariant 7).
 *
 * Over 300 lines on purpose: it is the whole in-thread side (context, queue, claims, results,
 * load), kept in one module so a thread loads as little as it can.
 */
import { receiveMessageOnPort, type TransferListItem, workerData } from 'node:worker_threads';
import { DataCloneError } from '../../errors.js';
import { collectHandlers } from '../../task-module.js';
import { isThenable } from '../../thenable.js';
import { Credit, drive, isIterator, isStreamable, streamsError } from '../drive.js';
import {
  ANNOUNCE,
  BEGAN,
  CANCEL,
  CLAIMS,
  CONSUMED,
  CONTROL,
  CREDIT,
  cloneableError,
  ERROR,
  type FromWorker,
  handlerOf,
  isTransferred,
  LOAD_ERROR,
  OK,
  OPEN,
  POSTED,
  PROGRESS,
  READY,
  RESULTS,
  SENT,
  type SerializedError,
  SKIPPED,
  Spinner,
  STOLEN,
  STREAM,
  STREAMED,
  serializeError,
  TAKEN,
  THROWN,
  type ToWorker,
  UNCLONEABLE,
  UNCLONEABLE_PROGRESS,
  VALUE,
  type WorkerData,
} from './protocol.js';

type Handler = (input: unknown, context: Context) => unknown;

/** `ctx` of a handler. The AbortController is only made if the handler reads `signal`. */
class Context {
  #controller: AbortController | undefined;
  #aborted = false;
  readonly #id: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** A streaming task's credit (CREDIT adds to it, a cancel stops it). */
  credit: Credit | undefined = undefined;
  constructor(id: number, attempt: number) {
    this.#id = id;
    this.attempt = attempt;
  }
  /** Reports progress to the caller, at once; throws DataCloneError if `value` cannot be cloned. */
  progress(value: unknown): void {
    try {
      send([PROGRESS, this.#id, value]);
    } catch (error) {
      // Nothing was posted (a failed clone posts nothing), so the POSTED count is right.
      throw new DataCloneError('progress', { cause: error });
    }
  }
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
    this.credit?.stop();
  }
}

/** A streamed value that could not be cloned: the stream ends UNCLONEABLE, as a result would. */
class Uncloneable {
  constructor(readonly message: string) {}
}

const data = workerData as WorkerData;
const port = data.port;
const cells = new Int32Array(data.shared);
const mask = data.ring - 1;
/** Tasks taken from `local` so far (begun, skipped or stolen): the next one's claim index. */
let taken = 0;
let handlers: Handler[] = [];
/** Their export names, for errors. */
let names: string[] = [];
/** Asynchronous tasks still running, to abort their signal on CANCEL. */
const pending = new Map<number, Context>();
/** Tasks running now (synchronous or not). */
let active = 0;
/** Tasks received, not begun: `[id, handler, input, ...]` from `head` (a RUN message, reused). */
let local: unknown[] = [];
let head = 0;
/** Marks a waiting task cancelled (replaces its handler code). */
const SKIP = null;

/** Posts to the pool, then counts the post: a pool spinning for a reply reads it at once. */
function send(message: FromWorker, transfer?: readonly TransferListItem[]): void {
  port.postMessage(message, transfer);
  Atomics.add(cells, POSTED, 1);
}

/** Begins waiting tasks while fewer than `concurrency` run. */
function pump(): void {
  while (active < data.concurrency && head < local.length) {
    if (cells[CONTROL] !== 0) control();
    const id = local[head] as number;
    const code = local[head + 1] as number | typeof SKIP;
    const input = local[head + 2];
    const attempt = local[head + 3] as number;
    local[head + 2] = undefined;
    head += 4;
    const claim = Atomics.compareExchange(cells, CLAIMS + (taken++ & mask), OPEN, TAKEN);
    Atomics.add(cells, CONSUMED, 1);
    if (claim === STOLEN) continue; // another thread runs it
    if (code === SKIP) reply(id, SKIPPED, undefined);
    else {
      // The pool learns that this task began (CONSUMED counts it) from this message.
      if ((code & ANNOUNCE) !== 0) send([RESULTS]);
      run(id, handlerOf(code), input, attempt, (code & STREAM) !== 0);
    }
  }
  if (head >= local.length) {
    local = [];
    head = 0;
  }
}

/** Reads what the pool posted while this thread was busy (a CANCEL set CONTROL). */
function control(): void {
  Atomics.store(cells, CONTROL, 0);
  drain();
}

/** Accepts every message waiting on the port, synchronously; returns whether there was one. */
function drain(): boolean {
  let any = false;
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    any = true;
    accept(m.message as ToWorker);
  }
  return any;
}

function accept(message: ToWorker): void {
  if (message[0] === CREDIT) pending.get(message[1])?.credit?.add(message[2]);
  else if (message[0] === CANCEL) {
    const id = message[1];
    const context = pending.get(id);
    if (context !== undefined) context.abort();
    else for (let i = head; i < local.length; i += 4) if (local[i] === id) local[i + 1] = SKIP;
  } else if (head >= local.length) {
    local = message;
    head = 1;
  } else for (let i = 1; i < message.length; i++) local.push(message[i]);
}

function run(id: number, index: number, input: unknown, attempt: number, stream: boolean): void {
  const handler = handlers[index];
  const context = new Context(id, attempt);
  let result: unknown;
  let thenable: boolean;
  active++;
  try {
    if (handler === undefined) throw new Error(`No handler at index ${index}`);
    if (stream) send([STREAMED, id, BEGAN]);
    result = handler(input, context);
    if (stream) result = streamOf(id, result, context);
    else if (isIterator(result)) throw streamsError(names[index] ?? String(index), result);
    // Inside the try: reading `then` may throw too (a getter).
    thenable = isThenable(result);
  } catch (error) {
    active--;
    fail(id, error);
    return;
  }
  if (!thenable) {
    active--;
    succeed(id, result);
    return;
  }
  pending.set(id, context);
  // Promise.resolve adopts a foreign thenable safely: a `then` that throws rejects this
  // task (not the thread), and one that calls back twice counts once.
  Promise.resolve(result).then(
    // An async handler that resolves to an iterator streams too (`async () => gen()`).
    (value) =>
      !stream && isIterator(value)
        ? settled(id, false, streamsError(names[index] ?? String(index), value))
        : settled(id, true, value),
    (error: unknown) => settled(id, false, error),
  );
}

/** An asynchronous task ended: report it, then begin what waits. */
function settled(id: number, ok: boolean, value: unknown): void {
  pending.delete(id);
  active--;
  if (ok) succeed(id, value);
  else fail(id, value);
  pump();
}

/** A streaming task's run: its values go out one by one against credit (see drive.ts). */
function streamOf(id: number, source: unknown, context: Context): Promise<unknown> {
  if (!isStreamable(source))
    throw new TypeError(
      `Expected the handler of a stream to return an async iterable (an async generator), got ${source === null ? 'null' : typeof source}`,
    );
  const credit = new Credit();
  context.credit = credit;
  return drive(source, credit, (value) => {
    try {
      if (isTransferred(value)) send([STREAMED, id, VALUE, value.value], value.list);
      else send([STREAMED, id, VALUE, value]);
    } catch (error) {
      throw new Uncloneable(error instanceof Error ? error.message : String(error));
    }
  });
}

function succeed(id: number, value: unknown): void {
  if (isTransferred(value)) reply(id, OK, value.value, value.list);
  else reply(id, OK, value);
}

function fail(id: number, error: unknown): void {
  if (error instanceof Uncloneable) reply(id, UNCLONEABLE, error.message);
  else if (error instanceof DataCloneError && error.direction === 'progress')
    reply(id, UNCLONEABLE_PROGRESS, error.cause instanceof Error ? error.cause.message : '');
  else if (error instanceof Error) reply(id, ERROR, serializeError(error));
  else reply(id, THROWN, error);
}

/** Posts one result now; if it cannot be cloned, a clone-safe error (or UNCLONEABLE) instead. */
function reply(
  id: number,
  status: number,
  value: unknown,
  transfer?: readonly TransferListItem[],
): void {
  try {
    send([RESULTS, id, status, value], transfer);
  } catch (error) {
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
  accept(message);
  pump();
  linger();
}

const spinner = new Spinner(data.spin);
/** The pool's SENT count when this thread last read its port while spinning. */
let requested = 0;

/**
 * With nothing running, busy-waits a little (see Spinner) for the pool's next message and
 * handles it at once, so a busy pool's next task needs no wake-up of this thread.
 */
function linger(): void {
  while (active === 0 && spinner.spin(take)) pump();
}

/** Reads the port if the pool posted since the last look; returns whether anything came. */
function take(): boolean {
  const count = Atomics.load(cells, SENT);
  if (count === requested) return false;
  requested = count;
  return drain();
}

async function load(): Promise<void> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(data.module)) as Record<string, unknown>;
  } catch (error) {
    send([LOAD_ERROR, serializeError(error instanceof Error ? error : new Error(String(error)))]);
    return;
  }
  const collected = collectHandlers<Handler>(ns);
  if (collected.names.length === 0) {
    const error = new Error(
      'The module exports no handler functions (named exports, or a default-exported object)',
    );
    send([LOAD_ERROR, serializeError(error)]);
    return;
  }
  handlers = collected.fns;
  names = collected.names;
  port.on('message', onMessage);
  // A task message that cannot be deserialized names no task: crash, so the pool settles
  // every task of this thread (WorkerCrashedError) instead of letting one hang.
  port.on('messageerror', (error) => {
    throw error;
  });
  send([READY, names]);
}

void load();
