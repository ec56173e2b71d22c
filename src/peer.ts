/**
 * Loading an integration's optional peer dependency. The core (`workpool`) depends on no
 * package; `workpool/prometheus`, `workpool/server` and `workpool/cli` load their libraries
 * through these at import time, so a missing one is a `MissingPeerError` naming the package
 * to install instead of a bare ERR_MODULE_NOT_FOUND from deep inside.
 */
import { createRequire } from 'node:module';
import { MissingPeerError } from './errors.js';

/** True when `error` says that `pkg` itself (not something it imports) cannot be found. */
function missing(error: unknown, pkg: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = String((error as { message?: unknown }).message);
  return message.includes(`'${pkg}'`) || message.includes(`'${pkg}/`);
}

/** `await importPeer(() => import('prom-client'), 'prom-client', 'workpool/prometheus')`. */
export async function importPeer<T>(
  load: () => Promise<T>,
  pkg: string,
  entry: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (missing(error, pkg)) throw new MissingPeerError(pkg, entry, { cause: error });
    throw error;
  }
}

/**
 * Finds `specifier` (a peer `pkg` or a file in it, e.g. `'uplot/dist/uPlot.min.css'`) without
 * loading it, and returns its path.
 */
export function resolvePeer(specifier: string, pkg: string, entry: string): string {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch (error) {
    if (missing(error, pkg)) throw new MissingPeerError(pkg, entry, { cause: error });
    throw error;
  }
}

/**
 * Looks up (without loading) every package `entry` needs, before any is imported: one
 * MissingPeerError names all that are missing, so one install fixes it, not one per try.
 * `install` is what to install instead when one package brings them all (`workpool-cli`).
 */
export function requirePeers(entry: string, packages: readonly string[], install?: string): void {
  const missingOnes: string[] = [];
  let first: unknown;
  for (const pkg of packages) {
    try {
      createRequire(import.meta.url).resolve(pkg);
    } catch (error) {
      if (!missing(error, pkg)) throw error;
      missingOnes.push(pkg);
      first ??= error;
    }
  }
  if (missingOnes.length > 0) {
    throw new MissingPeerError(missingOnes, entry, {
      cause: first,
      ...(install === undefined ? {} : { install }),
    });
  }
}
