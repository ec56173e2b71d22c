/** One line's outcome, and its JSON Lines form. */
import { PoolClosedError, TaskCancelledError } from '../../index.js';
import { describeError } from '../errors.js';

export type LineResult =
  | { readonly line: number; readonly ok: true; readonly value: unknown }
  | {
      readonly line: number;
      readonly ok: false;
      readonly error: unknown;
      /** The line is not JSON (the task never ran). */
      readonly malformed: boolean;
    };

/** A blank line: not a job, no output, but it keeps its place in the line numbering. */
export const BLANK = Symbol('blank');

/** `{"line":n,"ok":true,"value":…}` or `{"line":n,"ok":false,"error":{"name","message","code"?}}`. */
export function toJson(r: LineResult): string {
  if (r.ok) {
    try {
      return `{"line":${r.line},"ok":true,"value":${JSON.stringify(r.value) ?? 'null'}}`;
    } catch (error) {
      return failure(r.line, {
        name: 'TypeError',
        message: `The result cannot be written as JSON: ${describeError(error).message}`,
      });
    }
  }
  return failure(r.line, describeError(r.error));
}

function failure(line: number, error: { name: string; message: string; code?: string }): string {
  return `{"line":${line},"ok":false,"error":${JSON.stringify(error)}}`;
}

/** A task that never ran because the run was interrupted (queued work is dropped on Ctrl-C). */
export function notRun(r: LineResult): boolean {
  return !r.ok && (r.error instanceof PoolClosedError || r.error instanceof TaskCancelledError);
}
