/**
 * Whether `value` is a thenable (has a callable `then`), the test Promise resolution
 * itself makes. Reading `then` may run a getter that throws: call it where a throw is
 * handled (the executors call it inside the try that guards the handler). Imports nothing,
 * so the in-thread entry can use it too.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
