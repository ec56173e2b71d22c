// No circle in src/'s import graph (issue 15, point 2): a module can be read, tested and
// moved after the ones it imports. Type-only imports count (see test/support/imports.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { circles, importGraph, relativeImports } from '../support/imports.js';

test('src/ has no import cycle', () => {
  const graph = importGraph('src');
  assert.ok(graph.size > 100, `read ${graph.size} files`);
  assert.ok(graph.get('scheduler/scheduler.ts')?.includes('scheduler/backlog.ts'));
  assert.deepEqual(circles(graph), []);
});

test('the parser reads every form of import, types and re-exports included, not comments', () => {
  const source = [
    "import { a } from './a.js';",
    "import type { B } from '../b.js';",
    'import {',
    '  type C,',
    '  d,',
    "} from './c.js';",
    "export { e } from './e.js';",
    "export type * from './f.js';",
    "import './side-effect.js';",
    "const lazy = () => import('./lazy.js');",
    "// import { x } from './commented.js';",
    "/* import { y } from './block.js'; */",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(relativeImports(source), [
    './a.js',
    '../b.js',
    './c.js',
    './e.js',
    './f.js',
    './side-effect.js',
    './lazy.js',
  ]);
});

test('circles finds a circle of three, and a file importing itself', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts', 'd.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', []],
    ['e.ts', ['e.ts']],
  ]);
  assert.deepEqual(circles(graph), [['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
});
