// `spin` defaults to 50 µs, but to 0 when the process may use one core only: there both ends
// of a channel share that core, and a spinning pool only keeps its thread from running.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

const script = `
import { availableParallelism } from 'node:os';
import { normalizeThreadPoolOptions } from './src/pool/thread-options.ts';
const o = normalizeThreadPoolOptions({ module: new URL('file:///x.js') });
const given = normalizeThreadPoolOptions({ module: new URL('file:///x.js'), spin: 7 });
console.log(JSON.stringify({ cores: availableParallelism(), spin: o.spin, given: given.spin }));`;

function spinIn(pin: readonly string[]): { cores: number; spin: number; given: number } {
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
  const [file, ...args] = [...pin, ...node] as [string, ...string[]];
  return JSON.parse(execFileSync(file, args, { encoding: 'utf8' }));
}

test('spin: 0 by default on one core (taskset -c 0), the option wins when given', () => {
  const pinned = spinIn(['taskset', '-c', '0']);
  assert.deepEqual(pinned, { cores: 1, spin: 0, given: 7 });
});

test('spin: 50 by default with more than one core', (t) => {
  const free = spinIn([]);
  if (free.cores === 1) t.diagnostic('this machine has one core: the pinned test covers it');
  assert.equal(free.spin, free.cores > 1 ? 50 : 0);
  assert.equal(free.given, 7);
});
