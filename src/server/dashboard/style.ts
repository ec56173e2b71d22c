/**
 * The dashboard's stylesheet. Phone first: figures wrap in a grid, charts take the full
 * width below 460 px, wide tables scroll inside their own box, so the page itself never
 * scrolls sideways.
 */
export const dashboardStyle = `
:root { --bg: #0f1419; --panel: #182029; --line: #253040; --text: #e6e6e6; --dim: #9aa7b4; --ok: #5cc461; --bad: #ff6b68; --warn: #ffb300; --accent: #42a5f5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--text); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; padding: 10px 16px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 18px; font-weight: 600; }
h2 { font-size: 15px; font-weight: 600; margin: 0 0 8px; display: inline; }
.grow { flex: 1; }
#updated { color: var(--dim); font-size: 12px; }
.pill { padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.pill.ok { background: #1b3d1f; color: var(--ok); } .pill.bad { background: #4a1c1c; color: var(--bad); }
.pill.warn { background: #43360c; color: var(--warn); } .pill.idle { background: #2a3340; color: var(--dim); }
#health-error { color: var(--bad); font-size: 12px; overflow-wrap: anywhere; }
main { padding: 12px 16px; max-width: 1600px; margin: 0 auto; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(118px, 1fr)); gap: 8px; margin-bottom: 10px; }
.figure { background: var(--panel); border-radius: 8px; padding: 8px 12px; min-width: 0; }
.figure .label { color: var(--dim); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.figure .value { font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .unit { color: var(--dim); font-size: 13px; margin-left: 3px; }
.figure.alert .value { color: var(--bad); }
.panel { background: var(--panel); border-radius: 8px; padding: 10px 12px; margin-bottom: 12px; min-width: 0; contain: layout paint; }
/* Below the fold: laid out only when scrolled to (a table re-rendered each second costs nothing unseen). */
.panel.lazy { content-visibility: auto; contain-intrinsic-size: auto 500px; }
.bar { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 6px; }
.range { display: flex; flex-wrap: wrap; gap: 4px 14px; }
.range label { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.range input { min-height: 0; margin: 0; }
.buttons { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 6px; }
.resize { display: inline-flex; gap: 6px; align-items: center; }
button, input, select { font: inherit; color: var(--text); background: #223040; border: 1px solid #34465a; border-radius: 6px; padding: 6px 12px; min-height: 36px; }
button { cursor: pointer; } button:hover { border-color: var(--accent); }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
#threads-input { width: 5.5em; }
#action-result { margin: 8px 0 0; min-height: 1.4em; overflow-wrap: anywhere; }
#action-result.ok { color: var(--ok); } #action-result.bad { color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 440px), 1fr)); gap: 10px; }
.chart { background: #141b23; border-radius: 6px; padding: 6px; min-height: 240px; min-width: 0; overflow: hidden; contain: layout paint; }
.uplot { color: var(--text); } .u-title { font-size: 13px !important; font-weight: 600 !important; }
.u-legend { font-size: 12px; } .u-legend th { font-weight: 400; }
.scroll { overflow-x: auto; max-width: 100%; margin-top: 8px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--dim); padding: 4px 0; font-size: 12px; }
th, td { padding: 5px 10px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; } th { color: var(--dim); font-weight: 500; }
td.text { text-align: left; max-width: 28em; overflow: hidden; text-overflow: ellipsis; }
td.err { color: var(--bad); } .err { color: var(--bad); }
.status.live { color: var(--ok); } .status.stale { color: var(--warn); } .status.gone { color: var(--dim); }
h1 .sub { color: var(--dim); font-weight: 400; }
td button { min-height: 28px; padding: 2px 10px; }
pre.stack { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: 12px; color: var(--dim); text-align: left; }
details summary { cursor: pointer; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 8px; }
.filters label { display: inline-flex; gap: 6px; align-items: center; }
.filters input { width: 10em; }
#logout button { padding: 2px 10px; min-height: 28px; }
@media (max-width: 460px) {
  main { padding: 8px; }
  .figure .value { font-size: 22px; }
  .chart { min-height: 200px; }
}
`;
