/**
 * The package as a user gets it: `npm pack`, installed into a fresh project, imported by
 * name. Needs `dist/` (npm test builds before it runs the tests).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('npm pack installs into another project and imports by name', { timeout: 180_000 }, () => {
  if (!existsSync(join(root, 'dist', 'index.js')))
    execFileSync('npm', ['run', 'build'], { cwd: root });
  const dir = mkdtempSync(join(tmpdir(), 'workpool-pack-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack made no tarball');
    const project = join(dir, 'project');
    execFileSync('mkdir', [project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'user', type: 'module', private: true }),
    );
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent', join(dir, tarball)],
      { cwd: project },
    );
    writeFileSync(join(project, 'tasks.js'), 'export function square(n) { return n * n; }\n');
    writeFileSync(
      join(project, 'main.js'),
      `import { Pool, ThreadPool, Channel, WaitGroup, select, ErrGroup, TaskTimeoutError } from 'workpool';
import { transfer } from 'workpool/task';
const pool = new Pool({ concurrency: 2 });
const ch = new Channel(1);
await ch.send(3);
const { value } = await ch.receive();
const wg = new WaitGroup();
wg.add(1);
const sum = await pool.run(() => { wg.done(); return value + 1; });
await wg.wait();
const threads = new ThreadPool({ module: new URL('./tasks.js', import.meta.url), maxThreads: 1 });
const squared = await threads.run('square', 7);
await threads.close();
await pool.close();
console.log(JSON.stringify({ sum, squared, select: typeof select, group: typeof ErrGroup, error: new TaskTimeoutError(1).code, transfer: typeof transfer }));
`,
    );
    const out = execFileSync(process.execPath, ['main.js'], { cwd: project, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), {
      sum: 4,
      squared: 49,
      select: 'function',
      group: 'function',
      error: 'ERR_TASK_TIMEOUT',
      transfer: 'function',
    });
    const cli = execFileSync(join(project, 'node_modules', '.bin', 'workpool'), ['--help'], {
      encoding: 'utf8',
    });
    assert.match(cli, /run/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
