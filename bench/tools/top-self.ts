/**
 * Top self-time functions of a V8 `.cpuprofile` (from `node --cpu-prof`, e.g.
 * `npm run bench -- --only pool/run-noop --reps 1 --profile workpool`):
 *
 *   node --import tsx bench/tools/top-self.ts bench/results/prof/<file>.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: top-self.ts <file.cpuprofile> [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time per node from samples and their time deltas (µs); fall back to hit counts.
const selfUs = new Map<number, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
for (let i = 0; i < samples.length; i++) {
  const id = samples[i];
  if (id === undefined) continue;
  selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0));
}
if (samples.length === 0) for (const n of profile.nodes) selfUs.set(n.id, n.hitCount ?? 0);

// Group by function (name + location), since one function appears under many call paths.
const byFunction = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (node === undefined) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where =
    url === '' ? '' : ` ${url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${lineNumber + 1}`;
  const key = `${functionName === '' ? '(anonymous)' : functionName}${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  total += us;
}
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
for (const [name, us] of top) {
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`,
  );
}
