// Type tests: this file must compile (`tsc`); each @ts-expect-error marks a call the types reject.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Channel } from '../../src/sync/channel.js';
import { type Selected, select } from '../../src/sync/select.js';

type Equal<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_: T): void {}

test('select types: raw outcomes are discriminated by index', async () => {
  const nums = new Channel<number>(1);
  const strs = new Channel<string>(1);
  await strs.send('s');
  const r = await select([{ receive: nums }, { send: nums, value: 1 }, { receive: strs }]);
  expectType<
    Equal<
      typeof r,
      | { index: 0; value: number; ok: true }
      | { index: 0; value: undefined; ok: false }
      | { index: 1 }
      | { index: 2; value: string; ok: true }
      | { index: 2; value: undefined; ok: false }
    >
  >(true);
  if (r.index === 2 && r.ok) {
    const s: string = r.value;
    assert.ok(typeof s === 'string');
  }
  const d = await select([{ receive: nums }, { default: () => 'none' as const }]);
  expectType<Equal<typeof d, Selected<[{ receive: Channel<number> }]> | 'none'>>(true);
});

test('select types: body parameters come from their channel; send values are checked', async () => {
  const nums = new Channel<number>(1);
  await nums.send(2);
  const out = await select([
    {
      receive: nums,
      do: (r) => {
        expectType<Equal<typeof r.value, number | undefined>>(true);
        return r.value;
      },
    },
    { send: nums, value: 3, do: () => 0 },
  ]);
  assert.ok(out === 2 || out === 0);
  if (nums.length === 0) await nums.send(5);
  const mixed = await select([{ receive: nums, do: (r) => r.value }, { receive: nums }]);
  assert.ok(mixed !== 'impossible');
  // @ts-expect-error a string cannot go into a Channel<number> (raw form)
  const bad1 = () => select([{ send: nums, value: 'x' }]);
  // @ts-expect-error a string cannot go into a Channel<number> (body form)
  const bad2 = () => select([{ send: nums, value: 'x', do: () => 1 }]);
  assert.equal(typeof bad1 + typeof bad2, 'functionfunction');
});
