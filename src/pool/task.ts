/**
 * A task accepted by a pool: its id, its eventual result, and a way to cancel it. `Id` is
 * a number for the local pools, the BullMQ job id (a string) for `DistributedPool`.
 */
export class Task<R, Id extends number | string = number> {
  readonly id: Id;
  /** Settles exactly once. Never causes an unhandled rejection, even if nobody awaits it. */
  readonly result: Promise<R>;
  readonly #cancel: (reason?: unknown) => void;

  constructor(id: Id, result: Promise<R>, cancel: (reason?: unknown) => void) {
    this.id = id;
    this.result = result;
    this.#cancel = cancel;
  }

  /**
   * Cancels the task: if queued it is removed; if running its signal aborts. Either way
   * `result` rejects with `TaskCancelledError` (cause: `reason`). No effect once settled.
   */
  cancel(reason?: unknown): void {
    this.#cancel(reason);
  }
}
