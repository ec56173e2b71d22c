/**
 * What is sent to one thread next: the tasks placed on it in one turn travel in one RUN
 * message (`[RUN, id, code, input, attempt, ...]`, protocol.ts) with one transfer list,
 * posted in a microtask (the executor's `#flushAll`), so a burst of starts wakes the
 * thread once.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Job } from '../../types.js';
import type { ThreadPayload } from './payload.js';
import { RUN } from './protocol.js';

export class Outbox {
  #message: unknown[] | undefined = undefined;
  #transfer: TransferListItem[] | undefined = undefined;

  get empty(): boolean {
    return this.#message === undefined;
  }

  /** Adds a job's RUN entry (its claim index is its place among what the thread is sent). */
  add(job: Job<ThreadPayload>, code: number, attempt: number): void {
    const input = job.payload.input;
    if (this.#message === undefined) this.#message = [RUN, job.id, code, input, attempt];
    else this.#message.push(job.id, code, input, attempt);
    const transfer = job.payload.transfer;
    if (transfer !== undefined)
      this.#transfer =
        this.#transfer === undefined ? [...transfer] : [...this.#transfer, ...transfer];
  }

  /** Drops what is pending (a thread being killed or closed gets nothing). */
  clear(): void {
    this.#message = undefined;
    this.#transfer = undefined;
  }

  /**
   * Posts what is pending in one message through `send`. If that fails to clone, posts the
   * entries one by one: `job(id)` finds each entry's job still on the thread (a stolen one
   * is sent without its input: the thread still passes over its claim index), and one that
   * still fails goes to `unsendable`.
   */
  post(
    send: (message: unknown[], transfer?: readonly TransferListItem[]) => void,
    job: (id: number) => Job<ThreadPayload> | undefined,
    unsendable: (job: Job<ThreadPayload>, error: unknown) => void,
  ): void {
    const message = this.#message;
    const transfer = this.#transfer;
    this.clear();
    if (message === undefined) return;
    try {
      send(message, transfer);
      return;
    } catch {}
    for (let i = 1; i < message.length; i += 4) {
      const j = job(message[i] as number);
      if (j === undefined) {
        send([RUN, message[i], message[i + 1], undefined, 0]);
        continue;
      }
      try {
        send([RUN, j.id, message[i + 1], message[i + 2], message[i + 3]], j.payload.transfer);
      } catch (error) {
        unsendable(j, error);
      }
    }
  }
}
