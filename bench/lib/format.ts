/** Renders analyzed cases as a console table and as Markdown. */
import type { CaseReport, Row, Verdict } from './analyze.js';
import type { RatioSummary } from './stats.js';
import type { MetricDef } from './types.js';

function num(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function scaled(metric: MetricDef, value: number): string {
  return num(value * (metric.scale ?? 1), metric.digits);
}

function ratioText(r: RatioSummary | undefined, peer: boolean): string {
  if (peer) return '1 (peer)';
  if (r === undefined || !Number.isFinite(r.ofMedians)) return '–';
  return `${num(r.ofMedians, 2)}x [${num(r.min, 2)}–${num(r.max, 2)}]`;
}

function verdictText(v: Verdict): string {
  const mark = v.met === undefined ? 'NO DATA' : v.met ? 'met' : 'MISSED';
  return `${mark}: ${v.text}: ${num(v.observed, 2)}x vs ${v.against} (per-rep ${num(v.range[0], 2)}–${num(v.range[1], 2)})`;
}

type Table = { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };

function withNote(median: string, r: Row): string {
  if (r.note === undefined) return median;
  return Number.isFinite(r.summary.median) ? `${median} (${r.note})` : r.note;
}

function tables(report: CaseReport): { caption: string; table: Table }[] {
  const out: { caption: string; table: Table }[] = [];
  for (const m of report.metrics) {
    const header = [
      'contender',
      `median ${m.metric.unit}`,
      'min',
      'max',
      `ratio to ${m.peer ?? 'peer'} (of medians) [per-rep min–max]`,
    ];
    const rows = m.rows.map((r: Row) => [
      r.contender,
      // A contender that failed in some repetitions keeps the median of the others.
      withNote(scaled(m.metric, r.summary.median), r),
      scaled(m.metric, r.summary.min),
      scaled(m.metric, r.summary.max),
      ratioText(r.ratio, r.contender === m.peer),
    ]);
    out.push({
      caption: `${m.metric.label} (${m.metric.better} is better)`,
      table: { header, rows },
    });
  }
  if (report.speedup !== undefined) {
    const header = ['contender', 'speedup median', 'min', 'max'];
    const rows = report.speedup.map((r) => [
      r.contender,
      withNote(`${num(r.summary.median, 2)}x`, r),
      `${num(r.summary.min, 2)}x`,
      `${num(r.summary.max, 2)}x`,
    ]);
    out.push({
      caption: 'speedup over sequential (per-rep ratio of wall times; higher is better)',
      table: { header, rows },
    });
  }
  return out;
}

function pad(table: Table): string {
  const widths = table.header.map((h, i) =>
    Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(table.header), ...table.rows.map(line)].join('\n');
}

export function consoleReport(report: CaseReport): string {
  const parts = [`\n== ${report.def.id}: ${report.def.title}`];
  for (const { caption, table } of tables(report)) parts.push(`-- ${caption}`, pad(table));
  for (const v of report.verdicts) parts.push(`   ${verdictText(v)}`);
  return parts.join('\n');
}

function markdownTable(table: Table): string {
  const align = table.header.map((_, i) => (i === 0 ? ':--' : '--:'));
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [row(table.header), row(align), ...table.rows.map(row)].join('\n');
}

export function markdownReport(report: CaseReport): string {
  const parts = [`#### \`${report.def.id}\`: ${report.def.title}`];
  for (const { caption, table } of tables(report)) parts.push(`*${caption}*`, markdownTable(table));
  return parts.join('\n\n');
}

export function markdownVerdicts(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return '';
  const header = [
    'case',
    'target',
    'observed (ratio of medians)',
    'per-rep range',
    'against',
    'verdict',
  ];
  const rows = verdicts.map((v) => [
    `\`${v.caseId}\``,
    v.text,
    `${num(v.observed, 2)}x`,
    `${num(v.range[0], 2)}–${num(v.range[1], 2)}`,
    v.against,
    v.met === undefined ? 'no data' : v.met ? 'met' : '**missed**',
  ]);
  return markdownTable({ header, rows });
}
