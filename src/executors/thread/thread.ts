import {
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  receiveMessageOnPort,
  type TransferListItem,
  Worker,
} from 'node:worker_threads';
import type { Job } from '../../types.js';
import { bootstrap } from './bootstrap.js';
import { Outbox } from './outbox.js';
import type { ThreadPayload } from './payload.js';
import type { Fate, Shape } from './placement.js';
import {
  CANCEL,
  CONTROL,
  CREDIT,
  cellCount,
  type FromWorker,
  type ModuleData,
  POSTED,
  SENT,
} from './protocol.js';
import { ThreadJobs } from './thread-jobs.js';

export type { StreamSink, ThreadPayload } from './payload.js';

/** How threads are started (the `Worker` options a pool passes through). */
export interface SpawnOptions {
  readonly module: URL;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly env: NodeJS.Dict<string> | typeof import('node:worker_threads').SHARE_ENV | undefined;
  readonly argv: readonly unknown[] | undefined;
  readonly execArgv: readonly string[] | undefined;
}

let nextThreadId = 1;

/**
 * One worker thread as the executor tracks it: its worker, its channel and shared cells,
 * its jobs (`jobs`, the one owner of their states) and what it is sent next (`outbox`).
 * The executor and the supervisor decide; this moves messages.
 */
export class Thread {
  readonly id = nextThreadId++;
  readonly worker: Worker;
  /** The pool's end of the thread's channel: tasks out, replies in. Never keeps the process alive. */
  readonly port: MessagePort;
  /** The thread's POSTED count when the pool last took its replies synchronously. */
  seen = 0;
  /** What the executor does with each reply (set when it spawns the thread). */
  onReply: (message: FromWorker) => void = () => {};
  /** The module loaded (READY received). */
  online = false;
  fate: Fate = undefined;
  /** Handler names in index order, and name -> index. */
  handlers: readonly string[] = [];
  index: ReadonlyMap<string, number> = new Map();
  /** CONSUMED, CONTROL, POSTED, SENT and the claim ring, shared with the thread. */
  readonly cells: Int32Array;
  /** Every job placed here and not ended, with its state. */
  readonly jobs: ThreadJobs;
  readonly outbox = new Outbox();
  killTimer: unknown = undefined;
  /** Why it is ending or failed to start: an 'error' event, a load error, or a kill. */
  error: Error | undefined = undefined;
  /** Its module failed to load in a way a retry cannot heal (see `mayHeal`). */
  broken = false;
  /** Resolves once the thread has exited. */
  readonly exited: Promise<number>;
  #referenced = true;

  constructor(data: ModuleData, options: SpawnOptions, shape: Shape, spin: number) {
    const ring = shape.ring;
    const shared = new SharedArrayBuffer(cellCount(ring) * Int32Array.BYTES_PER_ELEMENT);
    this.cells = new Int32Array(shared);
    this.jobs = new ThreadJobs(this.cells, shape);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: { ...data, shared, concurrency: shape.perWorker, spin, ring, port: port2 },
      transferList: [port2],
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.argv === undefined ? {} : { argv: [...options.argv] }),
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
  }

  /**
   * Takes the replies the thread has posted since the last look, synchronously, if its
   * POSTED count moved; returns whether it did. Replies also arrive as 'message' events
   * when nobody looks: a reply is taken once either way.
   */
  receive(): boolean {
    const posted = Atomics.load(this.cells, POSTED);
    if (posted === this.seen) return false;
    this.seen = posted;
    let any = false;
    for (
      let m = receiveMessageOnPort(this.port);
      m !== undefined;
      m = receiveMessageOnPort(this.port)
    ) {
      any = true;
      this.onReply(m.message as FromWorker);
    }
    return any;
  }

  /** Posts a CANCEL, and flags it so a thread busy with a batch reads it before its next task. */
  cancel(id: number): void {
    this.#send([CANCEL, id]);
    Atomics.store(this.cells, CONTROL, 1);
  }

  /** Lets a streaming task that began here send `n` more values. */
  credit(id: number, n: number): void {
    this.#send([CREDIT, id, n]);
  }

  /**
   * A thread keeps the process alive only while it starts or runs tasks: an idle pool
   * nobody closed does not hang the process.
   */
  reference(on: boolean): void {
    if (on === this.#referenced) return;
    this.#referenced = on;
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  /**
   * Posts the outbox (see Outbox.post); a task whose input still fails to clone goes to
   * `unsendable`. A thread being killed or closed gets nothing: its jobs end when it exits.
   */
  post(unsendable: (job: Job<ThreadPayload>, error: unknown) => void): void {
    if (this.fate === 'kill' || this.fate === 'close') {
      this.outbox.clear();
      return;
    }
    this.outbox.post(this.#post, this.#job, unsendable);
    if (this.jobs.placed === 0) this.reference(false);
  }

  readonly #post = (message: unknown[], transfer?: readonly TransferListItem[]): void =>
    this.#send(message, transfer);

  readonly #job = (id: number): Job<ThreadPayload> | undefined => this.jobs.get(id)?.job;

  /** Posts to the thread, then counts the post for a thread spinning for its next task. */
  #send(message: unknown[], transfer?: readonly TransferListItem[]): void {
    this.port.postMessage(message, transfer);
    Atomics.add(this.cells, SENT, 1);
  }

  /** For `stats().details`. Event-loop utilization is since the thread started. */
  describe(perWorker: number): Record<string, unknown> {
    let eventLoopUtilization = 0;
    try {
      eventLoopUtilization = this.worker.performance.eventLoopUtilization().utilization;
    } catch {}
    const { running, queued } = this.jobs.describe();
    return {
      id: this.id,
      online: this.online,
      running,
      queued,
      utilization: running / perWorker,
      eventLoopUtilization,
    };
  }
}
