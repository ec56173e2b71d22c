// A job's state in a thread, without threads: every move of job-state.ts, legal and
// illegal, and the exactly-once rules of ThreadJobs over a plain Int32Array standing in for
// the cells shared with a thread (the test plays the thread: it counts CONSUMED and claims).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobMoveError } from '../../src/errors.js';
import {
  JobEntry,
  MOVES,
  move,
  S,
  STATES,
  type StateName,
} from '../../src/executors/thread/job-state.js';
import type { Shape } from '../../src/executors/thread/placement.js';
import { CLAIMS, CONSUMED, cellCount, STOLEN, TAKEN } from '../../src/executors/thread/protocol.js';
import type { ThreadPayload } from '../../src/executors/thread/thread.js';
import { ThreadJobs } from '../../src/executors/thread/thread-jobs.js';
import type { Job } from '../../src/types.js';

const TERMINAL: StateName[] = ['settled', 'recalled', 'stolen', 'killed'];

let nextId = 1;
function job(transfer = false): Job<ThreadPayload> {
  return {
    id: nextId++,
    payload: { name: 'x', input: undefined, transfer: transfer ? [] : undefined },
    attempt: 1,
    signal: new AbortController().signal,
    timed: false,
  };
}

function entryIn(state: StateName): JobEntry {
  const e = new JobEntry(job());
  e.state = S[state];
  return e;
}

test('every move the table lists is allowed, each with a one-line contract', () => {
  let legal = 0;
  for (const from of STATES)
    for (const [to, contract] of Object.entries(MOVES[from])) {
      assert.ok(STATES.includes(to as StateName), `${from} → ${to}: a state`);
      assert.ok(typeof contract === 'string' && contract.length > 0 && !contract.includes('\n'));
      const e = entryIn(from);
      move(e, S[to as StateName]);
      assert.equal(e.state, S[to as StateName]);
      legal++;
    }
  assert.equal(legal, 24, 'the number of legal moves (update with the table)');
});

test('every move the table does not list throws JobMoveError, and the state stays', () => {
  let illegal = 0;
  for (const from of STATES)
    for (const to of STATES) {
      if (MOVES[from][to] !== undefined) continue;
      const e = entryIn(from);
      assert.throws(
        () => move(e, S[to]),
        (error: unknown) =>
          error instanceof JobMoveError &&
          error.code === 'ERR_JOB_MOVE' &&
          error.job === e.job.id &&
          error.from === from &&
          error.to === to &&
          error.message.includes(`from ${from} to ${to}`),
        `${from} → ${to}`,
      );
      assert.equal(e.state, S[from]);
      illegal++;
    }
  assert.equal(illegal, STATES.length * STATES.length - 24);
});

test('terminal states allow no move: a job ends once', () => {
  for (const from of TERMINAL) {
    assert.deepEqual(Object.keys(MOVES[from]), [], from);
    for (const to of STATES) assert.throws(() => move(entryIn(from), S[to]), JobMoveError);
  }
  // Every state but `placed` (which is left at once) can end, one way or another.
  for (const from of STATES)
    if (!TERMINAL.includes(from) && from !== 'placed')
      assert.ok(
        Object.keys(MOVES[from]).some((to) => TERMINAL.includes(to as StateName)),
        `${from} can end`,
      );
});

// ---- ThreadJobs: the owner of a thread's jobs -------------------------------------------

/** perWorker 1, prefetch 1. */
const shape: Shape = { perWorker: 1, depth: 2, ring: 64 };

function thread(): { jobs: ThreadJobs; cells: Int32Array; take(): void } {
  const cells = new Int32Array(cellCount(shape.ring));
  let taken = 0;
  return {
    jobs: new ThreadJobs(cells, shape),
    cells,
    /** The thread takes its next task: claims it, counts it CONSUMED. */
    take() {
      Atomics.compareExchange(cells, CLAIMS + (taken++ & (shape.ring - 1)), 0, TAKEN);
      Atomics.add(cells, CONSUMED, 1);
    },
  };
}

function sendNew(jobs: ThreadJobs): JobEntry {
  const e = jobs.place(job());
  jobs.send(e);
  return e;
}

const never = (): void => assert.fail('not expected');

test('a job sent to an idle thread begins on arrival; the next waits, then begins when CONSUMED reaches it', () => {
  const t = thread();
  const a = sendNew(t.jobs);
  const b = sendNew(t.jobs);
  assert.equal(a.state, S.started);
  assert.equal(b.state, S.sent);
  assert.equal(t.jobs.queued, 1);
  t.take();
  const begun: number[] = [];
  assert.equal(
    t.jobs.consume((j) => begun.push(j.id)),
    false,
  );
  assert.equal(begun.length, 0, 'the first began on arrival: counted, not reported again');
  t.take();
  t.jobs.consume((j) => begun.push(j.id));
  assert.deepEqual(begun, [b.job.id]);
  assert.equal(b.state, S.started);
});

test('a result settles once: a second reply, or one after the job was recalled or killed, is dropped', () => {
  const t = thread();
  const a = sendNew(t.jobs);
  assert.equal(t.jobs.reply(a.job.id, false), a);
  assert.equal(a.state, S.settled);
  assert.equal(t.jobs.reply(a.job.id, false), undefined, 'a second result');

  const b = sendNew(t.jobs); // begins on arrival
  const c = sendNew(t.jobs); // waits
  const back: number[] = [];
  t.jobs.steal(Number.POSITIVE_INFINITY, S.recalled, (j) => back.push(j.id));
  assert.deepEqual(back, [c.job.id]);
  assert.equal(c.state, S.recalled);
  assert.equal(t.cells[CLAIMS + 2], STOLEN, 'its claim is the pool’s: the thread passes over it');
  assert.equal(
    t.jobs.reply(c.job.id, false),
    undefined,
    'a recalled job is never settled by its thread',
  );

  const [gone] = t.jobs.exited();
  assert.equal(gone, b);
  assert.equal(b.state, S.killed, 'it began: its thread ended under it');
  assert.equal(t.jobs.reply(b.job.id, false), undefined, 'a result after the kill is dropped');
  assert.equal(t.jobs.placed, 0);
});

test('a stop before the job is known to begin: CANCEL, no kill timer until taken; SKIPPED gives it back', () => {
  const t = thread();
  sendNew(t.jobs);
  const b = sendNew(t.jobs);
  assert.equal(t.jobs.stop(b), S.cancelled);
  assert.equal(t.jobs.stop(b), undefined, 'stopped once: no second CANCEL');
  assert.equal(t.jobs.watched, 0);
  // A cancelled job is left to its thread: neither stolen nor promoted.
  t.jobs.steal(1, S.stolen, never);
  t.jobs.promote(1, never);
  t.take();
  t.take();
  assert.equal(t.jobs.consume(never), true, 'taken: the kill timer runs');
  assert.equal(b.state, S.skipping);
  assert.equal(t.jobs.watched, 1);
  assert.equal(t.jobs.reply(b.job.id, true), b);
  assert.equal(b.state, S.recalled, 'skipped, never reported begun: requeued');
  assert.equal(t.jobs.watched, 0);
});

test('a stop of a running job arms the kill timer; SKIPPED after began was reported settles it', () => {
  const t = thread();
  const a = sendNew(t.jobs);
  assert.equal(t.jobs.stop(a), S.stopping);
  assert.equal(t.jobs.watched, 1);
  assert.equal(t.jobs.reply(a.job.id, true), a);
  assert.equal(a.state, S.settled);
  assert.equal(t.jobs.watched, 0);
});

test('a parked job is sent only where it begins on arrival; a stop takes it back unsent', () => {
  const t = thread();
  const a = sendNew(t.jobs); // runs
  const moved = t.jobs.place(job(true));
  t.jobs.park(moved);
  assert.equal(t.jobs.nextParked(), undefined, 'a transfer does not wait in the thread');
  assert.equal(t.jobs.stop(moved), S.recalled);
  assert.equal(t.jobs.parked, 0);
  const again = t.jobs.place(job(true));
  t.jobs.park(again);
  t.jobs.reply(a.job.id, false);
  assert.equal(t.jobs.nextParked(), again, 'the slot is free now');
  assert.equal(t.jobs.send(again), true);
  assert.equal(again.state, S.started);
});

test('exited: what the thread never took is recalled, what it took is killed, in placement order', () => {
  const t = thread();
  const runs = sendNew(t.jobs);
  const taken = sendNew(t.jobs);
  const cancelled = sendNew(t.jobs);
  t.jobs.stop(cancelled);
  const parked = t.jobs.place(job());
  t.jobs.park(parked);
  t.take();
  t.take(); // `taken` was taken, but the pool had not read CONSUMED when the thread died
  const all = t.jobs.exited();
  assert.deepEqual(all, [runs, taken, cancelled, parked]);
  assert.deepEqual(
    all.map((e) => e.state),
    [S.killed, S.killed, S.recalled, S.recalled],
  );
  assert.equal(t.jobs.placed, 0);
  assert.equal(t.jobs.queued, 0);
});

test('an input that cannot be sent settles its job and frees its claim index for the next', () => {
  const t = thread();
  sendNew(t.jobs);
  const b = sendNew(t.jobs);
  const unpassed = t.jobs.unpassed;
  t.jobs.unsendable(b);
  assert.equal(b.state, S.settled);
  assert.equal(t.jobs.unpassed, unpassed - 1);
  assert.equal(t.jobs.queued, 0);
  assert.throws(() => t.jobs.unsendable(b), JobMoveError, 'settled once');
});
