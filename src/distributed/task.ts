/** A job accepted by a DistributedPool: its id (the BullMQ job id), its result, a way to cancel it. */
export class DistributedTask<R> {
  /** The BullMQ job id (the `id` option, or a random UUID). */
  readonly id: string;
  /** Settles exactly once. Never causes an unhandled rejection, even if nobody awaits it. */
  readonly result: Promise<R>;
  readonly #cancel: (reason?: unknown) => void;

  constructor(id: string, result: Promise<R>, cancel: (reason?: unknown) => void) {
    this.id = id;
    this.result = result;
    this.#cancel = cancel;
  }

  /**
   * Cancels the job wherever it is: queued or delayed, it is removed from Redis; running,
   * the worker host running it aborts its signal and kills its thread after `killGrace`.
   * `result` rejects with `TaskCancelledError` (cause: `reason`) at once. No effect once settled.
   */
  cancel(reason?: unknown): void {
    this.#cancel(reason);
  }
}
