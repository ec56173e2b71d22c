import { flush } from '../helpers.js';

/** Every item of an async iterable, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Lets the pipeline's loops run until nothing moves (a few event-loop turns; no timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await flush();
}

/** An endless source counting how many items were pulled, and whether it was closed. */
export function counting(): {
  readonly source: Generator<number>;
  pulled: number;
  closed: boolean;
} {
  const state = { pulled: 0, closed: false, source: undefined as unknown as Generator<number> };
  state.source = (function* () {
    try {
      for (;;) yield state.pulled++;
    } finally {
      state.closed = true;
    }
  })();
  return state;
}
