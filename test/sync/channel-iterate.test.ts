import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Channel } from '../../src/sync/channel.js';

test('for await ends after close and drain', async () => {
  const ch = new Channel<number>(2);
  const producer = (async () => {
    for (let i = 0; i < 5; i++) await ch.send(i);
    ch.close();
  })();
  const seen: number[] = [];
  for await (const v of ch) seen.push(v);
  await producer;
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
});

test('breaking out of the loop loses nothing and does not close', async () => {
  const ch = new Channel<number>(5);
  for (let i = 0; i < 5; i++) await ch.send(i);
  for await (const v of ch) {
    if (v === 1) break;
  }
  assert.equal(ch.closed, false);
  assert.equal(ch.length, 3);
  const rest: number[] = [];
  ch.close();
  for await (const v of ch) rest.push(v);
  assert.deepEqual(rest, [2, 3, 4]);
});

test('several loops share the values (Go workers ranging over one jobs channel)', async () => {
  const jobs = new Channel<number>(10);
  const results: number[][] = [[], [], []];
  const workers = results.map(async (mine) => {
    for await (const j of jobs) mine.push(j);
  });
  for (let j = 1; j <= 9; j++) await jobs.send(j);
  jobs.close();
  await Promise.all(workers);
  assert.deepEqual(
    results.flat().sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});
