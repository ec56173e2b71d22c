/**
 * The dashboard's browser script (plain ES2017, no build), inlined into the page. It loads
 * uPlot from `/assets`, opens `/events`, keeps the last `MAX` samples in column arrays
 * (uPlot's data shape) and redraws on each sample. `window.workpoolDashboard` exposes the
 * charts and the sample count for the browser test.
 *
 * Kept as a string: the project compiles TypeScript for Node (no DOM types) and ships
 * `dist/` only. No template literals or `${` inside it (it sits in one).
 */
export const dashboardScript = String.raw`
(function () {
  'use strict';
  var MAX = 300;
  var palette = ['#42a5f5', '#ab47bc', '#26a69a', '#ffa726', '#ec407a', '#9ccc65', '#7e57c2', '#29b6f6'];
  var cols = { t: [], thr: [], err: [], rej: [], p50: [], p95: [], p99: [], queued: [], running: [], threads: [] };
  var names = [];
  var perTask = {};
  var charts = {};
  var received = 0;
  var state = { charts: charts, received: function () { return received; }, last: null };
  window.workpoolDashboard = state;

  function el(id) { return document.getElementById(id); }
  function fmt(n) {
    if (n === null || n === undefined || isNaN(n)) return '–';
    if (n >= 10000) return Math.round(n).toLocaleString();
    if (n >= 100) return String(Math.round(n));
    if (n >= 10) return n.toFixed(1);
    return n.toFixed(2).replace(/\.?0+$/, '') || '0';
  }

  function load(cb) {
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/assets/uplot.css';
    document.head.appendChild(css);
    var js = document.createElement('script');
    js.src = '/assets/uplot.js';
    js.onload = cb;
    document.head.appendChild(js);
  }

  function width(id) { return Math.max(300, el(id).clientWidth - 16); }

  function make(id, title, series, yLabel) {
    var opts = {
      title: title, width: width(id), height: 210,
      scales: { x: { time: true } },
      series: [{}].concat(series.map(function (s, i) {
        return { label: s, stroke: palette[i % palette.length], width: 2, spanGaps: true,
          value: function (u, v) { return v === null ? '–' : fmt(v); } };
      })),
      axes: [
        { stroke: '#8b98a5', grid: { stroke: '#253040' } },
        { stroke: '#8b98a5', grid: { stroke: '#253040' }, size: 55, label: yLabel },
      ],
    };
    if (charts[id]) charts[id].destroy();
    charts[id] = new uPlot(opts, [[]].concat(series.map(function () { return []; })), el(id));
  }

  function build() {
    make('c-throughput', 'Throughput', ['completed/s', 'errors/s', '503/s'], 'per second');
    make('c-latency', 'Latency', ['p50', 'p95', 'p99'], 'ms');
    make('c-load', 'Queue and threads', ['queued', 'running', 'threads'], 'tasks');
    buildTasks();
  }

  function buildTasks() {
    var series = names.length ? names : ['(no tasks yet)'];
    make('c-tasks', 'Throughput per task', series, 'completed/s');
    make('c-task-latency', 'p95 latency per task', series, 'ms');
  }

  function push(s) {
    received++;
    cols.t.push(s.t / 1000);
    cols.thr.push(s.throughput); cols.err.push(s.errors); cols.rej.push(s.rejected);
    cols.p50.push(s.p50); cols.p95.push(s.p95); cols.p99.push(s.p99);
    cols.queued.push(s.queued); cols.running.push(s.running); cols.threads.push(s.threads);
    var fresh = false;
    Object.keys(s.tasks).forEach(function (n) {
      if (!perTask[n]) {
        perTask[n] = { thr: cols.t.slice(0, -1).map(function () { return null; }), p95: cols.t.slice(0, -1).map(function () { return null; }) };
        names.push(n); names.sort(); fresh = true;
      }
    });
    names.forEach(function (n) {
      var x = s.tasks[n];
      perTask[n].thr.push(x ? x.throughput : 0);
      perTask[n].p95.push(x ? x.p95 : null);
    });
    if (cols.t.length > MAX) {
      Object.keys(cols).forEach(function (k) { cols[k].shift(); });
      names.forEach(function (n) { perTask[n].thr.shift(); perTask[n].p95.shift(); });
    }
    state.last = s;
    return fresh;
  }

  function draw() {
    charts['c-throughput'].setData([cols.t, cols.thr, cols.err, cols.rej]);
    charts['c-latency'].setData([cols.t, cols.p50, cols.p95, cols.p99]);
    charts['c-load'].setData([cols.t, cols.queued, cols.running, cols.threads]);
    var thr = [cols.t];
    var lat = [cols.t];
    names.forEach(function (n) { thr.push(perTask[n].thr); lat.push(perTask[n].p95); });
    if (names.length === 0) {
      thr.push(cols.t.map(function () { return null; }));
      lat.push(cols.t.map(function () { return null; }));
    }
    charts['c-tasks'].setData(thr);
    charts['c-task-latency'].setData(lat);
  }

  function figures(s) {
    el('f-throughput').textContent = fmt(s.throughput);
    el('f-p50').textContent = fmt(s.p50);
    el('f-p95').textContent = fmt(s.p95);
    el('f-p99').textContent = fmt(s.p99);
    el('f-queued').textContent = fmt(s.queued);
    el('f-running').textContent = fmt(s.running);
    el('f-threads').textContent = s.threads + ' / ' + s.maxThreads;
    el('f-rejected').textContent = fmt(s.rejected);
    el('f-errors').textContent = fmt(s.errors);
    el('f-completed').textContent = fmt(s.totals.completed);
    el('fig-rejected').classList.toggle('alert', s.rejected > 0);
    el('fig-errors').classList.toggle('alert', s.errors > 0);
    var h = el('health');
    h.textContent = s.healthy ? 'healthy' : 'unhealthy';
    h.className = 'pill ' + (s.healthy ? 'ok' : 'bad');
    el('health-error').textContent = s.error || '';
    el('updated').textContent = 'updated ' + new Date(s.t).toLocaleTimeString();
    var rows = names.map(function (n) {
      var x = s.tasks[n] || { throughput: 0, p50: null, p95: null, p99: null, errors: 0, rejected: 0, completed: 0 };
      return '<tr><td>' + n.replace(/[&<>"]/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }) + '</td><td>' +
        [x.throughput, x.p50, x.p95, x.p99, x.errors, x.rejected, x.completed].map(fmt).join('</td><td>') + '</td></tr>';
    });
    document.querySelector('#tasks tbody').innerHTML = rows.join('');
  }

  function connect() {
    var source = new EventSource('/events');
    source.addEventListener('history', function (e) {
      Object.keys(cols).forEach(function (k) { cols[k] = []; });
      names = []; perTask = {};
      var list = JSON.parse(e.data);
      list.forEach(push);
      buildTasks();
      draw();
      if (list.length) figures(list[list.length - 1]);
    });
    source.onmessage = function (e) {
      var s = JSON.parse(e.data);
      if (push(s)) buildTasks();
      draw();
      figures(s);
    };
    source.onerror = function () {
      var h = el('health');
      h.textContent = 'disconnected';
      h.className = 'pill idle';
    };
  }

  load(function () {
    build();
    connect();
    window.addEventListener('resize', function () {
      Object.keys(charts).forEach(function (id) { charts[id].setSize({ width: width(id), height: 210 }); });
    });
  });
})();
`;
