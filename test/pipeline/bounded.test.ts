// Memory is bounded by the buffers: an endless source behind a slow last stage is pulled at
// most `buffer + 1 + Σ (stage buffer + stage concurrency)` items ahead of the consumer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { map, Pool, pipeline } from '../../src/index.js';
import { type Gate, gate } from '../helpers.js';
import { counting, settle } from './helpers.js';

describe('pipeline memory', () => {
  for (const ordered of [true, false]) {
    it(`an endless source, a slow last stage (ordered: ${ordered}): the bound holds, exactly`, async () => {
      const src = counting();
      const pool = new Pool({ concurrency: 3 });
      const gates = new Map<number, Gate>();
      const opened = (i: number): Gate => {
        const g = gates.get(i) ?? gate();
        gates.set(i, g);
        return g;
      };
      const out = pipeline(
        src.source,
        map((x: number) => x, { buffer: 2 }),
        { pool, fn: async (x: number) => x, concurrency: 3, buffer: 1, ordered },
        map(
          async (x: number) => {
            await opened(x).wait;
            return x;
          },
          { buffer: 0 },
        ),
        { buffer: 4 },
      );
      const bound = 4 + 1 + (2 + 1) + (1 + 3) + (0 + 1);
      await settle();
      assert.equal(src.pulled, bound, 'nothing consumed: exactly the bound is pulled');
      const it = out[Symbol.asyncIterator]();
      for (let consumed = 0; consumed < 50; consumed++) {
        opened(consumed).open();
        const r = await it.next();
        assert.equal(r.value, consumed);
        await settle();
        assert.ok(
          src.pulled - (consumed + 1) <= bound,
          `${src.pulled} pulled, ${consumed + 1} consumed`,
        );
      }
      await it.return?.();
      // The gated item ignores the signal: let it end, so every loop has stopped.
      for (const g of gates.values()) g.open();
      await out.done;
      assert.equal(src.closed, true);
      await pool.close();
    });
  }

  it('property: every item once, in order when ordered, never more than the bound ahead', async () => {
    const stage = fc.record({
      concurrency: fc.integer({ min: 1, max: 3 }),
      buffer: fc.integer({ min: 0, max: 3 }),
      ordered: fc.boolean(),
      ticks: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(stage, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 25 }),
        async (stages, buffer, count) => {
          let pulled = 0;
          let consumed = 0;
          let ahead = 0;
          const runs = stages.map(() => new Map<number, number>());
          const source = (function* () {
            for (let i = 0; i < count; i++) {
              pulled++;
              yield i;
            }
          })();
          const specs = stages.map((s, k) =>
            map(
              async (x: number, { index }) => {
                const seen = runs[k] as Map<number, number>;
                seen.set(x, (seen.get(x) ?? 0) + 1);
                // A per-item number of microtask turns: items finish out of order.
                for (let t = s.ticks[index % s.ticks.length] ?? 0; t > 0; t--)
                  await Promise.resolve();
                return x;
              },
              { concurrency: s.concurrency, buffer: s.buffer, ordered: s.ordered },
            ),
          );
          const bound = buffer + 1 + stages.reduce((n, s) => n + s.buffer + s.concurrency, 0);
          const out: number[] = [];
          // biome-ignore lint/suspicious/noExplicitAny: the stage count varies; typed tests are elsewhere.
          const p = (pipeline as any)(source, ...specs, { buffer }) as AsyncIterable<number>;
          for await (const x of p) {
            out.push(x);
            consumed++;
            ahead = Math.max(ahead, pulled - consumed);
          }
          const all = Array.from({ length: count }, (_, i) => i);
          if (stages.every((s) => s.ordered || s.concurrency === 1)) assert.deepEqual(out, all);
          else
            assert.deepEqual(
              [...out].sort((a, b) => a - b),
              all,
            );
          for (const seen of runs) for (const n of seen.values()) assert.equal(n, 1);
          assert.ok(ahead <= bound, `ahead ${ahead} > bound ${bound}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
