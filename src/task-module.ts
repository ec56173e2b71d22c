/**
 * The one rule for which exports of a task module are its handlers, used by the threads
 * (executors/thread/worker.ts, which runs them) and the CLI's `--async` (cli/run/target.ts,
 * which calls one in-process), so both find the same names. Imports nothing, so the
 * in-thread entry can use it.
 *
 * The module's own function-valued exports other than `default`, in their order; then the
 * default export: a function is the handler `default`, an object gives its own
 * function-valued properties (a name already taken keeps the named export). Only own
 * enumerable properties are read (`Object.keys`): names such as `__proto__`, `constructor`
 * or `toString` are never looked up on the module.
 */
export function collectHandlers<H>(ns: Record<string, unknown>): {
  readonly names: string[];
  readonly fns: H[];
} {
  const names: string[] = [];
  const fns: H[] = [];
  const add = (source: object, name: string): void => {
    const value = (source as Record<string, unknown>)[name];
    if (typeof value === 'function' && !names.includes(name)) {
      names.push(name);
      fns.push(value as H);
    }
  };
  for (const name of Object.keys(ns)) if (name !== 'default') add(ns, name);
  const fallback = ns.default;
  if (typeof fallback === 'function') add(ns, 'default');
  else if (typeof fallback === 'object' && fallback !== null) {
    for (const name of Object.keys(fallback)) add(fallback, name);
  }
  return { names, fns };
}
