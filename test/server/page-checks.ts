// Checks run inside the dashboard page (`page.evaluate(fn)`): each function is sent to the
// browser as source, so it uses nothing from this module's scope.

interface Axis {
  readonly show?: boolean;
  readonly side?: number;
  readonly font?: [string, number];
  readonly _splits?: number[];
  readonly _values?: (string | null)[];
  readonly _size?: number;
}

interface Chart {
  readonly data: (number | null)[][];
  readonly series: { label?: string; spanGaps?: boolean; scale?: string }[];
  readonly axes: Axis[];
  readonly ctx: { font: string; measureText(text: string): { width: number } };
  valToPos(value: number, scale: string): number;
}

/** The little of the browser's globals the checks and the test touch (tsconfig has no DOM lib). */
export interface Browserish {
  document: {
    getElementById(id: string): { textContent: string | null } | null;
    querySelectorAll(
      selector: string,
    ): ArrayLike<{ textContent: string | null }> & Iterable<{ textContent: string | null }>;
    documentElement: { scrollWidth: number };
  };
  innerWidth: number;
  devicePixelRatio: number;
  workpoolDashboard: {
    charts: Record<string, Chart>;
    received(): number;
    actions: unknown[];
    columns<P>(list: P[], n: number, get: (p: P) => (number | null)[]): (number | null)[][];
  };
}

/**
 * Pairs of tick labels that overlap on any chart's axes: on the x axis, labels side by side
 * closer than half their widths added; on the y axis, labels closer than a line; and a y
 * axis narrower than its widest label. Empty when every label is clear.
 */
export function axisOverlaps(): string[] {
  const w = globalThis as unknown as Browserish;
  const ratio = w.devicePixelRatio || 1;
  const out: string[] = [];
  for (const [id, u] of Object.entries(w.workpoolDashboard.charts)) {
    u.axes.forEach((axis, i) => {
      const splits = axis._splits ?? [];
      const values = axis._values ?? [];
      if (axis.show === false || splits.length === 0) return;
      const font = axis.font?.[0] ?? '12px sans-serif';
      u.ctx.font = font;
      const size = (axis.font?.[1] ?? 12) / ratio;
      const scale = i === 0 ? 'x' : (u.series[1]?.scale ?? 'y');
      const ticks = splits
        .map((v, k) => ({ pos: u.valToPos(v, scale), text: values[k] ?? '' }))
        .filter((t) => t.text !== null && t.text !== '');
      const wide = (t: string): number =>
        Math.max(
          ...String(t)
            .split('\n')
            .map((line) => u.ctx.measureText(line).width),
        ) / ratio;
      for (let k = 1; k < ticks.length; k++) {
        const a = ticks[k - 1];
        const b = ticks[k];
        if (a === undefined || b === undefined) continue;
        const gap = Math.abs(b.pos - a.pos);
        const need = i === 0 ? (wide(a.text) + wide(b.text)) / 2 : size;
        if (gap < need)
          out.push(
            `${id} axis ${i}: "${a.text}" and "${b.text}" ${gap.toFixed(1)} px apart, need ${need.toFixed(1)}`,
          );
      }
      if (i === 1) {
        const widest = Math.max(0, ...ticks.map((t) => wide(t.text)));
        if ((axis._size ?? 0) < widest)
          out.push(`${id} y axis ${axis._size} px for a ${widest.toFixed(1)} px label`);
      }
    });
  }
  return out;
}

/** Form controls with no accessible name (no label, aria-label or aria-labelledby). */
export function inputsWithoutLabel(): string[] {
  const d = (
    globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<unknown> } }
  ).document;
  const out: string[] = [];
  for (const node of d.querySelectorAll('input, select, button')) {
    const el = node as {
      id: string;
      type?: string;
      tagName: string;
      labels?: ArrayLike<unknown>;
      textContent: string | null;
      getAttribute(name: string): string | null;
    };
    const named =
      (el.labels !== undefined && el.labels.length > 0) ||
      el.getAttribute('aria-label') !== null ||
      el.getAttribute('aria-labelledby') !== null ||
      (el.tagName === 'BUTTON' && (el.textContent ?? '').trim() !== '');
    if (!named) out.push(`${el.tagName.toLowerCase()}#${el.id}`);
  }
  return out;
}
