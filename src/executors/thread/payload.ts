/**
 * What a thread is given to run, as the executor's files all see it. A leaf of the import
 * graph: the job's states, its thread's jobs and outbox import it, and thread.ts imports
 * them, so it cannot live in thread.ts without a circle.
 */
import type { TransferListItem } from 'node:worker_threads';

/** A task for a thread: which handler of the task module, its input, what to move. */
export interface ThreadPayload {
  readonly name: string;
  readonly input: unknown;
  readonly transfer: readonly TransferListItem[] | undefined;
  /** A streaming task (`ThreadPool.stream`): where its begin and its values go. */
  readonly stream?: StreamSink;
  /** Attempts made elsewhere before this pool's first (a distributed job's retries): `ctx.attempt` counts on from them. */
  readonly prior?: number;
}

/** The caller's end of a streaming task, as the executor feeds it (mechanism only). */
export interface StreamSink {
  /** The stream began in its thread: credit may be granted now. */
  began(): void;
  /** Its next value, in order; all arrive before the task's result. */
  value(value: unknown): void;
}
