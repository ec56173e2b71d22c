/**
 * The packages as users install them (test/package/scratch.ts): the core alone brings no
 * other package and its integrations name the peer to install; with the CLI package every
 * entry of `exports` imports, the core's import loads nothing third-party, the `workpool`
 * bin runs, and a consumer's .ts is type-checked against the shipped .d.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { typecheck } from '../support/tsc.js';
import { installed, node, type Packed, packAll, project, readJson, root } from './scratch.js';

interface Manifest {
  name: string;
  version: string;
  description: string;
  engines?: { node?: string };
  sideEffects?: unknown;
  types?: string;
  bin?: Record<string, string>;
  exports: Record<string, string | { types?: string; import?: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Entries that need no other package at run time. */
const standalone = ['.', './task', './opentelemetry'];
/**
 * The peers each integration entry needs (its MissingPeerError names one of them). An entry
 * of `exports` in neither list fails the test: say what it needs.
 */
const integrations: Record<string, string[]> = {
  './prometheus': ['prom-client'],
  './server': ['fastify', 'prom-client', 'uplot'],
  './cli': ['commander', 'cli-progress', 'pngjs', 'fastify', 'prom-client', 'uplot'],
  './distributed': ['bullmq', 'ioredis'],
};
const importable = (m: Manifest): string[] =>
  Object.keys(m.exports).filter((e) => e !== './package.json');

let packed: Packed;
let core: Manifest;
before(() => {
  packed = packAll();
});
after(() => packed?.cleanup());

describe('the packed core', () => {
  let app: string;
  before(() => {
    app = project(packed.dir, 'core-only', [packed.core]);
    core = readJson<Manifest>(join(app, 'node_modules', 'workpool', 'package.json'));
  });

  test('package.json: engines, sideEffects, types, exports, no dependencies', () => {
    assert.equal(core.name, 'workpool');
    assert.equal(core.engines?.node, '>=20');
    assert.deepEqual(core.sideEffects, ['./dist/cli/entry.js', './dist/cli/main.js']);
    assert.equal(core.types, './dist/index.d.ts');
    assert.equal(core.dependencies, undefined, 'the core depends on nothing');
    assert.equal(core.bin, undefined, 'the bin is the CLI package’s');
    assert.match(core.description, /BullMQ\/Redis \(workpool\/distributed\)/, 'the mode is there');
    for (const peer of Object.keys(core.peerDependencies ?? {}))
      assert.equal(core.peerDependenciesMeta?.[peer]?.optional, true, `${peer} is optional`);
    for (const entry of ['.', './task', './prometheus', './opentelemetry', './server', './cli'])
      assert.ok(entry in core.exports, entry);
    for (const entry of importable(core))
      assert.ok(standalone.includes(entry) || entry in integrations, `${entry}: needs what?`);
    const shipped = new Set(packed.coreFiles);
    for (const [entry, spec] of Object.entries(core.exports)) {
      const files = typeof spec === 'string' ? [spec] : [spec.import, spec.types];
      for (const file of files)
        assert.ok(file !== undefined && shipped.has(file.slice(2)), `${entry}: ${file} shipped`);
    }
    assert.ok(shipped.has(core.types.slice(2)));
  });

  test('ships dist/, README and LICENSE, and no source maps pointing at unshipped src/', () => {
    for (const file of ['README.md', 'LICENSE', 'package.json', 'dist/index.js'])
      assert.ok(packed.coreFiles.includes(file), file);
    assert.deepEqual(
      packed.coreFiles.filter((f) => f.endsWith('.map') || f.startsWith('src/')),
      [],
    );
  });

  test('an application using only the core installs no other package', () => {
    assert.deepEqual(installed(app), ['workpool']);
    assert.deepEqual(readdirSync(join(app, 'node_modules')).sort(), [
      '.package-lock.json',
      'workpool',
    ]);
  });

  test('the core entries import; each integration names the package it needs', () => {
    const probe = `
      const out = {};
      for (const entry of ${JSON.stringify(importable(core))}) {
        const name = 'workpool' + entry.slice(1);
        try { out[entry] = Object.keys(await import(name)).length; }
        catch (e) { out[entry] = { code: e.code, package: e.package, packages: e.packages, entry: e.entry, message: e.message }; }
      }
      console.log(JSON.stringify(out));`;
    const r = node(app, ['--input-type=module', '-e', probe]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, number | Record<string, string>>;
    for (const entry of standalone)
      assert.equal(typeof out[entry], 'number', `${entry}: ${JSON.stringify(out[entry])}`);
    for (const entry of importable(core).filter((e) => !standalone.includes(e))) {
      const needs = integrations[entry] ?? [];
      const error = out[entry] as unknown as {
        code: string;
        package: string;
        packages: string[];
        entry: string;
        message: string;
      };
      assert.equal(error.code, 'ERR_MISSING_PEER', `${entry}: ${JSON.stringify(error)}`);
      assert.ok(needs.includes(error.package), `${entry} named ${error.package}`);
      // Every missing package at once (none is installed here), so one install is enough.
      assert.deepEqual(error.packages, needs, entry);
      assert.equal(error.entry, `workpool${entry.slice(1)}`);
      const install = entry === './cli' ? 'workpool-cli' : needs.join(' ');
      assert.ok(error.message.endsWith(`run \`npm install ${install}\``), error.message);
    }
  });
});

describe('the core with the CLI package', () => {
  let app: string;
  before(() => {
    app = project(packed.dir, 'with-cli', [packed.core, packed.cli]);
  });

  test('the CLI package: its bin, and the core it depends on is this version', () => {
    const cli = readJson<Manifest>(join(app, 'node_modules', 'workpool-cli', 'package.json'));
    assert.deepEqual(cli.bin, { workpool: './bin/workpool.js' });
    assert.deepEqual([...packed.cliFiles].sort(), [
      'LICENSE',
      'README.md',
      'bin/workpool.js',
      'package.json',
    ]);
    assert.equal(
      cli.dependencies?.workpool,
      readJson<Manifest>(join(root, 'package.json')).version,
    );
    for (const peer of Object.keys(
      readJson<Manifest>(join(root, 'package.json')).peerDependencies ?? {},
    ))
      if (peer !== '@opentelemetry/api') assert.ok(cli.dependencies?.[peer], `brings ${peer}`);
  });

  test('every entry of exports imports', () => {
    const probe = `
      const out = {};
      for (const entry of ${JSON.stringify(importable(core).filter((e) => e !== './cli'))}) {
        out[entry] = Object.keys(await import('workpool' + entry.slice(1))).sort();
      }
      const { createRequire } = await import('node:module');
      out['./package.json'] = createRequire(import.meta.url)('workpool/package.json').name;
      console.log(JSON.stringify(out));`;
    const r = node(app, ['--input-type=module', '-e', probe]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, string[] | string>;
    for (const name of ['Pool', 'ThreadPool', 'Channel', 'MissingPeerError'])
      assert.ok(out['.']?.includes(name), name);
    assert.ok(out['./task']?.includes('transfer'));
    assert.ok(out['./opentelemetry']?.includes('instrumentPool'));
    assert.ok(out['./prometheus']?.includes('registerPoolMetrics'));
    assert.ok(out['./server']?.includes('serve'));
    assert.equal(out['./package.json'], 'workpool');
    // `workpool/cli` is the command itself: importing it runs it on process.argv.
    const cli = node(app, ['cli-import.mjs', '--version']);
    assert.deepEqual([cli.code, cli.stdout.trim()], [0, core.version], cli.stderr);
  });

  test('importing Pool and ThreadPool loads no third-party module, though all are installed', () => {
    const r = node(app, ['--import', './record.mjs', 'core-only.mjs'], '', {
      RECORD_TO: join(app, 'record.json'),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '49 3');
    const { resolved, commonjs } = readJson<{ resolved: string[]; commonjs: string[] }>(
      join(app, 'record.json'),
    );
    const own = `file://${join(app, 'node_modules', 'workpool')}/`;
    const foreign = resolved.filter(
      (url) =>
        !url.startsWith('node:') &&
        !url.startsWith(own) &&
        url.startsWith(`file://${join(app, 'node_modules')}/`),
    );
    assert.deepEqual(foreign, [], 'only the core, node: builtins and the app itself');
    assert.ok(resolved.includes(`${own}dist/index.js`), 'the hook saw the import');
    assert.deepEqual(commonjs, [], 'no CommonJS module loaded');
  });

  test('the workpool bin: --help, and a run over JSON Lines', () => {
    const bin = join(app, 'node_modules', '.bin', 'workpool');
    const help = node(app, [bin, '--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['run', 'images', 'serve'])
      assert.match(help.stdout, new RegExp(command));
    const run = node(app, [bin, 'run', 'tasks.js', 'square', '--ordered', '-q'], '3\n4\n');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      [
        { line: 1, ok: true, value: 9 },
        { line: 2, ok: true, value: 16 },
      ],
    );
  });

  test('a consumer type-checks against the shipped .d.ts; a wrong input type does not', () => {
    const check = (file: string) =>
      typecheck(file, { cwd: app, flags: ['--exactOptionalPropertyTypes'] });
    const ok = check('consumer-ok.ts');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const bad = check('consumer-bad.ts');
    assert.notEqual(bad.code, 0, 'a string where square takes a number compiled');
    assert.match(bad.stdout, /consumer-bad\.ts\(7,\d+\): error TS2345:.*'string'.*'number'/);
  });
});
