/**
 * The one state of a job inside a thread, and every move it may make: the place where
 * the exactly-once rules of a thread live (ARCHITECTURE.md, "Exactly once across a
 * thread"). A job is in exactly one state; `move` is the only way to change it, and a move
 * the table does not list throws `JobMoveError`. The terminal states (settled, recalled,
 * stolen, killed) allow no move: a job that ended one way cannot end another, so a result
 * read after its job was recalled or killed cannot settle it (the job has left its
 * thread's table, `ThreadJobs`), and a recalled job is never also settled by its thread.
 *
 * The scheduler hears of a job's life through one hook per move into `started`
 * (`began`), `settled` and `killed` (`finished`, after `killed` for a kill), `recalled`
 * (`requeued`); `stolen` hands it to another thread, where it is placed again.
 */
import { JobMoveError } from '../../errors.js';
import type { Job } from '../../types.js';
import type { ThreadPayload } from './payload.js';

/**
 * The states, in the order of their numbers. A `JobEntry` holds the number and `move` tests
 * one bit of a table compiled from MOVES (test/thread/job-state.test.ts checks every bit
 * against MOVES): with the names as the state, two keyed lookups a move made a job's
 * cycle through ThreadJobs ~1.7x as long (an in-process loop, 3 runs each).
 */
export const STATES = [
  'placed',
  'parked',
  'sent',
  'started',
  'cancelled',
  'skipping',
  'stopping',
  'settled',
  'recalled',
  'stolen',
  'killed',
] as const;
export type StateName = (typeof STATES)[number];
/** A state's number. */
export type JobState = number;
/** Each state's number by name: `S.sent`. */
export const S = Object.freeze(
  Object.fromEntries(STATES.map((name, i) => [name, i])) as { [K in StateName]: JobState },
);

/** From each state, the states it may move to, each with its one-line contract. */
export const MOVES: { readonly [F in StateName]: { readonly [T in StateName]?: string } } = {
  placed: {
    parked: 'it may not be sent yet (transferred input, or parked jobs ahead): kept unsent here',
    sent: 'posted to wait in the thread behind what it runs; its begin is learned later',
    started: 'posted where it begins on arrival (a slot free, nothing waits): began is reported',
  },
  parked: {
    sent: 'a slot freed: posted to wait in the thread (it has no transferred input)',
    started: 'a slot freed and nothing waits: posted to begin on arrival; began is reported',
    recalled: 'taken back unsent (stop, pause, resize down, its thread ended): requeued',
    stolen: 'taken unsent by an idle thread, where it is placed again',
  },
  sent: {
    started: 'the thread counted it CONSUMED, or freed slots show it began: began is reported',
    cancelled: 'stopped before it was known to begin: CANCEL posted, began is never reported',
    recalled:
      'its claim turned STOLEN by the pool (pause, resize down), or its thread ended before taking it: requeued',
    stolen: 'its claim turned STOLEN for an idle thread, where it is placed again',
    settled: 'its input could not be cloned: finished with DataCloneError',
    killed:
      'its thread took it, then ended before the pool read that: finished with WorkerCrashedError',
  },
  started: {
    stopping: 'stopped while it runs: CANCEL posted, its thread is killed if it outlives killGrace',
    settled: 'its result arrived (or its input could not be cloned): finished with it',
    killed:
      'its thread ended while it ran: finished with WorkerCrashedError (after killed, for a kill)',
  },
  cancelled: {
    skipping:
      'its thread took it (to skip it, or it began just before the CANCEL): the kill timer runs',
    recalled: 'its thread ended before taking it: requeued',
    killed:
      'its thread took it, then ended before the pool read that: finished with WorkerCrashedError',
  },
  skipping: {
    recalled: 'SKIPPED: it never ran; requeued (the scheduler, which stopped it, forgets it)',
    settled: 'it began before its CANCEL arrived: finished with its result',
    killed: 'its thread ended first: finished with WorkerCrashedError',
  },
  stopping: {
    settled: 'its result arrived, or SKIPPED after began was reported: finished, its slot freed',
    killed: 'its thread was killed past killGrace (or ended): killed, then WorkerCrashedError',
  },
  settled: {},
  recalled: {},
  stolen: {},
  killed: {},
};

/** Bit `to` of `ALLOWED[from]` is set when MOVES lists from → to. */
const ALLOWED = Int32Array.from(STATES, (from) =>
  Object.keys(MOVES[from]).reduce((bits, to) => bits | (1 << S[to as StateName]), 0),
);

/** A job placed on a thread, with its state. */
export class JobEntry {
  state: JobState = S.placed;
  constructor(readonly job: Job<ThreadPayload>) {}
}

/** Moves `entry` to `to`, or throws `JobMoveError` if MOVES does not allow it. */
export function move(entry: JobEntry, to: JobState): void {
  if ((((ALLOWED[entry.state] ?? 0) >> to) & 1) === 0)
    throw new JobMoveError(entry.job.id, nameOf(entry.state), nameOf(to));
  entry.state = to;
}

/** The name of state number `state`. */
export function nameOf(state: JobState): string {
  return STATES[state] ?? `#${state}`;
}

/** States in which a stop was asked and the job was taken by its thread: the kill timer runs. */
export function watched(state: JobState): boolean {
  return state === S.stopping || state === S.skipping;
}
