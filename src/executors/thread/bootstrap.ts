import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModuleData } from './protocol.js';

const TS = /\.[cm]?tsx?$/;

/**
 * The in-thread entry sits beside this file: `worker.ts` when the library runs from source
 * (its own tests, through tsx), `worker.js` once compiled.
 */
const entry = new URL(
  `./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/**
 * Node 20 cannot start a worker from a `.ts` file, and a parent's `--import tsx` does not
 * make threads load TypeScript (measured on 20.20). So when the entry or the task module is
 * TypeScript, the bootstrap registers tsx's ESM and CJS hooks in the thread first (both:
 * a `.ts` file in a package without `"type": "module"` loads as CommonJS). Registering
 * again over an inherited `--import tsx` was checked to work.
 *
 * An `eval` worker inherits the parent's `--input-type`, so this code is valid both as a
 * CommonJS script and as an ES module: no `require`, no top-level `await`, no `import`
 * statement (issue 14: `node --input-type=module -e ...` could start no thread).
 */
export const bootstrap = `
(async () => {
  const { workerData } = await import('node:worker_threads');
  for (const api of workerData.tsx ?? []) (await import(api)).register();
  await import(workerData.entry);
})();
`;

function resolveTsx(module: URL): string[] | undefined {
  try {
    return [import.meta.resolve('tsx/esm/api'), import.meta.resolve('tsx/cjs/api')];
  } catch {}
  try {
    const require = createRequire(module);
    return [
      pathToFileURL(require.resolve('tsx/esm/api')).href,
      pathToFileURL(require.resolve('tsx/cjs/api')).href,
    ];
  } catch {}
  return undefined;
}

/**
 * Checks what can be checked without a thread. Returns the `workerData` to start threads
 * with, or the reason the module cannot load (the path and what to do).
 */
export function prepare(module: URL): ModuleData | Error {
  const path = module.protocol === 'file:' ? fileURLToPath(module) : module.href;
  if (module.protocol === 'file:' && !existsSync(path)) {
    return new Error(
      `file not found: ${path} (a relative \`module\` path resolves against the working directory, ${process.cwd()}; pass new URL('./tasks.js', import.meta.url) to resolve it against your own file)`,
    );
  }
  if (module.protocol === 'file:' && statSync(path).isDirectory()) {
    return new Error('it is a directory, not a module file: name the file in it (e.g. index.js)');
  }
  let tsx: string[] | undefined;
  if (TS.test(module.pathname) || TS.test(entry.pathname)) {
    tsx = resolveTsx(module);
    if (tsx === undefined) {
      return new Error(
        'it is TypeScript, and tsx was not found to load it in worker threads: ' +
          'install tsx (npm install --save-dev tsx), or compile the module to .js',
      );
    }
  }
  return { entry: entry.href, module: module.href, tsx };
}

/**
 * Whether a thread's load error can be worth a retry. A module that does not parse (a
 * SyntaxError, or tsx's TransformError for TypeScript) fails the same way every time; an
 * import that throws may depend on something outside (a file, the network, memory) and get
 * its retries with backoff.
 */
export function mayHeal(error: Error): boolean {
  return error.name !== 'SyntaxError' && error.name !== 'TransformError';
}
