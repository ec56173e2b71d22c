// The thread's side of the protocol, driven directly (no pool): what it replies and when.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { bootstrap, prepare } from '../../src/executors/thread/bootstrap.js';
import {
  ANNOUNCE,
  CLAIMS,
  CONSUMED,
  cellCount,
  type FromWorker,
  READY,
  RESULTS,
  RUN,
  STOLEN,
  taskCode,
  type WorkerData,
} from '../../src/executors/thread/protocol.js';
import { fixture, SharedGate } from './helpers.js';

const RING = 64;

/** Starts the in-thread entry on the gate fixture; resolves once it is READY. */
async function start(): Promise<{
  worker: Worker;
  port: MessagePort;
  cells: Int32Array;
  index: (name: string) => number;
  next: () => Promise<FromWorker>;
}> {
  const data = prepare(fixture('gate.ts'));
  if (data instanceof Error) throw data;
  const shared = new SharedArrayBuffer(cellCount(RING) * 4);
  const { port1, port2 } = new MessageChannel();
  const workerData: WorkerData = {
    ...data,
    shared,
    port: port2,
    concurrency: 1,
    ring: RING,
    spin: 0,
  };
  const worker = new Worker(bootstrap, { eval: true, workerData, transferList: [port2] });
  const next = async (): Promise<FromWorker> => (await once(port1, 'message'))[0] as FromWorker;
  const ready = await next();
  assert.equal(ready[0], READY);
  const names = ready[1] as string[];
  return {
    worker,
    port: port1,
    cells: new Int32Array(shared),
    index: (name) => names.indexOf(name),
    next,
  };
}

test('a timed task sent ahead is announced when it begins, though no result is held', {
  timeout: 20_000,
}, async () => {
  const t = await start();
  const first = new SharedGate();
  const second = new SharedGate();
  const code = t.index('waitAsyncOrAbort');
  // Task 1 is timed and began on arrival; task 2 is timed and was sent ahead.
  t.port.postMessage([
    RUN,
    1,
    taskCode(code, 0),
    first.sab,
    1,
    2,
    taskCode(code, ANNOUNCE),
    second.sab,
    1,
  ]);
  await first.started();
  first.open();
  assert.deepEqual(await t.next(), [RESULTS, 1, 0, 'released'], 'task 1 replies at once');
  // Task 2 never ends on its own: only the announcement tells the pool that it began.
  assert.deepEqual(await t.next(), [RESULTS], 'task 2 is announced');
  assert.equal(Atomics.load(t.cells, CONSUMED), 2);
  await t.worker.terminate();
});

test('a task whose claim was stolen is passed over without a reply', {
  timeout: 20_000,
}, async () => {
  const t = await start();
  const ok = t.index('ok');
  Atomics.store(t.cells, CLAIMS + 1, STOLEN);
  t.port.postMessage([
    RUN,
    1,
    taskCode(ok, 0),
    'a',
    1,
    2,
    taskCode(ok, 0),
    'b',
    1,
    3,
    taskCode(ok, 0),
    'c',
    1,
  ]);
  assert.deepEqual(await t.next(), [RESULTS, 1, 0, 'a']);
  assert.deepEqual(await t.next(), [RESULTS, 3, 0, 'c'], 'each result goes at once, alone');
  assert.equal(Atomics.load(t.cells, CONSUMED), 3, 'the stolen task is counted as passed');
  assert.deepEqual(
    [...t.cells.subarray(CLAIMS, CLAIMS + 3)],
    [1, STOLEN, 1],
    'the others are TAKEN',
  );
  await t.worker.terminate();
});
