/**
 * Whether `value` is a thenable (has a callable `then`): the one test the executors, the
 * map and the pipeline use to tell a result to await from a plain value. Adopt one with
 * `Promise.resolve`, never by calling its `then`: a `then` that throws, or calls back
 * twice, then counts once.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
