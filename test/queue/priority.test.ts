import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PriorityQueue } from '../../src/queue/priority.js';
import { RingBuffer } from '../../src/sync/ring-buffer.js';

interface Item {
  priority: number;
  enqueuedAt: number;
  id: number;
}

test('RingBuffer is FIFO, grows, and removes from anywhere', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.nat(), fc.constant(-1), fc.constant(-2))), (ops) => {
      const ring = new RingBuffer<number>();
      const model: number[] = [];
      for (const op of ops) {
        if (op === -1) assert.equal(ring.shift(), model.shift());
        else if (op === -2) {
          const victim = model[Math.floor(model.length / 2)];
          if (victim !== undefined) {
            assert.equal(ring.remove(victim), true);
            model.splice(model.indexOf(victim), 1);
          }
        } else {
          ring.push(op);
          model.push(op);
        }
        assert.equal(ring.size, model.length);
      }
      assert.deepEqual(ring.drain(), model);
    }),
  );
});

test('without aging: higher priority first, FIFO among equals', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 200 }), (priorities) => {
      const q = new PriorityQueue<Item>();
      const items = priorities.map((priority, id) => ({ priority, enqueuedAt: id, id }));
      for (const item of items) q.push(item);
      const expected = [...items].sort((a, b) => b.priority - a.priority || a.id - b.id);
      assert.deepEqual(q.drain(), expected);
    }),
  );
});

test('remove takes out exactly the item asked for', () => {
  const q = new PriorityQueue<Item>();
  const items = [0, 1, 2, 3].map((id) => ({ priority: id % 2, enqueuedAt: id, id }));
  for (const item of items) q.push(item);
  assert.equal(q.remove(items[1] as Item), true);
  assert.equal(q.remove(items[1] as Item), false);
  assert.deepEqual(
    q.drain().map((i) => i.id),
    [3, 0, 2],
  );
});

test('aging bound: an item of priority p queued at t leaves before any of priority p2 queued after t + (p2 - p) * interval', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          priority: fc.integer({ min: 0, max: 5 }),
          gap: fc.integer({ min: 0, max: 50 }),
        }),
        {
          minLength: 1,
          maxLength: 100,
        },
      ),
      fc.integer({ min: 1, max: 40 }),
      (specs, interval) => {
        const q = new PriorityQueue<Item>(interval);
        let t = 0;
        const items = specs.map(({ priority, gap }, id) => {
          t += gap;
          return { priority, enqueuedAt: t, id };
        });
        for (const item of items) q.push(item);
        const order = q.drain();
        const position = new Map(order.map((item, i) => [item.id, i]));
        for (const a of items) {
          for (const b of items) {
            if (b.enqueuedAt > a.enqueuedAt + (b.priority - a.priority) * interval) {
              assert.ok(
                (position.get(a.id) as number) < (position.get(b.id) as number),
                `item ${a.id} (p${a.priority} @${a.enqueuedAt}) should leave before ${b.id} (p${b.priority} @${b.enqueuedAt})`,
              );
            }
          }
        }
      },
    ),
  );
});

test('RingBuffer holds undefined values: emptiness is size, not a sentinel', () => {
  const ring = new RingBuffer<number | undefined>();
  ring.push(undefined);
  ring.push(1);
  assert.equal(ring.size, 2);
  assert.equal(ring.shift(), undefined);
  assert.equal(ring.size, 1);
  assert.deepEqual(ring.drain(), [1]);
  assert.equal(ring.last(), undefined);
});
