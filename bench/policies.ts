/**
 * `node --import tsx bench/policies.ts [reps]`: the hot-path cost of metrics and policies.
 * 300,000 no-op `pool.run` tasks at concurrency 16 in one process per configuration,
 * configurations interleaved per repetition; prints median tasks/s and the ratio to the
 * plain pool (metrics on, no policy).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Config = 'plain' | 'metrics-off' | 'priorities' | 'keys' | 'retries' | 'rate' | 'all-policies';
const configs: Config[] = [
  'plain',
  'metrics-off',
  'priorities',
  'keys',
  'retries',
  'rate',
  'all-policies',
];
const N = 300_000;

async function child(config: Config): Promise<void> {
  const { Pool } = await import('../src/index.js');
  const pool = new Pool({
    concurrency: 16,
    metrics: config !== 'metrics-off',
    ...(config === 'rate' || config === 'all-policies'
      ? { rate: { limit: 1_000_000_000, interval: 1000 } }
      : {}),
    ...(config === 'all-policies'
      ? { agingInterval: 100, fairness: { maxPerKey: 1_000_000 } }
      : {}),
  });
  const options = (i: number) =>
    config === 'priorities'
      ? { priority: i % 3 }
      : config === 'keys'
        ? { key: `tenant-${i % 8}` }
        : config === 'retries'
          ? { retries: 2 }
          : config === 'all-policies'
            ? { priority: i % 3, key: `tenant-${i % 8}`, retries: 2, name: 'noop' }
            : undefined;
  const t0 = performance.now();
  const all = new Array<Promise<number>>(N);
  for (let i = 0; i < N; i++) all[i] = pool.run(() => i, options(i));
  await Promise.all(all);
  const ms = performance.now() - t0;
  await pool.close();
  process.stdout.write(JSON.stringify({ tasksPerSecond: N / (ms / 1000) }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] as Config);
} else {
  const reps = Number(process.argv[2] ?? 5);
  const self = fileURLToPath(import.meta.url);
  const samples = new Map<Config, number[]>(configs.map((c) => [c, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (let j = 0; j < configs.length; j++) {
      const config = configs[(rep + j) % configs.length] as Config;
      const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', config], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${config} failed: ${r.stderr}`);
      samples.get(config)?.push(JSON.parse(r.stdout).tasksPerSecond);
    }
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? 0;
  };
  const base = median(samples.get('plain') ?? []);
  console.log(`${N} no-op Pool.run tasks, concurrency 16, ${reps} reps (median; min..max)`);
  for (const c of configs) {
    const xs = samples.get(c) ?? [];
    console.log(
      `${c.padEnd(13)} ${(median(xs) / 1e6).toFixed(2)}M/s  (${(Math.min(...xs) / 1e6).toFixed(2)}..${(Math.max(...xs) / 1e6).toFixed(2)})  ratio ${(median(xs) / base).toFixed(2)}`,
    );
  }
}
