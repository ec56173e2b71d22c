/**
 * Load test of `workpool serve` against a plain node:http server doing the same CPU work on
 * its main thread, with autocannon at many times capacity for a bounded time.
 *
 *   node --import tsx bench/server-load.ts [--duration 10] [--connections 100] [--threads N]
 *
 * Each server runs in its own process (autocannon's event loop must not share the
 * server's). Reported per server: answered requests/s, 200s/s, latency percentiles (all
 * answers, and 200s only), the 503 share, wrong answers, /healthz probe latency during the
 * load (one probe every 100 ms on a fresh connection), and peak RSS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** ≈10 ms of integer hashing per request on a 2020s core. */
const ROUNDS = 8_000_000;
const SEEDS = 64;

function hash(seed: number, rounds: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < rounds; i++) h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
  return h;
}

const moduleSource = `export function hash(input) {
  let h = input.seed >>> 0;
  for (let i = 0; i < input.rounds; i++) h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
  return h;
}
`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

// ---- child: one server ------------------------------------------------------------------

async function child(kind: string, threads: number): Promise<void> {
  let close: () => Promise<void>;
  let url: string;
  if (kind === 'workpool') {
    const module = join(tmpdir(), `workpool-bench-${process.pid}.mjs`);
    writeFileSync(module, moduleSource);
    const { serve } = await import('../src/server/index.js');
    const server = await serve({ module, port: 0, threads });
    url = server.url;
    close = () => server.close();
  } else {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/healthz') return void res.end('{"healthy":true}');
        const input = JSON.parse(Buffer.concat(chunks).toString()) as {
          seed: number;
          rounds: number;
        };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(hash(input.seed, input.rounds)));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  }
  process.stdout.write(`LISTEN ${url}\n`);
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));
}

// ---- parent: drive and measure ----------------------------------------------------------

interface Figures {
  server: string;
  answeredPerSec: number;
  okPerSec: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  okLatency: { p50: number; p90: number; p99: number; max: number };
  share503: number;
  otherNon2xx: number;
  errors: number;
  wrong: number;
  healthz: { probes: number; p50: number; p99: number; max: number; failed: number };
  peakRssMiB: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function summary(samples: number[]): { p50: number; p90: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const r = (n: number): number => Math.round(n * 10) / 10;
  return {
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    max: r(s.at(-1) ?? 0),
  };
}

function rssKiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function probe(url: string): Promise<number | undefined> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = get(`${url}/healthz`, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - start : undefined));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}

async function measure(
  kind: string,
  threads: number,
  duration: number,
  connections: number,
  rate: number,
): Promise<Figures> {
  const self = fileURLToPath(import.meta.url);
  const proc: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', self, '--serve', kind, '--threads', String(threads)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /LISTEN (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
  const pid = proc.pid ?? 0;
  let peak = rssKiB(pid);
  const rss = setInterval(() => {
    peak = Math.max(peak, rssKiB(pid));
  }, 200);
  const health: number[] = [];
  let healthFailed = 0;
  const prober = setInterval(() => {
    void probe(url).then((ms) => (ms === undefined ? healthFailed++ : health.push(ms)));
  }, 100);

  const bodies = Array.from({ length: SEEDS }, (_, i) =>
    JSON.stringify({ seed: i, rounds: ROUNDS }),
  );
  const answers = Array.from({ length: SEEDS }, (_, i) => String(hash(i, ROUNDS)));
  let next = 0;
  let wrong = 0;
  let n503 = 0;
  const okLatency: number[] = [];
  type Ctx = { i?: number; t0?: number };
  const result = await autocannon({
    url,
    connections,
    duration,
    // Offered load, open-loop-like: a closed loop would answer each instant 503 with another
    // request at once, which no client honouring Retry-After does.
    ...(rate > 0 ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/tasks/hash',
        headers: { 'content-type': 'application/json', 'x-timeout-ms': '250' },
        setupRequest: (request, context) => {
          const ctx = context as Ctx;
          ctx.i = next++ % SEEDS;
          ctx.t0 = performance.now();
          return { ...request, body: bodies[ctx.i] ?? '' };
        },
        onResponse: (status, body, context) => {
          const ctx = context as Ctx;
          if (status === 503) n503++;
          if (status !== 200) return;
          okLatency.push(performance.now() - (ctx.t0 ?? 0));
          if (body !== answers[ctx.i ?? -1]) wrong++;
        },
      },
    ],
  });
  clearInterval(prober);
  clearInterval(rss);
  proc.kill('SIGTERM');
  await once(proc, 'exit');
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    server:
      kind === 'workpool'
        ? `workpool serve (${threads} thread${threads === 1 ? '' : 's'})`
        : 'node:http, main thread',
    answeredPerSec: Math.round(answered / duration),
    okPerSec: Math.round(result['2xx'] / duration),
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    okLatency: summary(okLatency),
    share503: answered === 0 ? 0 : Math.round((n503 / answered) * 1000) / 10,
    otherNon2xx: result.non2xx - n503,
    errors: result.errors + result.timeouts,
    wrong,
    healthz: { probes: health.length, ...pick(summary(health)), failed: healthFailed },
    peakRssMiB: Math.round(peak / 1024),
  };
}

function pick(s: { p50: number; p99: number; max: number }): {
  p50: number;
  p99: number;
  max: number;
} {
  return { p50: s.p50, p99: s.p99, max: s.max };
}

function table(rows: Figures[]): string {
  const head =
    '| server | answers/s | 200/s | latency p50 / p90 / p99 ms (all) | 200 latency p50 / p99 ms | 503 share | errors | wrong | /healthz p50 / p99 / max ms | peak RSS |';
  const sep = `|${'---|'.repeat(10)}`;
  const lines = rows.map(
    (r) =>
      `| ${r.server} | ${r.answeredPerSec} | ${r.okPerSec} | ${r.latency.p50} / ${r.latency.p90} / ${r.latency.p99} | ${r.okLatency.p50} / ${r.okLatency.p99} | ${r.share503}% | ${r.errors + r.otherNon2xx} | ${r.wrong} | ${r.healthz.p50} / ${r.healthz.p99} / ${r.healthz.max}${r.healthz.failed > 0 ? ` (${r.healthz.failed} failed)` : ''} | ${r.peakRssMiB} MiB |`,
  );
  return [head, sep, ...lines].join('\n');
}

async function main(): Promise<void> {
  const { availableParallelism } = await import('node:os');
  const threads = arg('threads', Math.max(1, availableParallelism() - 1));
  const duration = arg('duration', 10);
  const connections = arg('connections', 100);
  // 0: closed loop (every connection sends again as soon as it is answered).
  const rate = arg('rate', 400);
  const rows: Figures[] = [];
  for (const kind of ['workpool', 'plain']) {
    process.stderr.write(
      `${kind}: ${connections} connections, ${rate || 'max'} req/s offered, ${duration} s...\n`,
    );
    rows.push(await measure(kind, threads, duration, connections, rate));
  }
  process.stdout.write(
    `\nPOST /tasks/hash (≈${ROUNDS / 1e6}M hash rounds each), ${connections} connections, ${rate || 'unlimited'} req/s offered, ${duration} s, x-timeout-ms: 250\n\n${table(rows)}\n\n${JSON.stringify(rows)}\n`,
  );
}

if (process.argv[2] === '--serve') void child(process.argv[3] ?? 'workpool', arg('threads', 1));
else void main();
