// The one handler rule (src/task-module.ts), shared by the threads and the CLI's --async.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectHandlers } from '../../src/task-module.js';

const a = (): string => 'a';
const b = (): string => 'b';
const c = (): string => 'c';

test('named function exports, in order; values that are not functions are not handlers', () => {
  const { names, fns } = collectHandlers({ a, answer: 42, b, label: 'x' });
  assert.deepEqual(names, ['a', 'b']);
  assert.deepEqual(fns, [a, b]);
});

test("a default object adds its own functions; a named export keeps its name's place", () => {
  const fallback = Object.assign(Object.create({ inherited: c }), { b: c, c, n: 1 });
  const { names, fns } = collectHandlers({ default: fallback, a, b });
  assert.deepEqual(names, ['a', 'b', 'c']);
  assert.deepEqual(fns, [a, b, c]);
});

test('a default function is the handler `default`; no exports, no handlers', () => {
  assert.deepEqual(collectHandlers({ default: a }).names, ['default']);
  assert.deepEqual(collectHandlers({}).names, []);
  assert.deepEqual(collectHandlers({ default: null }).names, []);
});

test('names such as __proto__, constructor and toString are never looked up', () => {
  const ns = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
  assert.deepEqual(collectHandlers(ns).names, []);
  assert.deepEqual(collectHandlers({ default: {} }).names, []);
});
