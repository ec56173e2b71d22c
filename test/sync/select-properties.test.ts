import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Channel } from '../../src/sync/channel.js';
import {
  type DefaultCase,
  type ReceiveCase,
  type SendCase,
  select,
} from '../../src/sync/select.js';

type Op =
  | { kind: 'send'; ch: number }
  | { kind: 'tryReceive'; ch: number }
  | { kind: 'select'; recv: number[]; send: number[]; withDefault: boolean }
  | { kind: 'abortSelect'; pick: number }
  | { kind: 'tick' };

const CHANNELS = 3;
const chIndex = fc.nat({ max: CHANNELS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), ch: chIndex }),
  fc.record({ kind: fc.constant('tryReceive' as const), ch: chIndex }),
  fc.record({
    kind: fc.constant('select' as const),
    recv: fc.uniqueArray(chIndex, { maxLength: CHANNELS }),
    send: fc.uniqueArray(chIndex, { maxLength: CHANNELS }),
    withDefault: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('abortSelect' as const), pick: fc.nat() }),
  fc.constant({ kind: 'tick' as const }),
);

/**
 * Random interleavings of blocking sends, try-receives and selects (receive and send cases,
 * with or without default, some aborted) over three channels: every value that left a sender
 * (a resolved send, or a select that won on its send case) is received exactly once, and no
 * value whose send did not complete is ever received.
 */
test('select commits to exactly one case: nothing lost, nothing duplicated', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat({ max: 2 }), { minLength: CHANNELS, maxLength: CHANNELS }),
      fc.array(op, { maxLength: 40 }),
      async (capacities, ops) => {
        const channels = capacities.map((c) => new Channel<number>(c));
        const ch = (i: number): Channel<number> => channels[i] ?? new Channel<number>();
        let next = 0;
        const sent: number[] = [];
        const received: number[] = [];
        const pending: Promise<unknown>[] = [];
        const aborts: AbortController[] = [];
        for (const o of ops) {
          if (o.kind === 'send') {
            const value = next++;
            pending.push(
              ch(o.ch)
                .send(value)
                .then(() => sent.push(value)),
            );
          } else if (o.kind === 'tryReceive') {
            const r = ch(o.ch).tryReceive();
            if (r?.ok) received.push(r.value);
          } else if (o.kind === 'select') {
            const cases: (ReceiveCase<number> | SendCase<number> | DefaultCase<string>)[] = [];
            const sendValues: (number | undefined)[] = [];
            for (const i of o.recv) {
              cases.push({ receive: ch(i) });
              sendValues.push(undefined);
            }
            for (const i of o.send) {
              const value = next++;
              cases.push({ send: ch(i), value });
              sendValues.push(value);
            }
            if (o.withDefault) cases.push({ default: () => 'default' });
            const ac = new AbortController();
            aborts.push(ac);
            pending.push(
              select(cases, { signal: ac.signal }).then(
                (r) => {
                  if (r === 'default') return;
                  const index = (r as { index: number }).index;
                  const value = sendValues[index];
                  if (value !== undefined) sent.push(value);
                  else if ((r as { ok: boolean }).ok) received.push((r as { value: number }).value);
                },
                () => {},
              ),
            );
          } else if (o.kind === 'abortSelect') {
            aborts[o.pick % Math.max(1, aborts.length)]?.abort();
          } else {
            await Promise.resolve();
          }
        }
        // Stop every select still waiting, then drain: draining also completes blocked sends.
        for (const ac of aborts) ac.abort();
        await Promise.resolve();
        for (const channel of channels) {
          for (let r = channel.tryReceive(); r?.ok; r = channel.tryReceive())
            received.push(r.value);
        }
        await Promise.all(pending);
        const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
        assert.deepEqual(sorted(received), sorted(sent));
        assert.equal(new Set(received).size, received.length);
      },
    ),
    { numRuns: 400 },
  );
});
