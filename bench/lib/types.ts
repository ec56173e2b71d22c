/** Shared between the parent (bench/index.ts) and the children (bench/child.ts). */

export type SuiteName = 'pool' | 'threads';

/** One measurement asked of a fresh child process. */
export interface ChildRequest {
  readonly suite: SuiteName;
  /** Which measurement, e.g. `run-noop` or `throughput`. */
  readonly kind: string;
  readonly contender: string;
  readonly params: Readonly<Record<string, number>>;
}

/** What a child prints on its last stdout line, after `RESULT `. */
export type ChildResult =
  | { readonly ok: true; readonly metrics: Readonly<Record<string, number>> }
  | { readonly ok: false; readonly skipped: boolean; readonly error: string };

export type Better = 'higher' | 'lower';

/** A figure a case reports, read from each child's `metrics`. */
export interface MetricDef {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: Better;
  /** Digits after the point in the table. */
  readonly digits: number;
  /** Shown as this multiple of the raw value (e.g. 1e-6 for M tasks/s). */
  readonly scale?: number;
}

/** A target from an issue: `ratio(workpool, peer) op value` on `metric`. */
export interface Target {
  readonly metric: string;
  readonly op: '>=' | '<=';
  readonly value: number;
  readonly text: string;
  /** The contender the ratio is taken against, if not the case's peer. */
  readonly against?: string;
}

/** One comparison: contenders measured in interleaved order within every repetition. */
export interface CaseDef {
  readonly suite: SuiteName;
  /** Unique id, e.g. `pool/run-noop` or `threads/2t/throughput`. */
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly contenders: readonly string[];
  /** The contender ratios are taken against, or `best` (the best of the non-workpool contenders). */
  readonly peer: string;
  /** The contender the target is about. */
  readonly subject: string;
  readonly metrics: readonly MetricDef[];
  readonly params: Readonly<Record<string, number>>;
  readonly targets: readonly Target[];
  /** Run children with `--expose-gc`. */
  readonly gc: boolean;
  /**
   * Derived speedup: `baseline`'s `metric` divided by each contender's, per repetition
   * (for "pool vs sequential" wall times).
   */
  readonly speedup?: {
    readonly baseline: string;
    readonly metric: string;
    readonly target: number;
  };
  /** Extra node flags for the child. */
  readonly nodeFlags?: readonly string[];
}

/** One child's outcome, as stored in the results JSON. */
export interface Sample {
  readonly rep: number;
  readonly contender: string;
  readonly wallMs: number;
  readonly result: ChildResult;
}
