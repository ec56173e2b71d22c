import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from '../../src/index.js';
import { type ServeOptions, serve } from '../../src/server/index.js';
import { normalizeServeOptions } from '../../src/server/options.js';
import { tasksModule } from './helpers.js';

/** `serve()` with options its type does not allow, as a JavaScript caller can give. */
const serveAny = (options: Record<string, unknown>): Promise<unknown> =>
  serve(options as ServeOptions);

test('an unknown option is a TypeError naming it and the valid ones, and nothing starts', async () => {
  for (const [key, value] of [
    ['maxThreads', 2],
    ['prot', 0],
  ] as const) {
    await assert.rejects(serveAny({ module: tasksModule, port: 0, threads: 1, [key]: value }), {
      name: 'TypeError',
      message: new RegExp(`^Unknown option \`${key}\`; expected one of: module, pool, .*threads`),
    });
  }
});

test('an unknown key of `cluster` is a TypeError naming `cluster.<key>`, before Redis is tried', () => {
  assert.throws(
    () =>
      normalizeServeOptions({
        cluster: { connection: 'redis://127.0.0.1:1', queue: 'q', quue: 'typo' },
      } as unknown as ServeOptions),
    {
      name: 'TypeError',
      message:
        'Unknown option `cluster.quue`; expected one of: connection, queue, prefix, readyTimeout, timeout',
    },
  );
});

test('`pool` must be a ThreadPool: a Pool is a TypeError naming `pool` that says so', async () => {
  const pool = new Pool();
  try {
    await assert.rejects(serveAny({ pool, port: 0 }), {
      name: 'TypeError',
      message: /^Expected `pool` to be a ThreadPool .*got a Pool$/,
    });
    await assert.rejects(serveAny({ pool: 'threads', port: 0 }), {
      name: 'TypeError',
      message: /^Expected `pool` to be a ThreadPool .*got `"threads"` \(string\)$/,
    });
  } finally {
    await pool.close();
  }
});
