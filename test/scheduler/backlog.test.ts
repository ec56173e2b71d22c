import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backlog } from '../../src/scheduler/backlog.js';
import { normalizeTaskOptions } from '../../src/scheduler/options.js';
import { DELAYED, TaskRecord } from '../../src/scheduler/task.js';

const plain = { agingInterval: Number.POSITIVE_INFINITY, weights: undefined, maxPerKey: Infinity };
let nextId = 1;

function record(priority = 0, key?: string): TaskRecord<string> {
  const options = normalizeTaskOptions(key === undefined ? { priority } : { priority, key });
  const id = nextId++;
  const r = new TaskRecord(id, `t${id}`, options, () => {}, false);
  r.since = id;
  return r;
}

function ids(records: readonly TaskRecord<string>[]): number[] {
  return records.map((r) => r.id);
}

test('given-back records go first; delayed ones are counted apart and never shifted', () => {
  const backlog = new Backlog<string>(plain);
  const low = record(0);
  const high = record(5);
  const back = record(-1);
  const later = record(9);
  backlog.push(low);
  backlog.push(high);
  backlog.giveBack(back);
  later.state = DELAYED;
  backlog.delay(later);
  assert.equal(backlog.size, 3);
  assert.equal(backlog.delayed, 1);
  assert.deepEqual([backlog.shift(), backlog.shift(), backlog.shift()], [back, high, low]);
  assert.equal(backlog.shift(), undefined);
  assert.deepEqual(backlog.delayedRecords(), [later]);
  backlog.remove(later);
  assert.equal(backlog.delayed, 0);
});

test('remove takes a record out of the queue or the given-back list', () => {
  const backlog = new Backlog<string>(plain);
  const [a, b, c, d] = [record(), record(), record(), record()];
  backlog.push(a);
  backlog.push(b);
  backlog.giveBack(c);
  backlog.giveBack(d);
  backlog.remove(b);
  backlog.remove(c);
  assert.equal(backlog.size, 2);
  assert.deepEqual(ids(backlog.takeQueued()), ids([d, a]));
  assert.equal(backlog.size, 0);
});

test('the first keyed record turns the queue fair, keeping what was queued', () => {
  const backlog = new Backlog<string>(plain);
  const a1 = record(0);
  const a2 = record(0);
  const b1 = record(0, 'b');
  backlog.push(a1);
  backlog.push(a2);
  backlog.push(b1);
  // Deficit round robin: the unkeyed share and key `b` take turns.
  assert.deepEqual(ids(backlog.takeQueued()), ids([a1, b1, a2]));
});

test('the drop victim comes from the queue only', () => {
  const backlog = new Backlog<string>(plain);
  const old = record(3);
  const young = record(1);
  backlog.giveBack(record(-9));
  backlog.push(old);
  backlog.push(young);
  assert.equal(backlog.victim('drop-oldest', 0), old);
  assert.equal(backlog.victim('drop-lowest', 2), young);
  assert.equal(backlog.victim('drop-lowest', 1), undefined);
  assert.equal(backlog.victim('wait', 9), undefined);
});
