/**
 * Runs every example in order and prints its output under a header (`npm start`).
 * Simulated work runs 5x faster than the tutorial's durations (1 tutorial second = 200 ms
 * of wall time); printed times stay in tutorial units. The real-image example and the
 * thread example do real work and print real times.
 */
import * as basicChannels from './basic-channels.js';
import * as basicPool from './basic-pool.js';
import * as dynamicChannels from './dynamic-channels.js';
import * as dynamicPool from './dynamic-pool.js';
import * as errors from './errors.js';
import * as imageChannels from './image-processing-channels.js';
import * as imagePool from './image-processing-pool.js';
import * as imageReal from './image-processing-real.js';
import { createIO, type ExampleIO, fastClock } from './io.js';
import * as pauseResume from './pause-resume.js';
import * as priorities from './priorities.js';
import * as taskTypes from './task-types.js';
import * as taskTypesThreads from './task-types-threads.js';
import * as timeoutsChannels from './timeouts-channels.js';
import * as timeoutsPool from './timeouts-pool.js';
import * as waitgroupChannels from './waitgroup-channels.js';
import * as waitgroupPool from './waitgroup-pool.js';

const speed = 5;

const examples: readonly [string, (io: ExampleIO) => Promise<unknown>][] = [
  ['Basic worker pool — channels', basicChannels.main],
  ['Basic worker pool — Pool', basicPool.main],
  ['WaitGroup — channels', waitgroupChannels.main],
  ['WaitGroup — Pool', waitgroupPool.main],
  ['Image processing (simulated) — channels', imageChannels.main],
  ['Image processing (simulated) — Pool', imagePool.main],
  ['Timeouts — channels and select', timeoutsChannels.main],
  ['Timeouts — Pool', timeoutsPool.main],
  ['Dynamic pool — channels', dynamicChannels.main],
  ['Dynamic pool — Pool', dynamicPool.main],
  ['Exercise: errors without crashing the pool', errors.main],
  ['Exercise: priorities', priorities.main],
  ['Exercise: pause and resume', pauseResume.main],
  ['Exercise: different task types — Pool', taskTypes.main],
  ['Exercise: different task types — ThreadPool', taskTypesThreads.main],
  ['Image processing, for real — ThreadPool + pngjs', (io) => imageReal.main(io, { count: 6 })],
];

const started = performance.now();
console.log(
  `Time runs ${speed}x faster in the simulated examples: 1 tutorial second = ${1000 / speed} ms.`,
);
for (const [title, main] of examples) {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(3, 76 - title.length))}`);
  await main(createIO({ clock: fastClock(speed) }));
}
console.log(
  `\nAll ${examples.length} examples ran in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);
