/**
 * Exit codes of the `workpool` command, and the one error class that carries them.
 *
 * 0: every line (or image) succeeded. 1: at least one failed, or the output broke.
 * 2: the run could not start: a bad option, a task module that does not load, an unknown
 * handler. 130: interrupted (Ctrl-C), 143: terminated (SIGTERM), each after finishing
 * what was running, writing what was done and printing the summary.
 */
export const ExitCode = Object.freeze({
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
  terminated: 143,
});

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem the user must fix before a run can start; `main` prints its message and exits 2. */
export class UsageError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.usage;
  override get name(): string {
    return 'UsageError';
  }
}

/** Codes of workpool errors that mean a command could not start (exit 2, no stack). */
const startCodes: ReadonlySet<string> = new Set([
  'ERR_TASK_MODULE',
  'ERR_UNKNOWN_HANDLER',
  'ERR_REDIS_UNAVAILABLE',
  'ERR_REDIS_CONFIG',
]);

/**
 * What a command's start threw, as the user should see it: a bad option (TypeError,
 * RangeError) or a start that cannot happen (a module that does not load, Redis out of
 * reach or unsafe) becomes a UsageError, printed in one line with exit 2; anything else
 * is left as it is (an internal error, with its stack).
 */
export function startError(error: unknown, flags: Readonly<Record<string, string>> = {}): unknown {
  if (error instanceof TypeError || error instanceof RangeError)
    return new UsageError(asFlags(error.message, flags));
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && startCodes.has(code)) {
    return new UsageError(`${(error as Error).name}: ${(error as Error).message}`);
  }
  return error;
}

/**
 * A library option named in a message, as the flag the user typed: "Expected `port` ..."
 * becomes "Expected --port ..." (`flags` maps option names, dotted for nested ones, to flags).
 */
export function asFlags(message: string, flags: Readonly<Record<string, string>>): string {
  return message.replace(
    /`([A-Za-z][A-Za-z.]*)`/g,
    (quoted, name: string) => flags[name] ?? quoted,
  );
}

/** A run that started but cannot go on (e.g. the output closed); exits 1 after the summary. */
export class RunError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.failed;
  override get name(): string {
    return 'RunError';
  }
}

/** `{ name, message, code? }` of anything thrown, for a result line or a message. */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? { name: error.name, message: error.message, code }
    : { name: error.name, message: error.message };
}
