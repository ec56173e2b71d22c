// A plain BullMQ Worker, the baseline: `node bull-worker.mjs <inline|sandbox> <url> <queue> <concurrency>`.
import { Worker } from 'bullmq';
import { cpu, noop } from './tasks.mjs';

const [mode, url, queue, concurrency] = process.argv.slice(2);
const u = new URL(url);
const connection = { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
const processor =
  mode === 'sandbox'
    ? new URL('./bull-processor.mjs', import.meta.url)
    : async (job) => (job.name === 'cpu' ? cpu(10) : noop());
const worker = new Worker(queue, processor, {
  connection,
  concurrency: Number(concurrency),
  useWorkerThreads: mode === 'sandbox',
});
worker.on('error', () => {});
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
