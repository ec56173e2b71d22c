/**
 * The dashboard's weight and its update cost (issue 17).
 *
 *   node --import tsx bench/dashboard.ts [--seconds 15] [--rounds 2] [--rate 1000]
 *
 * 1. Weight: bytes of `GET /` (HTML with the inline script and style), of uPlot's script and
 *    stylesheet, and of the history a page gets on load once the server's history is full
 *    (300 fine points and 360 coarse ones, 3 task names and 3 keys), raw and gzipped.
 * 2. Sampling: the server's cost of one sample (read the pool, summarise, keep), timed in
 *    process over 2,000 samples with 1,000 tasks in flight.
 * 3. Update cost at `--rate` tasks/s (submitted to the served pool inside the server's
 *    process, 10% of them failing so the failure list moves too: HTTP load at that rate
 *    would cost more than everything measured here on a busy 2-core machine): the server
 *    runs in a child process and reports its own CPU time; each round measures `--seconds`
 *    with no dashboard open, then with one open in
 *    headless Chromium, whose script time comes from the Chrome DevTools Protocol
 *    (`Performance.getMetrics`: ScriptDuration, TaskDuration). Server CPU per second with the
 *    page open minus without is what the open page costs the server.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession } from 'playwright-core';
import { ManualClock, ThreadPool } from '../src/index.js';
import { serve } from '../src/server/index.js';
import { launchBrowser } from '../test/support/browser.js';

const moduleSource = `export function add(input) { return input.a + input.b; }
export function fail(input) { throw new RangeError(input.message); }
`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function taskModule(): string {
  const path = join(tmpdir(), `workpool-dashboard-bench-${process.pid}.mjs`);
  writeFileSync(path, moduleSource);
  return path;
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} kB`;

async function weight(): Promise<void> {
  const clock = new ManualClock();
  const server = await serve({ module: taskModule(), port: 0, threads: 1, clock });
  try {
    for (const name of ['add', 'add', 'fail']) {
      for (const key of ['acme', 'globex', 'initech']) {
        await fetch(`${server.url}/tasks/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-task-key': key },
          body: JSON.stringify({ a: 1, b: 2, message: 'x' }),
        });
      }
    }
    // An hour of samples: both tiers full.
    for (let i = 0; i < 3600; i++) clock.advance(1000);
    const rows: [string, Buffer, number][] = [];
    for (const path of ['/', '/assets/uplot.js', '/assets/uplot.css', '/api/history']) {
      const plain = await bytes(`${server.url}${path}`, {});
      const sent = await bytes(`${server.url}${path}`, { 'accept-encoding': 'gzip' });
      rows.push([path, plain, sent.length]);
    }
    console.log('\n| what | bytes | sent (gzip, as a browser asks) |\n| :-- | --: | --: |');
    let raw = 0;
    let zipped = 0;
    for (const [path, body, sent] of rows) {
      raw += body.length;
      zipped += sent;
      const label = path === '/api/history' ? 'history on load (full: 300 + 360 points)' : path;
      console.log(`| ${label} | ${kb(body.length)} | ${kb(sent)} |`);
    }
    console.log(`| total on first load | ${kb(raw)} | ${kb(zipped)} |`);
    const fine = JSON.parse(rows[3]?.[1].toString() ?? '{}').fine as unknown[];
    console.log(`| one live point (SSE message) | ${kb(JSON.stringify(fine.at(-1)).length)} | |`);
  } finally {
    await server.close();
  }
}

/** The bytes a GET answers with, as sent (not decompressed). */
function bytes(url: string, headers: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
}

async function sampling(): Promise<void> {
  const { LocalSource } = await import('../src/server/source.js');
  const { Lifecycle } = await import('../src/server/lifecycle.js');
  const { Keys } = await import('../src/server/keys.js');
  const { History } = await import('../src/server/history.js');
  const pool = new ThreadPool({ module: taskModule(), maxThreads: 2, minThreads: 2 });
  const lifecycle = new Lifecycle(pool, () => performance.now());
  const keys = new Keys();
  lifecycle.onEnded((e) => keys.record(e));
  // 1,000 tasks in flight (paused pool), three names and three keys.
  pool.pause();
  const tasks = [];
  for (let i = 0; i < 1000; i++) {
    const name = i % 3 === 0 ? 'fail' : 'add';
    const task = pool.trySubmit(name, { a: i, b: 1, message: 'x' }, { key: `k${i % 3}` });
    if (task === undefined) throw new Error('queue full');
    task.result.catch(() => {});
    lifecycle.submitted({ name, key: `k${i % 3}`, input: { a: i }, task });
    tasks.push(task);
  }
  const source = new LocalSource(pool, lifecycle, keys, () => performance.now());
  const history = new History(300, 10, 360, Date.now());
  const server = { answered: 0, refused: 0, draining: false, listed: 0 };
  for (let i = 0; i < 200; i++) history.add({ reading: source.read(), server });
  const n = 2000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const { fine } = history.add({ reading: source.read(), server });
    JSON.stringify(fine);
  }
  const ms = (performance.now() - t0) / n;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `\nOne sample (read + summarise + keep + serialise), 1,000 tasks in flight: ${(ms * 1000).toFixed(0)} µs wall, ${((cpu.user + cpu.system) / n).toFixed(0)} µs CPU; at one sample a second that is ${(ms / 10).toFixed(3)}% of a core.`,
  );
  await pool.terminate();
}

// ---- the update cost: a server child, load, a browser -------------------------------------

async function child(): Promise<void> {
  const server = await serve({ module: taskModule(), port: 0, threads: 2, maxQueue: 10_000 });
  const pool = server.pool;
  process.on('message', (m: unknown) => {
    if (m === 'cpu') process.send?.({ cpu: process.cpuUsage(), at: performance.now() });
    if (m === 'stop') void server.close().then(() => process.exit(0));
    const load = m as { rate?: number; seconds?: number };
    if (load.rate === undefined || load.seconds === undefined) return;
    // `rate` tasks a second in ticks of 10 ms, one in ten failing.
    const start = performance.now();
    let sent = 0;
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const target = Math.floor(
        ((load.rate ?? 0) * Math.min(elapsed, (load.seconds ?? 0) * 1000)) / 1000,
      );
      for (; sent < target; sent++) {
        const fail = sent % 10 === 0;
        pool
          .run(fail ? 'fail' : 'add', fail ? { message: 'bench failure' } : { a: sent, b: 1 })
          .catch(() => {});
      }
      if (elapsed >= (load.seconds ?? 0) * 1000) {
        clearInterval(timer);
        void pool
          .onIdle()
          .then(() => process.send?.({ done: sent, ms: performance.now() - start }));
      }
    }, 10);
  });
  process.send?.({ url: server.url });
}

function ask<T>(proc: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    proc.once('message', (m) => resolve(m as T));
    proc.send(message);
  });
}

async function updateCost(seconds: number, rounds: number, rate: number): Promise<void> {
  const proc = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { url } = await new Promise<{ url: string }>((resolve) =>
    proc.once('message', (m) => resolve(m as { url: string })),
  );
  const browser = await launchBrowser();
  const load = (duration: number): Promise<{ done: number }> =>
    new Promise((resolve) => {
      const on = (m: unknown): void => {
        if ((m as { done?: number }).done === undefined) return;
        proc.off('message', on);
        resolve(m as { done: number });
      };
      proc.on('message', on);
      proc.send({ rate, seconds: duration });
    });
  type Cpu = { cpu: NodeJS.CpuUsage; at: number };
  const serverCpu = async (during: Promise<unknown>): Promise<number> => {
    const a = await ask<Cpu>(proc, 'cpu');
    await during;
    const b = await ask<Cpu>(proc, 'cpu');
    const us = b.cpu.user + b.cpu.system - (a.cpu.user + a.cpu.system);
    return us / 1000 / ((b.at - a.at) / 1000); // ms of CPU per second
  };
  console.log(
    `\n| round | dashboard | tasks/s | server CPU ms/s | browser script ms/s | layout + style ms/s | all browser main-thread tasks ms/s |\n| --: | :-- | --: | --: | --: | --: | --: |`,
  );
  for (let round = 1; round <= rounds; round++) {
    for (const view of ['none', 'top', 'failure list'] as const) {
      const open = view !== 'none';
      const page = open
        ? await browser.newPage({ viewport: { width: 1400, height: 1000 } })
        : undefined;
      let cdp: CDPSession | undefined;
      if (page !== undefined) {
        await page.goto(`${url}/`);
        await page.waitForFunction(() => {
          const d = (globalThis as unknown as { workpoolDashboard?: { received(): number } })
            .workpoolDashboard;
          return d !== undefined && d.received() > 0;
        });
        if (view === 'failure list') await page.locator('#failures').scrollIntoViewIfNeeded();
        cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable');
      }
      const metrics = async (): Promise<Record<string, number>> => {
        if (cdp === undefined) return {};
        const { metrics } = (await cdp.send('Performance.getMetrics')) as {
          metrics: { name: string; value: number }[];
        };
        return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
      };
      const m0 = await metrics();
      const t0 = performance.now();
      let answered = 0;
      const running = load(seconds).then((r) => {
        answered = r.done;
      });
      const cpu = await serverCpu(running);
      const elapsed = (performance.now() - t0) / 1000;
      const m1 = await metrics();
      const per = (...k: string[]): string =>
        cdp === undefined
          ? '—'
          : ((k.reduce((n, x) => n + (m1[x] ?? 0) - (m0[x] ?? 0), 0) * 1000) / elapsed).toFixed(1);
      console.log(
        `| ${round} | ${open ? `open, ${view}` : 'none'} | ${Math.round(answered / elapsed)} | ${cpu.toFixed(0)} | ${per('ScriptDuration')} | ${per('LayoutDuration', 'RecalcStyleDuration')} | ${per('TaskDuration')} |`,
      );
      await page?.close();
    }
  }
  await browser.close();
  proc.send('stop');
  await new Promise((resolve) => proc.once('exit', resolve));
}

if (process.argv.includes('--child')) {
  await child();
} else {
  await weight();
  await sampling();
  await updateCost(arg('seconds', 15), arg('rounds', 2), arg('rate', 1000));
}
