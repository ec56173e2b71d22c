/**
 * `fanOut(...branches)`: every item goes to every branch (a broadcast: the slowest branch
 * sets the pace), and what the branches pass on is merged into one output, each branch in
 * its own order, the branches interleaved as they finish. A branch is any stage, including
 * a pool or thread stage; the result type is the union of the branches' outputs.
 */
import type { Channel } from '../sync/channel.js';
import type { StageOf } from './signatures.js';
import { toStep } from './stages.js';
import { close, drain, type Env, forward, Step, send } from './step.js';
import type { Stage } from './types.js';

/**
 * A stage sending each item to every branch (up to 4; nest a `fanOut` for more) and merging
 * their outputs: the item type is the union of the branches'.
 */
export function fanOut<I, O1>(b1: StageOf<I, O1>): Stage<I, O1>;
export function fanOut<I, O1, O2>(b1: StageOf<I, O1>, b2: StageOf<I, O2>): Stage<I, O1 | O2>;
export function fanOut<I, O1, O2, O3>(
  b1: StageOf<I, O1>,
  b2: StageOf<I, O2>,
  b3: StageOf<I, O3>,
): Stage<I, O1 | O2 | O3>;
export function fanOut<I, O1, O2, O3, O4>(
  b1: StageOf<I, O1>,
  b2: StageOf<I, O2>,
  b3: StageOf<I, O3>,
  b4: StageOf<I, O4>,
): Stage<I, O1 | O2 | O3 | O4>;
export function fanOut(...branches: unknown[]): Stage<unknown, unknown> {
  if (branches.length === 0) throw new RangeError('Expected `fanOut` to have at least one branch');
  const steps = branches.map((b, i) => {
    try {
      return toStep(b, i);
    } catch (error) {
      if (error instanceof TypeError) {
        throw new TypeError(error.message.replace('stages[', 'branches['));
      }
      throw error;
    }
  });
  return new FanOutStep(steps) as unknown as Stage<unknown, unknown>;
}

class FanOutStep extends Step {
  readonly buffer = 0;
  readonly #branches: readonly Step[];

  constructor(branches: readonly Step[]) {
    super();
    this.#branches = branches;
  }

  start(input: Channel<unknown>, output: Channel<unknown>, env: Env, position: number): void {
    const { run } = env;
    const inputs = this.#branches.map(() => run.channel<unknown>(0));
    let open = this.#branches.length;
    this.#branches.forEach((branch, i) => {
      const into = inputs[i] as Channel<unknown>;
      const from = run.channel<unknown>(branch.buffer ?? env.buffer);
      // Dead letters of a branch name the fan-out's position.
      branch.start(into, from, env, position);
      run.go(async () => {
        await forward(from, output, run);
        if (--open === 0) close(output);
      });
    });
    run.go(async () => {
      await drain(input, run, async (item) => {
        for (const into of inputs) {
          const sending = send(into, item);
          if (sending !== undefined) await sending;
        }
      });
      for (const into of inputs) close(into);
    });
  }
}
