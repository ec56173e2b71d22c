import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dynamicChannels from '../../examples/dynamic-channels.js';
import * as dynamicPool from '../../examples/dynamic-pool.js';
import * as errors from '../../examples/errors.js';
import * as pauseResume from '../../examples/pause-resume.js';
import * as priorities from '../../examples/priorities.js';
import * as taskTypes from '../../examples/task-types.js';
import { runExample } from './helpers.js';

describe('dynamic pool: min 2, max 5; a burst every 100 ms, then every 600 ms; 500 ms jobs', () => {
  for (const [name, main] of [
    ['dynamic-channels', dynamicChannels.main],
    ['dynamic-pool', dynamicPool.main],
  ] as const) {
    it(`${name}: grows above 2 during the burst, back to 2 after it, every job done`, async () => {
      const { result, lines } = await runExample(main);
      const { sizes } = result;
      assert.equal(sizes[0], 2, 'starts at min');
      const peak = Math.max(...sizes);
      assert.ok(peak > 2 && peak <= 5, `peak ${peak}`);
      assert.equal(sizes.at(-1), 2, 'shrinks back to min');
      assert.ok(sizes.indexOf(peak) < sizes.lastIndexOf(2), 'grew, then shrank');
      const squares = Array.from({ length: 20 }, (_, i) => (i + 1) ** 2);
      assert.deepEqual(
        [...result.results].sort((a, b) => a - b),
        squares,
      );
      assert.ok(lines.at(-1)?.startsWith('Workers over time: 2 → '));
    });
  }

  it('the Pool grows at once when work waits, and shrinks after idleTimeout', async () => {
    const { timed } = await runExample(dynamicPool.main);
    const resizes = timed.filter((t) => t.line.startsWith('Pool resized'));
    assert.deepEqual(
      resizes.slice(0, 3).map((t) => t.at),
      [200, 300, 400],
      'jobs 3, 4 and 5 each find every worker busy and get a new one',
    );
    const lastGrowth = resizes[2]?.at ?? 0;
    const firstShrink = resizes[3]?.at ?? 0;
    assert.ok(firstShrink - lastGrowth >= 1000, 'nobody retires before idleTimeout');
  });
});

describe('exercises', () => {
  it('errors: failures reject their own job only; the pool keeps working', async () => {
    const { result, lines } = await runExample(errors.main);
    assert.equal(result.completed, 5); // 4 good inputs + the later sqrt(49)
    assert.equal(result.failed, 2);
    assert.ok(
      lines.includes('Job 3 (sixteen) failed: BadInputError: cannot take the root of "sixteen"'),
    );
    assert.ok(lines.includes('Job 6 (36): 6'));
    assert.ok(lines.includes('Still working: sqrt(49) = 7'));
  });

  it('priorities: higher first, FIFO among equals, after the task already running', async () => {
    const { result } = await runExample(priorities.main);
    assert.deepEqual(result, [
      'first (already running)',
      'alert (urgent)',
      'payment (high)',
      'email A (normal)',
      'email B (normal)',
      'report (low)',
    ]);
  });

  it('pause/resume: nothing starts while paused; queued jobs start at resume', async () => {
    const { result, lines } = await runExample(pauseResume.main);
    const { started } = result;
    assert.equal(started.length, 8);
    // Paused at 300, resumed at 900: no start in between.
    assert.ok(
      started.every((s) => s.at <= 300 || s.at >= 900),
      JSON.stringify(started),
    );
    assert.deepEqual(
      started.filter((s) => s.at === 900).map((s) => s.job),
      [5, 6],
    );
    assert.ok(lines.includes('t=300ms  paused (2 running, 4 queued)'));
    assert.ok(lines.includes('t=900ms  still paused: nothing started (0 running, 4 queued)'));
  });

  it('task types: one pool runs sync and async kinds of work', async () => {
    const { result } = await runExample(taskTypes.main);
    assert.deepEqual([...result].sort(), [
      '12² = 144',
      'Hello, gopher!',
      'downloaded https://example.com/a in 300ms',
      'downloaded https://example.com/b in 100ms',
    ]);
  });
});
