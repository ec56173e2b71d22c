import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Spinner } from '../../src/executors/thread/protocol.js';

/** A Spinner on a fake clock: each poll advances it by `step` ms; `turn()` starts a new event-loop turn. */
function fake(micros: number, step: number, answer: () => boolean) {
  let now = 0;
  let pending: (() => void) | undefined;
  let polls = 0;
  const spinner = new Spinner(
    micros,
    () => now,
    (fn) => {
      pending = fn;
    },
  );
  const poll = (): boolean => {
    polls++;
    now += step;
    return answer();
  };
  return {
    spin: () => spinner.spin(poll),
    polls: () => polls,
    turn: () => {
      pending?.();
      pending = undefined;
    },
  };
}

test('spin 0 never polls', () => {
  const s = fake(0, 0.001, () => true);
  assert.equal(s.spin(), false);
  assert.equal(s.polls(), 0);
});

test('a spin returns as soon as the poll succeeds', () => {
  const s = fake(50, 0.001, () => true);
  assert.equal(s.spin(), true);
  assert.equal(s.polls(), 1);
});

test('a spin gives up after `micros`, then skips 1, 2, 4 ... spins (up to 64); a success resets that', () => {
  let answer = false;
  // 125 µs in steps of 1/32 ms: binary fractions, so the fake clock adds up exactly.
  const s = fake(125, 1 / 32, () => answer);
  const polled: boolean[] = [];
  for (let i = 0; i < 12; i++) {
    const before = s.polls();
    assert.equal(s.spin(), false);
    polled.push(s.polls() > before);
    s.turn(); // a new turn each time: only the back-off decides
  }
  // spin, skip 1, spin, skip 2, spin, skip 4, spin
  const expected = [true, false, true, false, false, true, false, false, false, false, true, false];
  assert.deepEqual(polled, expected);
  assert.equal(s.polls(), 4 * 4, 'each spin polled for 125 µs in 31.25 µs steps');
  // Skip the remaining 7 of the 8, then succeed: the back-off starts again at 1.
  for (let i = 0; i < 7; i++) s.spin();
  answer = true;
  assert.equal(s.spin(), true);
  answer = false;
  s.spin();
  const before = s.polls();
  s.spin(); // skipped once only
  assert.equal(s.polls(), before);
  s.spin();
  assert.ok(s.polls() > before);
});

test('at most 1 ms of a turn of the event loop goes to spinning', () => {
  const s = fake(50, 0.25, () => true);
  let successes = 0;
  while (s.spin()) successes++;
  assert.equal(successes, 4, 'spins at 0, 0.25, 0.5 and 0.75 ms; none from 1 ms');
  const before = s.polls();
  assert.equal(s.spin(), false);
  assert.equal(s.polls(), before, 'no poll once the turn has spun 1 ms');
  s.turn();
  assert.equal(s.spin(), true, 'the next turn spins again');
});
