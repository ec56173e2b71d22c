import { dashboardScript } from './client.js';
import { dashboardStyle } from './style.js';

export interface PageOptions {
  /** Hide the actions (the server refuses them anyway). */
  readonly readOnly: boolean;
  /** A token guards the server: offer to sign out. */
  readonly token: boolean;
  /**
   * A whole cluster (`serve({ cluster })`): worker hosts as rows with their status, the
   * queue's actions only (pause, resume, cancel, retry), no figures Redis does not keep.
   */
  readonly cluster?: boolean;
}

/** What only a cluster page shows. */
const onlyInCluster: ReadonlySet<string> = new Set(['c-jobs']);

/** What a cluster page leaves out: figures a queue does not keep, charts of names and keys. */
const notInCluster: ReadonlySet<string> = new Set([
  'retrying',
  'timedOut',
  'cancelled',
  'dropped',
  'refused',
  'c-throughput',
  'c-tasks',
  'c-task-latency',
  'c-keys',
]);

const states: readonly [id: string, label: string, title: string][] = [
  ['waiting', 'Waiting', 'Queued, or sent to a thread and not begun'],
  ['running', 'Running', 'Begun and not ended'],
  ['delayed', 'Delayed', 'Failed an attempt, waiting out the retry backoff'],
  ['retrying', 'Retrying', 'Running an attempt after the first'],
  ['completed', 'Completed', 'Since the start'],
  ['failed', 'Failed', 'Since the start'],
  ['timedOut', 'Timed out', 'Since the start'],
  ['cancelled', 'Cancelled', 'Since the start'],
  ['dropped', 'Dropped', 'Evicted from a full queue, since the start'],
  ['refused', 'Refused', 'HTTP requests answered 503 per second (overload, drain)'],
];

const rates: readonly [id: string, label: string, unit: string][] = [
  ['throughput', 'Throughput', '/s'],
  ['p50', 'p50', 'ms'],
  ['p95', 'p95', 'ms'],
  ['p99', 'p99', 'ms'],
  ['utilization', 'Utilization', '%'],
  ['threads', 'Threads', ''],
];

const charts: readonly [id: string, label: string][] = [
  ['c-throughput', 'Outcomes per second'],
  ['c-jobs', 'Jobs ended per second'],
  ['c-latency', 'Latency percentiles (queue and run), ms'],
  ['c-load', 'Waiting, running, delayed and threads'],
  ['c-util', 'Utilization, percent of task slots'],
  ['c-tasks', 'Completed per second by task'],
  ['c-task-latency', 'p95 latency by task, ms'],
  ['c-keys', 'Completed per second by key'],
];

const card = (id: string, label: string, unit: string, title = ''): string =>
  `<div class="figure" id="fig-${id}"${title === '' ? '' : ` title="${title}"`}><div class="label" id="l-${id}">${label}</div><span class="value" id="f-${id}" aria-labelledby="l-${id}">–</span>${unit === '' ? '' : `<span class="unit">${unit}</span>`}</div>`;

const table = (id: string, caption: string, head: readonly string[]): string =>
  `<div class="scroll"><table id="${id}"><caption>${caption}</caption><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody></tbody></table></div>`;

const partHead = [
  '',
  'completed/s',
  'failed/s',
  'timed out/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'waiting',
  'running',
  'completed',
  'failed',
];

const controls = (
  cluster: boolean,
): string => `<section class="panel" id="controls" aria-labelledby="h-controls">
  <h2 id="h-controls">Actions</h2>
  <div class="buttons">
    <button type="button" id="a-pause">Pause</button>
    <button type="button" id="a-resume">Resume</button>
    ${
      cluster
        ? ''
        : `<button type="button" id="a-drain" title="Refuse new tasks (503) until resumed; accepted work runs">Drain</button>
    <span class="resize"><label for="threads-input">Threads</label>
    <input id="threads-input" type="number" min="1" max="1024" step="1" inputmode="numeric" required>
    <button type="button" id="a-resize">Resize</button></span>`
    }
  </div>
  <p id="action-result" role="status" aria-live="polite"></p>
</section>`;

/**
 * The dashboard: one static page. State counts and figures at the top (readable across a
 * room), actions, charts of the last minutes or the last hour, tables per worker host, per
 * task name and per key, the tasks in flight, and the list of recent failures. Data comes
 * from `/events` (Server-Sent Events: the kept history on connect, then one point per
 * sample) and `/api/...`. No build step, no framework: this string, `style.ts`, `client.ts`.
 */
export function dashboardHtml(options: PageOptions): string {
  const cluster = options.cluster === true;
  const config = JSON.stringify({ readOnly: options.readOnly, cluster });
  const shown = <T extends readonly [string, ...string[]]>(list: readonly T[]): readonly T[] =>
    list.filter(([id]) => (cluster ? !notInCluster.has(id) : !onlyInCluster.has(id)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>workpool${cluster ? ' cluster' : ''}</title>
<link rel="icon" href="data:,">
<style>${dashboardStyle}</style>
</head>
<body>
<header>
  <h1>workpool${cluster ? ' <span class="sub">cluster</span>' : ''}</h1>
  <span id="health" class="pill idle" role="status" aria-label="health">connecting</span>
  <span id="mode" class="pill idle" aria-label="mode">–</span>
  ${options.readOnly ? '<span class="pill idle" id="read-only">read-only</span>' : ''}
  <span id="health-error"></span>
  <span class="grow"></span>
  <span id="updated"></span>
  ${options.token ? '<form method="post" action="/logout" id="logout"><button type="submit">Sign out</button></form>' : ''}
</header>
<main>
  <section class="figures" aria-label="Task states">${shown(states)
    .map(([id, label, title]) => card(id, label, id === 'refused' ? '/s' : '', title))
    .join('')}</section>
  <section class="figures" aria-label="Throughput and latency">${rates.map(([id, label, unit]) => card(id, label, unit)).join('')}</section>
  ${options.readOnly ? '' : controls(cluster)}
  <section class="panel" aria-labelledby="h-charts">
    <div class="bar"><h2 id="h-charts">History</h2>
      <div role="radiogroup" aria-label="Time range" class="range">
        <label><input type="radio" name="range" value="fine" checked> Last minutes</label>
        <label><input type="radio" name="range" value="coarse"> Last hour</label>
      </div></div>
    <div class="charts">${shown(charts)
      .map(([id, label]) => `<div class="chart" id="${id}" role="img" aria-label="${label}"></div>`)
      .join('')}</div>
  </section>
  ${
    cluster
      ? `<section class="panel lazy" aria-labelledby="h-tables"><h2 id="h-tables">Worker hosts</h2>
    ${table('hosts', 'Each host of the queue: live, stale (late heartbeat) or gone', ['Host', 'pid', 'status', 'threads', 'running', 'jobs/s', 'completed', 'failed', 'last seen', 'health'])}
  </section>`
      : `<section class="panel lazy" aria-labelledby="h-tables"><h2 id="h-tables">Hosts, tasks and keys</h2>
    ${table('hosts', 'Worker hosts', ['Host', 'threads', 'running', 'waiting', 'utilization', 'event loop', 'health'])}
    ${table('tasks', 'Per task name', ['Task', ...partHead.slice(1)])}
    ${table('keys', 'Per key (tenant, from x-task-key)', ['Key', ...partHead.slice(1)])}
  </section>`
  }
  <section class="panel lazy" aria-labelledby="h-inflight"><details id="inflight-panel"><summary><h2 id="h-inflight">In flight <span id="inflight-count"></span></h2></summary>
    ${table('inflight', 'Tasks waiting or running (oldest first)', ['Id', 'task', 'key', 'state', 'attempt', 'age ms', 'input', ''])}
  </details></section>
  <section class="panel lazy" id="failures-panel" aria-labelledby="h-failures"><h2 id="h-failures">Recent failures</h2>
    <form id="filters" class="filters" role="search" aria-label="Filter recent failures">
      <label>Task <input id="filter-name" name="name" list="names" autocomplete="off"></label><datalist id="names"></datalist>
      <label>Key <input id="filter-key" name="key" autocomplete="off"></label>
      <label>Outcome <select id="filter-outcome" name="outcome"><option value="">any</option><option value="failed">failed</option><option value="timedOut">timed out</option><option value="cancelled">cancelled</option><option value="dropped">dropped</option></select></label>
    </form>
    ${table('failures', 'Newest first', ['Id', 'ended', 'task', 'key', 'outcome', 'error', 'attempts', 'ms', 'input', ''])}
  </section>
</main>
<script id="config" type="application/json">${config}</script>
<script>${dashboardScript}</script>
</body>
</html>
`;
}
