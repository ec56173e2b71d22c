import { dashboardScript } from './client.js';

/**
 * The dashboard: one static page. Figures at the top (readable across a room while a
 * load test runs), uPlot charts of the last minutes below, a per-task table at the end.
 * Data comes from `/events` (Server-Sent Events): the history on connect, then one sample
 * per interval. No build step, no framework: the page is this string plus `client.ts`.
 */
export const dashboardHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>workpool</title>
<style>
  :root { --bg: #0f1419; --panel: #182029; --text: #e6e6e6; --dim: #8b98a5; --ok: #4caf50; --bad: #ef5350; --warn: #ffb300; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--text); }
  header { display: flex; align-items: center; gap: 16px; padding: 12px 20px; border-bottom: 1px solid #253040; }
  header h1 { margin: 0; font-size: 18px; font-weight: 600; }
  .pill { padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; }
  .pill.ok { background: #1b3d1f; color: var(--ok); } .pill.bad { background: #4a1c1c; color: var(--bad); }
  .pill.idle { background: #2a3340; color: var(--dim); }
  #health-error { color: var(--bad); font-size: 12px; }
  main { padding: 16px 20px; }
  .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; margin-bottom: 16px; }
  .figure { background: var(--panel); border-radius: 8px; padding: 10px 14px; }
  .figure .label { color: var(--dim); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
  .figure .value { font-size: 30px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .figure .unit { color: var(--dim); font-size: 13px; margin-left: 3px; }
  .figure.alert .value { color: var(--bad); }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
  .chart { background: var(--panel); border-radius: 8px; padding: 8px; min-height: 250px; }
  .uplot { color: var(--text); } .u-title { font-size: 13px !important; font-weight: 600 !important; }
  .u-legend { font-size: 12px; } .u-legend th { font-weight: 400; }
  table { width: 100%; border-collapse: collapse; margin-top: 16px; background: var(--panel); border-radius: 8px; font-variant-numeric: tabular-nums; }
  th, td { padding: 6px 12px; text-align: right; border-bottom: 1px solid #253040; }
  th:first-child, td:first-child { text-align: left; } th { color: var(--dim); font-weight: 500; }
</style>
</head>
<body>
<header>
  <h1>workpool</h1>
  <span id="health" class="pill idle">connecting</span>
  <span id="health-error"></span>
  <span style="flex:1"></span>
  <span id="updated" style="color:var(--dim);font-size:12px"></span>
</header>
<main>
  <section class="figures">
    <div class="figure"><div class="label">Throughput</div><span class="value" id="f-throughput">–</span><span class="unit">/s</span></div>
    <div class="figure"><div class="label">p50</div><span class="value" id="f-p50">–</span><span class="unit">ms</span></div>
    <div class="figure"><div class="label">p95</div><span class="value" id="f-p95">–</span><span class="unit">ms</span></div>
    <div class="figure"><div class="label">p99</div><span class="value" id="f-p99">–</span><span class="unit">ms</span></div>
    <div class="figure"><div class="label">Queue</div><span class="value" id="f-queued">–</span></div>
    <div class="figure"><div class="label">Running</div><span class="value" id="f-running">–</span></div>
    <div class="figure"><div class="label">Threads</div><span class="value" id="f-threads">–</span></div>
    <div class="figure" id="fig-rejected"><div class="label">Refused (503)</div><span class="value" id="f-rejected">–</span><span class="unit">/s</span></div>
    <div class="figure" id="fig-errors"><div class="label">Errors</div><span class="value" id="f-errors">–</span><span class="unit">/s</span></div>
    <div class="figure"><div class="label">Completed</div><span class="value" id="f-completed">–</span></div>
  </section>
  <section class="charts">
    <div class="chart" id="c-throughput"></div>
    <div class="chart" id="c-latency"></div>
    <div class="chart" id="c-load"></div>
    <div class="chart" id="c-tasks"></div>
    <div class="chart" id="c-task-latency"></div>
  </section>
  <table id="tasks">
    <thead><tr><th>Task</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>errors/s</th><th>503/s</th><th>completed</th></tr></thead>
    <tbody></tbody>
  </table>
</main>
<script>${dashboardScript}</script>
</body>
</html>
`;
