/**
 * The dashboard's browser script (plain ES2017, no build), inlined into the page. It loads
 * uPlot from `/assets`, opens `/events` (the server's kept history on connect, then one
 * point per sample), and draws the series it is showing (fine: the last minutes; coarse:
 * the last hour). A window in which nothing finished has no percentiles (`null`), and a
 * missing stretch of time gets a `null` point: both are drawn as gaps, never as a line
 * across. Actions POST JSON to `/api/...` and show the answer. `window.workpoolDashboard`
 * exposes the charts and counters for the browser test.
 *
 * Kept as a string: the project compiles TypeScript for Node (no DOM types) and ships
 * `dist/` only. No template literals or `${` inside it (it sits in one).
 *
 * Over ~300 lines: it is one script the browser gets whole (charts, counters, lists,
 * actions, login); split, it would be pieces of one string glued back at build time.
 */
export const dashboardScript = String.raw`
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('config').textContent);
  var palette = ['#42a5f5', '#ef5350', '#ffa726', '#ab47bc', '#26a69a', '#9ccc65', '#7e57c2', '#29b6f6', '#ec407a', '#d4e157'];
  var points = { fine: [], coarse: [] };
  var LIMIT = { fine: 100000, coarse: 100000 };
  var view = 'fine';
  var charts = {};
  var shape = {};
  var received = 0;
  var draws = 0;
  var listed = -1;
  var state = {
    charts: charts, actions: [], columns: function (list, n, get) { return columns(list, n, get); },
    received: function () { return received; },
    draws: function () { return draws; },
    last: null,
  };
  window.workpoolDashboard = state;

  function el(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
  }
  function fmt(n) {
    if (n === null || n === undefined || isNaN(n)) return '–';
    if (n >= 10000) return Math.round(n).toLocaleString('en-US');
    if (n >= 100) return String(Math.round(n));
    if (n >= 10) return n.toFixed(1);
    return n.toFixed(2).replace(/\.?0+$/, '') || '0';
  }

  function count(n) { return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'); }

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

  // ---- charts ---------------------------------------------------------------------------

  function width(id) { return Math.max(160, el(id).clientWidth - 12); }
  function height() { return window.innerWidth < 460 ? 170 : 200; }

  // The y axis is as wide as its longest label, so labels never run into the plot.
  function ySize(u, values) {
    if (!values || values.length === 0) return 40;
    var longest = 0;
    values.forEach(function (v) { if (v && String(v).length > longest) longest = String(v).length; });
    return Math.ceil(longest * 7.5) + 18;
  }

  var defs = {
    'c-throughput': { title: 'Outcomes per second', unit: '/s',
      series: ['completed', 'failed', 'timed out', 'cancelled', 'dropped', 'refused (503)'],
      cols: function (p) { var r = p.rates; return [r.completed, r.failed, r.timedOut, r.cancelled, r.dropped, p.requests.refused]; } },
    // A queue keeps no timed-out, cancelled or refused counts apart from failed ones.
    'c-jobs': { title: 'Jobs ended per second', unit: '/s', series: ['completed', 'failed', 'retried'],
      cols: function (p) { return [p.rates.completed, p.rates.failed, p.retried]; } },
    'c-latency': { title: config.cluster ? 'Run time on the hosts, ms' : 'Latency (queue + run), ms', unit: 'ms', series: ['p50', 'p95', 'p99'],
      cols: function (p) { return [p.p50, p.p95, p.p99]; } },
    'c-load': { title: 'Waiting, running, delayed, threads', unit: '',
      series: config.cluster ? ['waiting', 'running', 'delayed', 'threads'] : ['waiting', 'running', 'delayed', 'retrying', 'threads'],
      cols: function (p) { return config.cluster ? [p.waiting, p.running, p.delayed, p.threads] : [p.waiting, p.running, p.delayed, p.retrying, p.threads]; } },
    'c-util': { title: 'Utilization, %', unit: '%', series: ['utilization'],
      cols: function (p) { return [Math.round(p.utilization * 1000) / 10]; } },
    'c-tasks': { title: 'Completed per second by task', unit: '/s', per: 'tasks',
      pick: function (x) { return x.rates.completed; } },
    'c-task-latency': { title: 'p95 latency by task, ms', unit: 'ms', per: 'tasks',
      pick: function (x) { return x.p95; } },
    'c-keys': { title: 'Completed per second by key', unit: '/s', per: 'keys',
      pick: function (x) { return x.rates.completed; } },
  };

  function namesOf(list, per) {
    var seen = {};
    list.forEach(function (p) { Object.keys(p[per]).forEach(function (n) { seen[n] = true; }); });
    return Object.keys(seen).sort();
  }

  function make(id, labels) {
    var d = defs[id];
    var opts = {
      title: d.title, width: width(id), height: height(),
      scales: { x: { time: true } },
      series: [{}].concat(labels.map(function (s, i) {
        return { label: s, stroke: palette[i % palette.length], width: 2, spanGaps: false,
          value: function (u, v) { return v === null || v === undefined ? '–' : fmt(v); } };
      })),
      axes: [
        { stroke: '#9aa7b4', grid: { stroke: '#253040' }, ticks: { stroke: '#253040' }, space: 80 },
        { stroke: '#9aa7b4', grid: { stroke: '#253040' }, ticks: { stroke: '#253040' }, space: 36, size: ySize,
          values: function (u, splits) { return splits.map(function (v) { return fmt(v); }); } },
      ],
      legend: { live: true },
    };
    if (charts[id]) charts[id].destroy();
    charts[id] = new uPlot(opts, [[]].concat(labels.map(function () { return []; })), el(id));
    shape[id] = labels.join('\u0000');
  }

  // Column arrays for one chart. A stretch of time with no point (the server was not
  // sampling, or was down) gets a null point, which uPlot draws as a gap.
  function columns(list, n, get) {
    var cols = [];
    for (var i = 0; i <= n; i++) cols.push([]);
    var prev = null;
    list.forEach(function (p) {
      if (prev !== null && p.span > 0 && p.t - prev.t > 2.5 * p.span) {
        cols[0].push((prev.t + p.span) / 1000);
        for (var j = 1; j <= n; j++) cols[j].push(null);
      }
      cols[0].push(p.t / 1000);
      var v = get(p);
      for (var k = 1; k <= n; k++) { var x = v[k - 1]; cols[k].push(x === undefined ? null : x); }
      prev = p;
    });
    return cols;
  }

  function draw() {
    draws++;
    var list = points[view];
    Object.keys(defs).forEach(function (id) {
      if (!el(id)) return; // not on this page (a cluster's has no per-task charts)
      var d = defs[id];
      var labels = d.series;
      var get = d.cols;
      if (d.per) {
        var names = namesOf(list, d.per);
        labels = names.length ? names : ['(none yet)'];
        get = function (p) {
          if (!names.length) return [null];
          return names.map(function (n) { var x = p[d.per][n]; return x ? d.pick(x) : null; });
        };
      }
      if (shape[id] !== labels.join('\u0000')) make(id, labels);
      charts[id].setData(columns(list, labels.length, get));
    });
  }

  // ---- figures and tables ---------------------------------------------------------------

  function setText(id, text) { var e = el(id); if (e && e.textContent !== text) e.textContent = text; }

  function figures(p) {
    var s = { waiting: p.waiting, running: p.running, delayed: p.delayed, retrying: p.retrying };
    Object.keys(s).forEach(function (k) { setText('f-' + k, count(s[k])); });
    ['completed', 'failed', 'timedOut', 'cancelled', 'dropped'].forEach(function (k) { setText('f-' + k, count(p.totals[k])); });
    setText('f-refused', fmt(p.requests.refused));
    setText('f-throughput', fmt(p.rates.completed));
    setText('f-p50', fmt(p.p50)); setText('f-p95', fmt(p.p95)); setText('f-p99', fmt(p.p99));
    setText('f-utilization', fmt(p.utilization * 100));
    setText('f-threads', p.threads + ' / ' + p.maxThreads);
    alert('fig-refused', p.requests.refused > 0);
    alert('fig-failed', p.rates.failed > 0);
    alert('fig-timedOut', p.rates.timedOut > 0);
    var h = el('health');
    h.textContent = p.healthy ? 'healthy' : 'unhealthy';
    h.className = 'pill ' + (p.healthy ? 'ok' : 'bad');
    var m = el('mode');
    m.textContent = p.mode;
    m.className = 'pill ' + (p.mode === 'running' ? 'ok' : p.mode === 'closed' ? 'bad' : 'warn');
    setText('health-error', p.error || '');
    setText('updated', 'updated ' + new Date(p.t).toLocaleTimeString('en-US'));
    var input = el('threads-input');
    if (input && document.activeElement !== input && input.value === '') input.placeholder = String(p.maxThreads);
    rows('hosts', config.cluster ? p.hosts.map(clusterHost) : p.hosts.map(function (x) {
      return [esc(x.host), x.threads + ' / ' + x.maxThreads, count(x.running), count(x.waiting),
        fmt(x.utilization * 100) + '%', x.eventLoopUtilization === null ? '–' : fmt(x.eventLoopUtilization * 100) + '%',
        x.healthy ? 'healthy' : '<span class="err">' + esc(x.error || 'unhealthy') + '</span>'];
    }));
    if (el('tasks')) rows('tasks', partRows(p.tasks));
    if (el('keys')) rows('keys', partRows(p.keys));
    var names = Object.keys(p.tasks).sort();
    var list = el('names');
    if (list.childElementCount !== names.length) {
      list.innerHTML = names.map(function (n) { return '<option value="' + esc(n) + '">'; }).join('');
    }
  }

  function alert(id, on) { var e = el(id); if (e) e.classList.toggle('alert', on); }

  // A cluster's host: live, stale (its heartbeat is late) or gone (its advert expired or
  // was withdrawn), with when it was last seen.
  function clusterHost(x) {
    var since = x.status === 'gone' ? x.goneSince : x.status === 'stale' ? x.staleSince : null;
    var status = '<span class="status ' + esc(x.status) + '" data-host-status="' + esc(x.status) + '">' + esc(x.status) +
      (since ? ' since ' + esc(new Date(since).toLocaleTimeString('en-US')) : '') + '</span>';
    return ['<span data-host="' + esc(x.id) + '">' + esc(x.host) + '</span>', String(x.pid), status, String(x.threads), count(x.running),
      fmt(x.throughput), count(x.completed), count(x.failed), esc(new Date(x.lastSeen).toLocaleTimeString('en-US')),
      x.healthy ? 'healthy' : '<span class="err">' + esc(x.error || (x.draining ? 'draining' : x.status === 'live' ? 'unhealthy' : x.status)) + '</span>'];
  }

  function partRows(parts) {
    return Object.keys(parts).sort().map(function (n) {
      var x = parts[n];
      return [esc(n), fmt(x.rates.completed), fmt(x.rates.failed), fmt(x.rates.timedOut), fmt(x.p50), fmt(x.p95), fmt(x.p99),
        count(x.waiting), count(x.running), count(x.totals.completed), count(x.totals.failed)];
    });
  }

  function rows(id, list) {
    var html = list.map(function (r) { return '<tr><td>' + r.join('</td><td>') + '</td></tr>'; }).join('');
    var body = document.querySelector('#' + id + ' tbody');
    if (body.innerHTML !== html) body.innerHTML = html;
  }

  // ---- task list and tasks in flight ----------------------------------------------------

  function filterQuery() {
    var q = [];
    ['name', 'key', 'outcome'].forEach(function (k) {
      var v = el('filter-' + k).value.trim();
      if (v) q.push(k + '=' + encodeURIComponent(v));
    });
    q.push('limit=50');
    return q.join('&');
  }

  function getJson(path) {
    return fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  var failuresLoading = 0;
  function loadFailures() {
    var mine = ++failuresLoading;
    return getJson('/api/failures?' + filterQuery()).then(function (res) {
      if (mine !== failuresLoading || res.status !== 200) return;
      var body = document.querySelector('#failures tbody');
      body.innerHTML = res.body.failures.map(function (f) {
        var err = esc(f.error.name) + ': ' + esc(f.error.message);
        var id = esc(f.id);
        var buttons = (f.hasStack ? '<button type="button" data-stack="' + id + '" aria-expanded="false">Stack</button> ' : '') +
          (!config.readOnly && f.retryable ? '<button type="button" data-retry="' + id + '">Retry</button>' : '') +
          (f.retriedAs !== undefined ? '<span>retried as ' + esc(f.retriedAs) + '</span>' : '');
        return '<tr data-id="' + id + '"><td class="text">' + id + '</td><td>' + esc(new Date(f.at).toLocaleTimeString('en-US')) + '</td><td class="text">' +
          esc(f.name === null ? '–' : f.name) + '</td><td class="text">' + esc(f.key === null ? '–' : f.key) + '</td><td>' + esc(f.outcome) +
          '</td><td class="text err" title="' + err + '">' + err + '</td><td>' + f.attempts + '</td><td>' + fmt(f.durationMs) +
          '</td><td class="text" title="' + esc(f.input || '') + '"><code>' + esc(f.input === null ? '–' : f.input) + '</code></td><td>' + buttons + '</td></tr>';
      }).join('');
    });
  }

  function loadInflight() {
    if (!el('inflight-panel').open) return Promise.resolve();
    return getJson('/api/tasks?limit=50').then(function (res) {
      if (res.status !== 200) return;
      setText('inflight-count', '(' + res.body.inFlight + ')');
      keyedRows(document.querySelector('#inflight tbody'), res.body.tasks.map(function (t) {
        return { key: String(t.id), cells: [
          ['text', esc(t.id)], ['text', esc(t.name === null ? '–' : t.name)], ['text', esc(t.key === null ? '–' : t.key)],
          ['', esc(t.state)], ['', String(t.attempt)], ['', fmt(t.ageMs)],
          ['text', '<code>' + esc(t.input === null ? '–' : t.input) + '</code>'],
          ['', !config.readOnly && t.cancellable ? '<button type="button" data-cancel="' + esc(t.id) + '">Cancel</button>' : ''],
        ] };
      }));
    });
  }

  // Rows kept by key, each cell rewritten only when it changed: the list reloads every
  // sample, and a button rebuilt between a press and its release would lose the click.
  function keyedRows(body, list) {
    var old = {};
    Array.prototype.forEach.call(body.rows, function (tr) { old[tr.dataset.key] = tr; });
    var prev = null;
    list.forEach(function (r) {
      var tr = old[r.key];
      delete old[r.key];
      if (!tr) { tr = document.createElement('tr'); tr.dataset.key = r.key; }
      r.cells.forEach(function (c, i) {
        var td = tr.cells[i] || tr.appendChild(document.createElement('td'));
        if (td.className !== c[0]) td.className = c[0];
        if (td.wpHtml !== c[1]) { td.innerHTML = c[1]; td.wpHtml = c[1]; }
      });
      var at = prev ? prev.nextSibling : body.firstChild;
      if (at !== tr) body.insertBefore(tr, at);
      prev = tr;
    });
    Object.keys(old).forEach(function (k) { old[k].remove(); });
  }

  // ---- actions --------------------------------------------------------------------------

  function act(path, body, label) {
    var out = el('action-result');
    if (out) { out.textContent = label + '…'; out.className = ''; }
    return fetch('/api/' + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body || {}),
    }).then(function (r) {
      return r.json().then(function (json) { return { status: r.status, body: json }; });
    }).then(function (res) {
      state.actions.push(res);
      var text;
      if (res.body.ok) {
        text = label + ': done' + (res.body.done ? ' (' + res.body.done + ')' : '') + '. ' +
          (res.body.retry !== undefined ? (config.cluster ? 'Job ' + res.body.retry + ' waits again. ' : 'New task ' + res.body.retry + '. ') : '') +
          'Threads ' + res.body.threads + ' / ' + res.body.maxThreads + ', waiting ' + res.body.waiting +
          ', running ' + res.body.running + (res.body.paused ? ', paused' : '') + (res.body.draining ? ', draining' : '') + '.';
      } else {
        text = label + ': refused (' + res.status + ' ' + res.body.error.code + '): ' + res.body.error.message;
      }
      if (out) { out.textContent = text; out.className = res.body.ok ? 'ok' : 'bad'; }
      loadFailures(); loadInflight();
      return res;
    }, function (e) {
      if (out) { out.textContent = label + ': failed: ' + e.message; out.className = 'bad'; }
    });
  }

  function wire() {
    var on = function (id, fn) { var b = el(id); if (b) b.addEventListener('click', fn); };
    on('a-pause', function () { act('pause', {}, 'Pause'); });
    on('a-resume', function () { act('resume', {}, 'Resume'); });
    on('a-drain', function () { act('drain', {}, 'Drain'); });
    on('a-resize', function () {
      var input = el('threads-input');
      var n = Number(input.value);
      if (!input.value || !Number.isInteger(n)) {
        var out = el('action-result');
        out.textContent = 'Resize: enter a whole number of threads';
        out.className = 'bad';
        input.focus();
        return;
      }
      act('resize', { threads: n }, 'Resize to ' + n);
    });
    document.addEventListener('click', function (e) {
      var b = e.target.closest ? e.target.closest('button') : null;
      if (!b) return;
      if (b.dataset.retry) act('failures/' + encodeURIComponent(b.dataset.retry) + '/retry', {}, 'Retry task ' + b.dataset.retry);
      if (b.dataset.cancel) act('tasks/' + encodeURIComponent(b.dataset.cancel) + '/cancel', {}, 'Cancel task ' + b.dataset.cancel);
      if (b.dataset.stack) toggleStack(b);
    });
    el('filters').addEventListener('input', function () { loadFailures(); });
    el('filters').addEventListener('submit', function (e) { e.preventDefault(); loadFailures(); });
    el('inflight-panel').addEventListener('toggle', function () { loadInflight(); });
    Array.prototype.forEach.call(document.querySelectorAll('input[name=range]'), function (r) {
      r.addEventListener('change', function () { if (r.checked) { view = r.value; draw(); } });
    });
  }

  function toggleStack(b) {
    var row = b.closest('tr');
    var next = row.nextElementSibling;
    if (next && next.classList.contains('stack-row')) {
      next.remove(); b.setAttribute('aria-expanded', 'false'); return;
    }
    getJson('/api/failures/' + encodeURIComponent(b.dataset.stack)).then(function (res) {
      if (res.status !== 200) return;
      var tr = document.createElement('tr');
      tr.className = 'stack-row';
      tr.innerHTML = '<td colspan="10"><pre class="stack">' + esc(res.body.failure.stack || '(no stack)') + '</pre></td>';
      row.parentNode.insertBefore(tr, row.nextSibling);
      b.setAttribute('aria-expanded', 'true');
    });
  }

  // ---- the stream -----------------------------------------------------------------------

  function add(kind, p) {
    var list = points[kind];
    list.push(p);
    if (list.length > LIMIT[kind]) list.splice(0, list.length - LIMIT[kind]);
  }

  // The list is reloaded when it changed, at most every 2 s, and only while it is on
  // screen: at 100 failures a second, re-laying out 50 rows each second was most of the
  // page's cost (see BENCHMARKS.md).
  var failuresVisible = true;
  var failuresStale = false;
  var failuresAt = 0;
  var failuresTimer = null;
  function wantFailures() {
    failuresStale = true;
    if (!failuresVisible || failuresTimer !== null) return;
    var wait = failuresAt + 2000 - Date.now();
    failuresTimer = setTimeout(function () {
      failuresTimer = null;
      if (!failuresVisible || !failuresStale) return;
      failuresStale = false;
      failuresAt = Date.now();
      loadFailures();
    }, Math.max(0, wait));
  }
  if (window.IntersectionObserver) {
    new IntersectionObserver(function (entries) {
      failuresVisible = entries.some(function (e) { return e.isIntersecting; });
      if (failuresVisible && failuresStale) wantFailures();
    }).observe(el('failures-panel'));
  }

  function update(p) {
    state.last = p;
    figures(p);
    if (p.listed !== listed) { listed = p.listed; wantFailures(); }
    loadInflight();
  }

  // Each time the stream opens (first load, reconnect) the kept history is fetched; live
  // points that arrive before it are held, then those newer than its last are added.
  var held = null;
  function history() {
    held = [];
    return getJson('/api/history').then(function (res) {
      if (res.status !== 200) return;
      var h = res.body;
      points.fine = h.fine.slice();
      points.coarse = h.coarse.slice();
      LIMIT.fine = h.fineSize; LIMIT.coarse = h.coarseSize;
      var lastFine = points.fine.length ? points.fine[points.fine.length - 1].t : -1;
      var lastCoarse = points.coarse.length ? points.coarse[points.coarse.length - 1].t : -1;
      var later = held;
      held = null;
      received += points.fine.length;
      later.forEach(function (x) {
        if (x[1].t > (x[0] === 'fine' ? lastFine : lastCoarse)) { add(x[0], x[1]); if (x[0] === 'fine') received++; }
      });
      draw();
      if (points.fine.length) update(points.fine[points.fine.length - 1]);
    });
  }

  function connect() {
    var source = new EventSource('/events');
    source.onopen = function () { history(); };
    source.addEventListener('coarse', function (e) {
      var p = JSON.parse(e.data);
      if (held) { held.push(['coarse', p]); return; }
      add('coarse', p);
      if (view === 'coarse') draw();
    });
    source.onmessage = function (e) {
      var p = JSON.parse(e.data);
      if (held) { held.push(['fine', p]); return; }
      received++;
      add('fine', p);
      if (view === 'fine') draw();
      update(p);
    };
    source.onerror = function () {
      var h = el('health');
      h.textContent = 'disconnected';
      h.className = 'pill idle';
    };
  }

  wire();
  load(function () {
    draw();
    connect();
    var pending = false;
    window.addEventListener('resize', function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        Object.keys(charts).forEach(function (id) { charts[id].setSize({ width: width(id), height: height() }); });
      });
    });
  });
})();
`;
