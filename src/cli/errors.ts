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

/** A run that started but cannot go on (e.g. the output closed); exits 1 after the summary. */
export class RunError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.failed;
  override get name(): string {
    return 'RunError';
  }
}

/** `{ name, message }` of anything thrown, for a result line or a message. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
