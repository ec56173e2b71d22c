// The same two jobs as a BullMQ sandboxed processor file (useWorkerThreads).
import { cpu, noop } from './tasks.mjs';

export default async function (job) {
  return job.name === 'cpu' ? cpu(10) : noop();
}
