import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Channel, type ReceiveResult } from '../../src/sync/channel.js';

type Op = {
  kind: 'send' | 'trySend' | 'receive' | 'tryReceive' | 'abortSend' | 'abortReceive';
  pick: number;
};

const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('send', 'trySend', 'receive', 'tryReceive', 'abortSend', 'abortReceive'),
  pick: fc.nat(),
});

test('any operation sequence: values come out FIFO, none lost or duplicated', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: 3 }), fc.array(op, { maxLength: 60 }), async (capacity, ops) => {
      const ch = new Channel<number>(capacity);
      let next = 0;
      // Each entry is in issue order; `accepted` is filled in as the send settles.
      const sends: { value: number; accepted?: boolean; abort?: AbortController }[] = [];
      const receives: { result?: ReceiveResult<number> | 'cancelled'; abort?: AbortController }[] =
        [];
      const pending: Promise<unknown>[] = [];
      for (const o of ops) {
        if (o.kind === 'send') {
          const entry: (typeof sends)[number] = { value: next++, abort: new AbortController() };
          sends.push(entry);
          pending.push(
            ch.send(entry.value, { signal: entry.abort?.signal }).then(
              () => (entry.accepted = true),
              () => (entry.accepted = false),
            ),
          );
        } else if (o.kind === 'trySend') {
          const value = next++;
          sends.push({ value, accepted: ch.trySend(value) });
        } else if (o.kind === 'receive') {
          const entry: (typeof receives)[number] = { abort: new AbortController() };
          receives.push(entry);
          pending.push(
            ch.receive({ signal: entry.abort?.signal }).then(
              (r) => (entry.result = r),
              () => (entry.result = 'cancelled'),
            ),
          );
        } else if (o.kind === 'tryReceive') {
          const r = ch.tryReceive();
          if (r !== undefined) receives.push({ result: r });
        } else {
          const pool = o.kind === 'abortSend' ? sends : receives;
          pool[o.pick % Math.max(1, pool.length)]?.abort?.abort();
        }
        assert.ok(ch.length <= capacity);
      }
      // Settle what is still waiting: abort the receivers, then drain (which releases senders).
      for (const r of receives) r.abort?.abort();
      await Promise.resolve();
      const drained: number[] = [];
      for (let r = ch.tryReceive(); r?.ok; r = ch.tryReceive()) drained.push(r.value);
      await Promise.all(pending);

      const got = receives
        .map((r) => r.result)
        .filter((r): r is ReceiveResult<number> => typeof r === 'object' && r.ok)
        .map((r) => r.value);
      const accepted = sends.filter((s) => s.accepted === true).map((s) => s.value);
      assert.deepEqual([...got, ...drained], accepted);
    }),
    { numRuns: 300 },
  );
});
