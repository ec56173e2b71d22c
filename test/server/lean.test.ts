// `workpool/server` loads bullmq and ioredis only for `serve({ cluster })`: importing it
// (and serving a local pool) resolves neither, though both are installed. Recorded by the
// package test's loader hooks, in a child process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode } from '../support/children.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('importing workpool/server resolves no bullmq or ioredis', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'workpool-lean-'));
  try {
    const record = join(dir, 'record.json');
    const script =
      "const { serve } = await import('./src/server/index.ts');" +
      "const s = await serve({ module: './test/server/fixtures/tasks.ts', port: 0, threads: 1 });" +
      "await fetch(s.url + '/stats'); await s.close(); console.log('ok');";
    const r = await runNode(
      [
        '--import',
        'tsx',
        '--import',
        './test/package/fixtures/record.mjs',
        '--input-type=module',
        '-e',
        script,
      ],
      { cwd: root, env: { ...process.env, RECORD_TO: record } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
    const { resolved } = JSON.parse(readFileSync(record, 'utf8')) as { resolved: string[] };
    assert.ok(
      resolved.some((u) => u.includes('/node_modules/fastify/')),
      'the hooks saw the server load',
    );
    assert.deepEqual(
      resolved.filter((u) => /\/node_modules\/(bullmq|ioredis)\//.test(u)),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
