/**
 * Reading what a thread posts (protocol.ts, thread → main): READY and LOAD_ERROR go to
 * supervision, a stream's values and progress to their job, and a RESULTS message becomes
 * the job moves of thread-jobs.ts and then one hook per job that ended.
 */
import { DataCloneError } from '../../errors.js';
import type { ExecutorHooks, Job } from '../../types.js';
import { type JobEntry, S } from './job-state.js';
import {
  BEGAN,
  ERROR,
  type FromWorker,
  LOAD_ERROR,
  OK,
  PROGRESS,
  READY,
  reviveError,
  type SerializedError,
  SKIPPED,
  STREAMED,
  THROWN,
  UNCLONEABLE_PROGRESS,
} from './protocol.js';
import type { Thread, ThreadPayload } from './thread.js';

/** What a reply leads to, outside the job moves (the executor and its supervisor). */
export interface ReplyHandler {
  /** READY, with the module's handler names. */
  ready(t: Thread, names: string[]): void;
  /** LOAD_ERROR, revived. */
  loadFailed(t: Thread, error: Error): void;
  /** A RESULTS message arrived (the module works). */
  replied(): void;
  /** The scheduler is told the job began (a stable function: called per job). */
  readonly began: (job: Job<ThreadPayload>) => void;
  /** A stopped job was taken by `t`: arm its kill timer. */
  watch(t: Thread): void;
  /** Jobs of `t` ended and left it: fill its freed slots, before the ends are reported. */
  freed(t: Thread): void;
}

export function readReply(
  t: Thread,
  message: FromWorker,
  hooks: ExecutorHooks<ThreadPayload>,
  h: ReplyHandler,
): void {
  if (message[0] === READY) h.ready(t, message[1]);
  else if (message[0] === LOAD_ERROR) h.loadFailed(t, reviveError(message[1]));
  else if (message[0] === STREAMED) {
    const sink = t.jobs.get(message[1])?.job.payload.stream;
    if (sink === undefined) return;
    if (message[2] === BEGAN) sink.began();
    else sink.value(message[3]);
  } else if (message[0] === PROGRESS) {
    const e = t.jobs.get(message[1]);
    if (e !== undefined) hooks.progress(e.job, message[2]);
  } else results(t, message, hooks, h);
}

/**
 * `[RESULTS, id, status, value, ...]`, or an empty announcement: first the begins the
 * thread's CONSUMED count shows, then each end leaves the thread (a result for a job that
 * left already is dropped). The slots are freed before the ends are reported, so an idle
 * thread takes over the tasks stuck in busy threads (sent before anything still queued)
 * before the scheduler, told of each end, fills its slots with newer work.
 */
function results(
  t: Thread,
  message: unknown[],
  hooks: ExecutorHooks<ThreadPayload>,
  h: ReplyHandler,
): void {
  h.replied();
  if (t.jobs.consume(h.began)) h.watch(t);
  if (message.length === 1) {
    h.freed(t);
    return;
  }
  const ended: unknown[] = [];
  for (let i = 1; i < message.length; i += 3) {
    const e = t.jobs.reply(message[i] as number, message[i + 1] === SKIPPED);
    if (e !== undefined) ended.push(e, message[i + 1], message[i + 2]);
  }
  h.freed(t);
  for (let i = 0; i < ended.length; i += 3)
    report(hooks, ended[i] as JobEntry, ended[i + 1], ended[i + 2]);
}

/** The one hook for a job that ended in its thread (recalled: SKIPPED before it was known to begin). */
function report(
  hooks: ExecutorHooks<ThreadPayload>,
  e: JobEntry,
  status: unknown,
  value: unknown,
): void {
  const job = e.job;
  if (e.state === S.recalled) hooks.requeued(job);
  // Skipped after the scheduler was told it began (a CANCEL read before it began): it
  // never ran, and the scheduler, which stopped it, frees its slot.
  else if (status === SKIPPED)
    hooks.finished(job, false, new Error('The task was skipped before it began'));
  else if (status === OK) hooks.finished(job, true, value);
  else if (status === ERROR) hooks.finished(job, false, reviveError(value as SerializedError));
  else if (status === THROWN) hooks.finished(job, false, value);
  else {
    const cause = new Error(String(value));
    cause.name = 'DataCloneError';
    const direction = status === UNCLONEABLE_PROGRESS ? 'progress' : 'output';
    hooks.finished(job, false, new DataCloneError(direction, { cause }));
  }
}
