// Exit code 2, before anything is written: bad options, task modules that do not load,
// unknown handlers, unreadable input. The message names the problem.
import assert from 'node:assert/strict';
import { linkSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tasks, tempDir } from './helpers.js';

const one = '{"n":1}\n';

describe('workpool run: exit code 2', () => {
  it('an unknown handler, naming it and the handlers the module has (threads)', async () => {
    const r = await runCli(['run', tasks, 'nope'], one);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Unknown handler "nope": task module .*tasks\.ts exports .*double/);
  });

  it('an unknown handler with --async', async () => {
    const r = await runCli(['run', tasks, 'nope', '--async'], one);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown handler "nope": .* exports .*double/);
  });

  it('a module that is not there', async () => {
    const r = await runCli(['run', './no/such/module.js', 'double'], one);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Task module not found: .*no\/such\/module\.js/);
  });

  it('a module that fails to load, threads and --async', async () => {
    const dir = tempDir();
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'export const x = ;\n');
    for (const extra of [[], ['--async']]) {
      const r = await runCli(['run', broken, 'double', ...extra], one);
      assert.equal(r.code, 2, extra.join(' '));
      assert.match(r.stderr, /Task module .*broken\.mjs failed to load.*Unexpected token/);
    }
  });

  it('a module that throws while loading', async () => {
    const dir = tempDir();
    const throws = join(dir, 'throws.mjs');
    writeFileSync(throws, 'throw new Error("no config");\nexport const f = () => 1;\n');
    const r = await runCli(['run', throws, 'f'], one);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /throws\.mjs failed to load.*no config/);
  });

  it('bad options, each named', async () => {
    const cases: [string[], RegExp][] = [
      [['--threads', '0'], /--threads <n>.*'0' is invalid.*integer from 1/],
      [['--threads', 'many'], /--threads <n>.*'many' is invalid/],
      [['--concurrency', '-1'], /--concurrency <n>.*'-1' is invalid/],
      [['--timeout', 'soon'], /--timeout <duration>.*'soon' is invalid.*duration/],
      [['--retries', '1.5'], /--retries <n>.*'1.5' is invalid/],
      [['--max-queue', 'x'], /--max-queue <n>.*'x' is invalid/],
      [['--rate', '100'], /--rate <limit\/interval>.*'100' is invalid.*100\/s/],
      [['--threads', '2', '--async'], /'-t, --threads <n>' cannot be used with option '--async'/],
      [['--bogus'], /unknown option '--bogus'/],
    ];
    for (const [extra, message] of cases) {
      const r = await runCli(['run', tasks, 'double', ...extra], one);
      assert.equal(r.code, 2, extra.join(' '));
      assert.match(r.stderr, message, extra.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('missing arguments and an unknown command', async () => {
    const missing = await runCli(['run', tasks]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'handler'/);
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  });

  it('an --input that does not exist', async () => {
    const r = await runCli(['run', tasks, 'double', '--input', 'no-such-jobs.jsonl']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot read --input no-such-jobs\.jsonl: no such file/);
  });

  it('an --output that cannot be written', async () => {
    const r = await runCli(['run', tasks, 'double', '--output', '/no/such/dir/out.jsonl'], one);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot write --output \/no\/such\/dir\/out\.jsonl/);
  });

  it('--output naming the --input file (or a hard link to it), with or without --resume: the input is kept', async () => {
    const dir = tempDir();
    const jobs = join(dir, 'jobs.jsonl');
    writeFileSync(jobs, one);
    const link = join(dir, 'link.jsonl');
    linkSync(jobs, link);
    for (const [output, extra] of [
      [jobs, []],
      [link, []],
      [jobs, ['--resume']],
    ] as const) {
      const r = await runCli([
        'run',
        tasks,
        'double',
        '--input',
        jobs,
        '--output',
        output,
        ...extra,
      ]);
      assert.equal(r.code, 2, `${output} ${extra.join(' ')}`);
      assert.match(r.stderr, /--input and --output are the same file/);
      assert.equal(readFileSync(jobs, 'utf8'), one);
    }
  });

  it('serve and worker name their flags, not the library options behind them', async () => {
    const serve = await runCli(['serve', tasks, '--token', 'short']);
    assert.equal(serve.code, 2);
    assert.match(
      serve.stderr,
      /^workpool: Expected --token to be a string of at least 8 characters/,
    );
    const worker = await runCli(['worker', tasks, '--redis', 'ftp://x', '--queue', 'q']);
    assert.equal(worker.code, 2);
    assert.match(
      worker.stderr,
      /^workpool: Expected --redis to be a redis:\/\/ or rediss:\/\/ URL/,
    );
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['run', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: workpool run/);
    // Hand-wrapped descriptions are not wrapped again (commander's default 80 columns
    // split them into one-word lines).
    const serve = await runCli(['serve', '--help']);
    assert.match(
      serve.stdout,
      /\nrequires --token \(bearer auth on every route but \/healthz; the dashboard has a login\n/,
    );
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  });
});
