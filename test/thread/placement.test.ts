// Placement and stealing decided without threads: plain objects stand in for them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  beginsOnArrival,
  choose,
  room,
  type Seat,
  type Shape,
  slotFree,
  stealCount,
  victimOf,
} from '../../src/executors/thread/placement.js';

/** perWorker 1, prefetch 1. */
const shape: Shape = { perWorker: 1, depth: 2, ring: 64 };

function seat(
  name: string,
  o: Partial<{
    online: boolean;
    fate: Seat['fate'];
    jobs: number;
    queued: number;
    parked: number;
    unpassed: number;
  }> = {},
): Seat & { name: string } {
  return {
    name,
    online: o.online ?? true,
    fate: o.fate,
    jobs: {
      placed: o.jobs ?? 0,
      queued: o.queued ?? 0,
      parked: o.parked ?? 0,
      unpassed: o.unpassed ?? 0,
    },
  };
}

test('room: the depth left, and never a claim-ring lap', () => {
  assert.equal(room(seat('a', { jobs: 1 }), shape), 1);
  assert.equal(room(seat('a', { jobs: 2 }), shape), 0);
  assert.equal(room(seat('a', { unpassed: 63 }), shape), 1, 'one entry left in the ring');
});

test('slotFree / beginsOnArrival: nothing waits inside and a slot is free', () => {
  assert.equal(beginsOnArrival(seat('idle'), shape), true);
  assert.equal(beginsOnArrival(seat('busy', { jobs: 1 }), shape), false);
  assert.equal(beginsOnArrival(seat('waits', { jobs: 2, queued: 1 }), shape), false);
  // A job placed on `t` and counted in jobs, asked about before it is sent:
  assert.equal(slotFree(seat('t', { jobs: 1 }).jobs, shape, 1), true);
  // Parked jobs keep a transfer from arriving ahead of them, though a slot is free.
  const parked = seat('p', { jobs: 1, queued: 1, parked: 1 });
  assert.equal(slotFree(parked.jobs, shape, 0), true);
  assert.equal(beginsOnArrival(parked, shape), false);
});

test('choose: the least busy thread online, wanted and with room; ties to the first', () => {
  const threads = [
    seat('starting', { online: false }),
    seat('retiring', { fate: 'retire' }),
    seat('full', { jobs: 2, queued: 1 }),
    seat('one', { jobs: 1 }),
    seat('other', { jobs: 1 }),
  ];
  assert.equal(choose(threads, shape, false)?.name, 'one');
  assert.equal(choose(threads.slice(0, 3), shape, false), undefined, 'no room anywhere');
});

test('choose: transferred input prefers a thread where it begins on arrival', () => {
  const busy = seat('busy', { jobs: 1 });
  const idle = seat('idle', { jobs: 0, parked: 0 });
  const parkedIdle = seat('parked', { jobs: 1, queued: 1, parked: 1 });
  assert.equal(choose([busy, idle], shape, true)?.name, 'idle');
  // Least busy (`parked`, 1 job vs 1) would tie; only `idle` lets it begin on arrival.
  assert.equal(choose([parkedIdle, busy, idle], shape, true)?.name, 'idle');
  // Without a transfer, the least busy wins regardless.
  assert.equal(choose([parkedIdle, seat('none', { jobs: 0 })], shape, false)?.name, 'none');
});

test('victimOf / stealCount: an idle thread takes half of the longest wait, within its room', () => {
  const thief = seat('thief');
  const short = seat('short', { jobs: 2, queued: 1 });
  const long = seat('long', { jobs: 2, queued: 1 });
  const wide: Shape = { perWorker: 1, depth: 8, ring: 64 };
  const longer = seat('longer', { jobs: 6, queued: 5 });
  assert.equal(victimOf(thief, [thief, short, longer], wide)?.name, 'longer');
  assert.equal(stealCount(thief, longer, wide), 3, 'ceil(5 / 2)');
  assert.equal(stealCount(seat('t', { unpassed: 63 }), longer, wide), 1, 'the ring bounds it');
  assert.equal(victimOf(thief, [thief, short, long], shape)?.name, 'short', 'ties to the first');
});

test('victimOf: no theft by a busy, waiting, starting or unwanted thread, nor from one', () => {
  const victim = seat('v', { jobs: 2, queued: 1 });
  for (const thief of [
    seat('busy', { jobs: 1 }),
    seat('waiting', { jobs: 1, queued: 1 }),
    seat('starting', { online: false }),
    seat('retiring', { fate: 'retire' }),
  ])
    assert.equal(victimOf(thief, [thief, victim], shape), undefined, thief.name);
  const thief = seat('thief');
  assert.equal(
    victimOf(thief, [thief, seat('killed', { fate: 'kill', queued: 1 })], shape),
    undefined,
  );
  assert.equal(victimOf(thief, [thief, seat('nothing', { jobs: 1 })], shape), undefined);
});
