/**
 * `node --import tsx bench/cluster-dashboard.ts [--samples N]`: what one sample of the
 * cluster dashboard (`serve({ cluster })`) costs: Redis commands per sample (INFO
 * commandstats, so commands run inside BullMQ's scripts count too, by command) and CPU ms
 * per sample in the server process (read, host rows, the point the page gets), on a
 * redis-server of its own. Nothing else talks to that Redis: the hosts are adverts the bench
 * writes (the shape `startWorker` writes), the jobs are added with BullMQ, so every command
 * counted is the dashboard's. Cases: an empty queue, a backlog of 10,000 waiting jobs, 200
 * fair-share keys (lanes), and 20 hosts: the commands stay bounded by the lanes read per
 * sample (the queue's own + at most 32 key lanes), whatever the backlog.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ClusterAdmin } from '../src/distributed/index.js';
import { keyQueue, keys } from '../src/distributed/keys.js';
import { DurationHistogram } from '../src/internal.js';
import { ClusterSource } from '../src/server/cluster/source.js';
import { History } from '../src/server/history.js';
import { startRedis } from '../test/distributed/redis.js';

const samplesArg = process.argv.indexOf('--samples');
const samples = samplesArg > 0 ? Number(process.argv[samplesArg + 1]) : 200;

const redis = await startRedis({ appendfsync: 'everysec' });
const raw = new Redis(redis.connection);

async function commandStats(): Promise<Map<string, number>> {
  const info = await raw.info('commandstats');
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g))
    calls.set(m[1] ?? '', Number(m[2]));
  return calls;
}

async function advertise(queue: string, hosts: number): Promise<void> {
  const k = keys('bull', queue);
  const h = new DurationHistogram();
  for (let i = 0; i < 1000; i++) h.record(1 + (i % 50));
  for (let i = 0; i < hosts; i++) {
    const id = `bench-${i}`;
    const advert = {
      id,
      hostname: `host-${i}`,
      pid: 1000 + i,
      handlers: ['add'],
      threads: 4,
      concurrency: 8,
      stalledInterval: 30_000,
      running: 0,
      completed: 1000,
      failed: 0,
      retried: 0,
      throughput: 0,
      waitTime: h.snapshot(),
      runTime: h.snapshot(),
      healthy: true,
      draining: false,
      recoveries: 0,
      startedAt: Date.now(),
      heartbeatAt: Date.now(),
      histograms: { wait: h.dump(), run: h.dump() },
    };
    await raw
      .multi()
      .set(k.worker(id), JSON.stringify(advert), 'PX', 600_000)
      .sadd(k.workers, id)
      .exec();
  }
}

interface Case {
  readonly name: string;
  readonly hosts: number;
  readonly waiting: number;
  readonly keys: number;
}

const cases: Case[] = [
  { name: 'empty queue, 2 hosts', hosts: 2, waiting: 0, keys: 0 },
  { name: '10,000 waiting, 2 hosts', hosts: 2, waiting: 10_000, keys: 0 },
  { name: '200 keys (lanes), 2 hosts', hosts: 2, waiting: 0, keys: 200 },
  { name: 'empty queue, 20 hosts', hosts: 20, waiting: 0, keys: 0 },
];

const rows: string[] = [];
let n = 0;
for (const c of cases) {
  const queue = `bench-dash-${++n}`;
  await advertise(queue, c.hosts);
  const q = new Queue(queue, { connection: redis.connection });
  await q.pause(); // nothing runs the jobs: the backlog stays
  for (let i = 0; i < c.waiting; i += 1000)
    await q.addBulk(
      Array.from({ length: Math.min(1000, c.waiting - i) }, () => ({ name: 'add', data: {} })),
    );
  for (let i = 0; i < c.keys; i++) {
    await raw.sadd(keys('bull', queue).keyed, `k${i}`);
    const kq = new Queue(keyQueue(queue, `k${i}`), { connection: redis.connection });
    await kq.add('add', { k: `k${i}` });
    await kq.close();
  }
  const admin = await ClusterAdmin.open({ connection: redis.connection, queue });
  const source = new ClusterSource(
    admin,
    () => performance.now(),
    () => Date.now() - performance.now(),
  );
  const history = new History(300, 10, 360, Date.now() - performance.now());
  const server = { answered: 0, refused: 0, draining: false, listed: 0 };
  // Warm up (first lane objects, JIT), then measure.
  for (let i = 0; i < 20; i++) {
    await source.refresh();
    history.add({ reading: source.read(), server });
  }
  const before = await commandStats();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < samples; i++) {
    await source.refresh();
    history.add({ reading: source.read(), server });
  }
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const after = await commandStats();
  if (source.error !== undefined) throw source.error;
  // The bench's own INFO call is one command: not counted.
  const by = [...after]
    .map(
      ([name, calls]) =>
        [name, (calls - (before.get(name) ?? 0) - (name === 'info' ? 1 : 0)) / samples] as const,
    )
    .filter(([, per]) => per > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = by.reduce((a, [, per]) => a + per, 0);
  const top = by
    .filter(([name]) => name !== 'info')
    .map(([name, per]) => `${name} ${per.toFixed(1)}`)
    .join(', ');
  rows.push(
    `| ${c.name} | ${total.toFixed(1)} | ${((used.user + used.system) / 1000 / samples).toFixed(2)} | ${(wall / samples).toFixed(2)} | ${top} |`,
  );
  await admin.close();
  await q.obliterate({ force: true }).catch(() => {});
  await q.close();
}

console.log(
  `samples per case: ${samples}; load: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  "| case | Redis commands / sample | CPU ms / sample (server) | wall ms / sample | by command (per sample, scripts' inner calls included) |",
);
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
await raw.quit();
await redis.stop();
