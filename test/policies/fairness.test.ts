import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Pool } from '../../src/index.js';
import { FairQueue } from '../../src/queue/fair.js';
import { flush, gate } from '../helpers.js';

interface Item {
  priority: number;
  enqueuedAt: number;
  key: string | undefined;
  id: number;
}

test('a key flooding 100,000 tasks delays another key by at most one turn', async () => {
  const pool = new Pool({ concurrency: 1 });
  const g = gate();
  const order: string[] = [];
  const blocker = pool.run(() => g.wait);
  await flush();
  const flood = Array.from({ length: 100_000 }, (_, i) =>
    pool.run(() => void order.push(`a${i}`), { key: 'a' }),
  );
  const few = [0, 1, 2].map((i) => pool.run(() => void order.push(`b${i}`), { key: 'b' }));
  g.open();
  await Promise.all([blocker, ...flood, ...few]);
  const positions = [0, 1, 2].map((i) => order.indexOf(`b${i}`));
  // Turns alternate: b's tasks start at positions 1, 3, 5 (each after one of a's).
  assert.deepEqual(positions, [1, 3, 5]);
  await pool.close();
});

test('weights share starts in proportion', () => {
  const q = new FairQueue<Item>(Number.POSITIVE_INFINITY, (key) => (key === 'heavy' ? 3 : 1));
  let id = 0;
  for (let i = 0; i < 400; i++) {
    q.push({ priority: 0, enqueuedAt: id, key: 'heavy', id: id++ });
    q.push({ priority: 0, enqueuedAt: id, key: 'light', id: id++ });
  }
  const first = Array.from({ length: 200 }, () => q.shift()?.key);
  const heavy = first.filter((k) => k === 'heavy').length;
  assert.equal(heavy, 150);
});

test('maxPerKey caps how many of one key run at once; other keys still run', async () => {
  const pool = new Pool({ concurrency: 4, fairness: { maxPerKey: 2 } });
  const gates = Array.from({ length: 6 }, () => gate());
  const running = new Map<string, number>();
  let peakA = 0;
  const run = (key: string, g: (typeof gates)[0]) =>
    pool.run(
      async () => {
        running.set(key, (running.get(key) ?? 0) + 1);
        if (key === 'a') peakA = Math.max(peakA, running.get(key) ?? 0);
        await g.wait;
        running.set(key, (running.get(key) ?? 0) - 1);
      },
      { key },
    );
  const tasks = [
    run('a', gates[0] as never),
    run('a', gates[1] as never),
    run('a', gates[2] as never),
  ];
  tasks.push(run('b', gates[3] as never));
  await flush();
  assert.equal(running.get('a'), 2);
  assert.equal(running.get('b'), 1);
  for (const g of gates) g.open();
  await Promise.all(tasks);
  assert.equal(peakA, 2);
  await pool.close();
});

test('property: with k active keys, a key waits at most k - 1 items between its turns', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), n: fc.integer({ min: 1, max: 50 }) }),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
      (batches) => {
        const q = new FairQueue<Item>(Number.POSITIVE_INFINITY);
        let id = 0;
        for (const { key, n } of batches)
          for (let i = 0; i < n; i++) q.push({ priority: 0, enqueuedAt: id, key, id: id++ });
        const keys = new Set(batches.map((b) => b.key)).size;
        const out = q.drain().map((item) => item.key);
        const remaining = new Map<string, number>();
        for (const k of out) remaining.set(k as string, (remaining.get(k as string) ?? 0) + 1);
        const lastSeen = new Map<string, number>();
        out.forEach((k, i) => {
          const key = k as string;
          const prev = lastSeen.get(key);
          if (prev !== undefined) assert.ok(i - prev <= keys, `gap ${i - prev} > ${keys} keys`);
          lastSeen.set(key, i);
        });
      },
    ),
  );
});
