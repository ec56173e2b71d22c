/** Types of work.mjs, for the TypeScript side of the benchmarks. */
export declare function noop<T>(input: T): T;
export declare function busy(iterations: number): number;
export declare function gate(shared: SharedArrayBuffer): number;
