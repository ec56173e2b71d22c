// `workpool serve` with a task module that cannot load: nothing listens, exit 2, the reason on stderr.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtures, runCli } from './helpers.js';

test('workpool serve with a missing module exits 2 and says why', async () => {
  const r = await runCli(['serve', './no/such/module.js', '--port', '0', '--threads', '1']);
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stdout, /serving/);
  assert.match(r.stderr, /cannot load.*no\/such\/module\.js/);
});

test('workpool serve with a module that throws at import exits 2 and says why', async () => {
  const r = await runCli([
    'serve',
    `${fixtures}../../fixtures/throws-at-import.js`,
    '--port',
    '0',
    '--threads',
    '1',
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot load/);
});
