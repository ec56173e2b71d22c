// Loaded with `node --import ./bench/lib/tsx-main.mjs`: registers tsx on the main thread
// only. Worker threads inherit `--import` flags, and tsx costs each worker ~40 ms of
// startup, which would distort "time to first result" for every thread pool alike; the
// task modules under bench/tasks/ are plain JS and need no loader.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const { register } = await import('tsx/esm/api');
  register();
}
