import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Channel } from '../../src/sync/channel.js';
import { select } from '../../src/sync/select.js';

test('between two ready cases each wins a fair share (uniform choice)', async () => {
  const a = new Channel<number>(1);
  const b = new Channel<number>(1);
  const runs = 2000;
  const wins = [0, 0];
  for (let i = 0; i < runs; i++) {
    if (a.length === 0) await a.send(i);
    if (b.length === 0) await b.send(i);
    const { index } = await select([{ receive: a }, { receive: b }]);
    wins[index] = (wins[index] ?? 0) + 1;
  }
  // Binomial(2000, 0.5): 30% is ~18 standard deviations away, so this never flakes.
  for (const w of wins) assert.ok(w > runs * 0.3, `wins ${wins.join('/')}`);
});
