import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as basicChannels from '../../examples/basic-channels.js';
import * as basicPool from '../../examples/basic-pool.js';
import * as imageChannels from '../../examples/image-processing-channels.js';
import * as imagePool from '../../examples/image-processing-pool.js';
import * as timeoutsChannels from '../../examples/timeouts-channels.js';
import * as timeoutsPool from '../../examples/timeouts-pool.js';
import * as waitgroupChannels from '../../examples/waitgroup-channels.js';
import * as waitgroupPool from '../../examples/waitgroup-pool.js';
import { runExample } from './helpers.js';

const squares = [1, 2, 3, 4, 5].map((n) => ({ jobId: n, number: n, square: n * n }));
const byJob = <T extends { jobId: number }>(rs: readonly T[]): T[] =>
  [...rs].sort((a, b) => a.jobId - b.jobId);

describe('basic pool and WaitGroup: 5 jobs on 3 workers, 1 s each', () => {
  for (const [name, main] of [
    ['basic-channels', basicChannels.main],
    ['basic-pool', basicPool.main],
    ['waitgroup-channels', waitgroupChannels.main],
    ['waitgroup-pool', waitgroupPool.main],
  ] as const) {
    it(`${name}: every job squared once, 3 at a time, done at 2 s`, async () => {
      const { result, timed, clock } = await runExample(main);
      assert.deepEqual(byJob(result), squares);
      const starts = timed.filter((t) => / processing job |^Processing job /.test(t.line));
      assert.equal(starts.length, 5);
      assert.deepEqual(
        starts.map((t) => t.at),
        [0, 0, 0, 1000, 1000],
        'three start at once, the other two when the first finish',
      );
      for (const r of squares) {
        assert.ok(
          timed.some(
            (t) => t.line === `Result: Job ID ${r.jobId}, Number ${r.number}, Square ${r.square}`,
          ),
        );
      }
      assert.equal(clock.now(), 2000);
    });
  }

  it('channel versions name the worker that took each job', async () => {
    const { lines } = await runExample(basicChannels.main);
    assert.deepEqual(lines.slice(0, 3), [
      'Worker 1 processing job 1',
      'Worker 2 processing job 2',
      'Worker 3 processing job 3',
    ]);
  });

  it('waitgroup versions print their closing line after the last result', async () => {
    for (const main of [waitgroupChannels.main, waitgroupPool.main]) {
      const { lines } = await runExample(main);
      const last = lines.at(-1) ?? '';
      assert.match(last, /All workers done|All done: 5 completed, 0 failed/);
      assert.equal(lines.filter((l) => l.startsWith('Result:')).length, 5);
    }
  });
});

describe('simulated image processing: 8 images on 3 workers, size/10 ms each', () => {
  for (const [name, main] of [
    ['image-processing-channels', imageChannels.main],
    ['image-processing-pool', imagePool.main],
  ] as const) {
    it(`${name}: summary with the tutorial's sequential time`, async () => {
      const { result, lines } = await runExample(main);
      // Sequential: the sum of size/10 over the 8 images. Parallel: greedy on 3 workers
      // (250, 320, 180 | 180→630, 250→530, 320→470 | 470→830, 530→750) ends at 830 ms.
      assert.equal(result.sequentialTime, 2210);
      assert.equal(result.totalTime, 830);
      assert.equal(result.processed, 8);
      assert.ok(lines.includes('Summary: Processed 8 images in 830ms using 3 workers'));
      assert.ok(lines.includes('Sequential processing would take approximately: 2.21s'));
      assert.ok(lines.includes('Speedup factor: 2.66x'));
      for (const img of imageChannels.sampleImages) {
        const stem = img.name.slice(0, -4);
        const took = `${Math.floor(img.size / 10)}ms`;
        assert.ok(
          lines.includes(`Processed: ${img.name} → ${stem}_filtered.jpg (took ${took})`),
          img.name,
        );
      }
    });
  }
});

describe('timeouts: jobs 1..9 take j*200 ms, 1 s allowed, 3 workers', () => {
  // j*200 < 1000 finishes; j*200 >= 1000 times out (at exactly 1 s, the deadline wins).
  const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((j) => (j * 200 < 1000 ? j * j : -j));

  for (const [name, main] of [
    ['timeouts-channels', timeoutsChannels.main],
    ['timeouts-pool', timeoutsPool.main],
  ] as const) {
    it(`${name}: 1-4 finish, 5-9 time out`, async () => {
      const { result, lines, clock } = await runExample(main);
      const numeric = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
      assert.deepEqual(numeric(result), numeric(expected));
      for (const j of [5, 6, 7, 8, 9])
        assert.ok(lines.includes(`Result: Job ${j} timed out`), `job ${j}`);
      for (const j of [1, 2, 3, 4]) assert.ok(lines.includes(`Result: ${j * j}`), `job ${j}`);
      // Worker timelines: 1→4→7, 2→5→8, 3→6→9; the last deadline is job 9's, at 1600 + 1000.
      assert.equal(clock.now() >= 2600, true);
    });
  }

  it('the pool stops the work of a timed-out job: no job finishes after its deadline', async () => {
    const { lines } = await runExample(timeoutsPool.main);
    for (const j of [5, 6, 7, 8, 9]) assert.ok(!lines.includes(`Finished job ${j}`), `job ${j}`);
    assert.ok(lines.includes('Report: 4 completed, 5 timed out'));
  });

  it('the channel version reports which worker timed out', async () => {
    const { timed } = await runExample(timeoutsChannels.main);
    const timeouts = timed.filter((t) => t.line.includes('timeout on job'));
    assert.deepEqual(
      timeouts.map((t) => [t.at, t.line]),
      [
        [1400, 'Worker 2 timeout on job 5'],
        [1600, 'Worker 3 timeout on job 6'],
        [2000, 'Worker 1 timeout on job 7'],
        [2400, 'Worker 2 timeout on job 8'],
        [2600, 'Worker 3 timeout on job 9'],
      ],
    );
  });
});
