/**
 * Gathers the jobs that reach a worker host in one turn of the event loop, so they are
 * handed to its ThreadPool together: tasks submitted in one synchronous stretch travel to
 * a thread in one message (the ThreadPool batches what is ready at once), and a thread
 * woken once runs them all. BullMQ delivers each job on its own promise chain, a few
 * microtasks apart, so without this each job would be its own message and its own
 * wake-up of a thread (the largest per-job cost of a host, see BENCHMARKS.md). The wait
 * is until the event loop's check phase: every reply Redis sent in one read is in.
 */
export class Turn {
  #waiting: (() => void)[] = [];

  /** Resolves in this turn's check phase, with every other caller of this turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#waiting.push(resolve) === 1) setImmediate(this.#release);
    });
  }

  readonly #release = (): void => {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  };
}
