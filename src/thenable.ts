/**
 * Whether `value` is a thenable (has a callable `then`), the test Promise resolution itself
 * makes: the one test the executors, the map and the pipeline use to tell a result to
 * await from a plain value. Adopt one with `Promise.resolve`, never by calling its `then`.
 * Reading `then` may run a getter that throws: call it where a throw is handled. Imports
 * nothing, so the in-thread entry can use it too.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
