/**
 * The cluster dashboard (`serve({ cluster })`) in headless Chromium over real parts (a
 * redis-server, two worker processes): the page renders both hosts as rows, and clicking
 * its actions acts on the cluster (retry a failed job, pause and resume the queue, cancel
 * a CPU-bound job running in another process); screenshots at desktop and phone width go
 * to the test output directory (`DASHBOARD_SCREENSHOTS`, else the system's temp dir), not
 * the repo. Waits are on the page's state or Redis's, bounded, never sleeps.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import type { Browser, Page } from 'playwright-core';
import { DistributedPool } from '../../src/distributed/index.js';
import { TaskCancelledError } from '../../src/index.js';
import { type ClusterServer, serve } from '../../src/server/index.js';
import type { Browserish } from '../server/page-checks.js';
import { launchBrowser } from '../support/browser.js';
import { queueName, startWorkerProcess, type Tasks, until, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

const shots = process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), 'workpool-dashboard');
const queue = queueName('page');
let redis: TestRedis;
const workers: WorkerProcess[] = [];
let pool: DistributedPool<Tasks>;
let server: ClusterServer;
let bull: Queue;
let browser: Browser;
let dir: string;

before(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'workpool-cluster-page-'));
  for (let i = 0; i < 2; i++)
    workers.push(
      await startWorkerProcess(redis.url, queue, ['--threads', '1', '--heartbeat', '500']),
    );
  pool = new DistributedPool<Tasks>({ connection: redis.connection, queue });
  await pool.ready();
  server = await serve({
    cluster: { connection: redis.connection, queue },
    port: 0,
    sampleInterval: 100,
  });
  bull = new Queue(queue, { connection: redis.connection });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await bull?.close();
  await pool?.close({ timeout: 2000 });
  for (const w of workers) await w.kill();
  await redis?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function open(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  page.setDefaultTimeout(60_000);
  await page.addInitScript({ content: 'globalThis.__name = function (f) { return f; };' });
  await page.goto(`${server.url}/`);
  // Both hosts render as live rows.
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.querySelectorAll(
        '#hosts tbody [data-host-status="live"]',
      ).length === 2,
  );
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => {
    const doc = (globalThis as unknown as Browserish).document;
    for (const panel of doc.querySelectorAll('.panel.lazy'))
      (panel as unknown as { style: { contentVisibility: string } }).style.contentVisibility =
        'visible';
  });
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

test('the cluster page: host rows, and its actions act on the cluster', async () => {
  await Promise.all(Array.from({ length: 5 }, (_, i) => pool.run('add', { a: i, b: 1 })));
  const failed = await pool.submit('flaky', { dir, failures: 1 });
  await assert.rejects(failed.result, /attempt 1 fails/);

  const page = await open(1280);
  const cells = await page.$$eval('#hosts tbody td', (tds) => tds.map((td) => td.textContent));
  for (const w of workers) assert.ok(cells.includes(String(w.pid)), `a row for pid ${w.pid}`);
  assert.equal(await page.$('#a-drain'), null, 'no drain on a cluster');
  assert.equal(await page.$('#a-resize'), null, 'no resize on a cluster');

  // Retry the failed job from the task list: it runs again and completes.
  // The list loads while it is on screen.
  await page.locator('#failures-panel').scrollIntoViewIfNeeded();
  const retry = `button[data-retry="${failed.id}"]`;
  await page.waitForSelector(retry);
  await page.click(retry);
  await page.waitForFunction(() =>
    /Retry task .*: done/.test(
      (globalThis as unknown as Browserish).document.getElementById('action-result')?.textContent ??
        '',
    ),
  );
  await until(
    'the retried job completes',
    async () => (await bull.getJobState(failed.id)) === 'completed',
  );

  // Pause: the queue is paused (the page's mode says so); resume: running again.
  await page.click('#a-pause');
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.getElementById('mode')?.textContent ===
      'paused',
  );
  assert.equal(await bull.isPaused(), true);
  await page.click('#a-resume');
  await page.waitForFunction(
    () =>
      (globalThis as unknown as Browserish).document.getElementById('mode')?.textContent ===
      'running',
  );
  assert.equal(await bull.isPaused(), false);

  // Cancel a CPU-bound job running on a worker process, from the in-flight list.
  const task = await pool.submit('forever');
  await until('the job runs', async () => (await bull.getJobState(task.id)) === 'active');
  await page.click('#inflight-panel summary');
  const cancel = `button[data-cancel="${task.id}"]`;
  await page.waitForSelector(cancel);
  await shoot(page, 'cluster-desktop-1280.png');
  await page.click(cancel);
  await assert.rejects(task.result, TaskCancelledError);
  await page.waitForFunction(() =>
    /Cancel task .*: done \(signalled\)/.test(
      (globalThis as unknown as Browserish).document.getElementById('action-result')?.textContent ??
        '',
    ),
  );
  await page.close();

  const phone = await open(390);
  const overflow = await phone.evaluate(() => {
    const doc = (globalThis as unknown as Browserish).document as unknown as {
      documentElement: { scrollWidth: number; clientWidth: number };
    };
    return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
  });
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
  await shoot(phone, 'cluster-phone-390.png');
  await phone.close();
});
