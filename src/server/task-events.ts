import type { FastifyReply } from 'fastify';

/** Whether a request asks for Server-Sent Events (`Accept: text/event-stream`). */
export function wantsEvents(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept);
}

/**
 * A task answered as Server-Sent Events, for a long task whose caller wants to watch it:
 * `accepted` (`{ id }`) once the task is queued, a `progress` event for each value its
 * handler reports (`ctx.progress`), then one `result` (the value) or `error` (the JSON
 * answer's body plus the `status` it would have had), and the stream ends. Until the task
 * is accepted nothing is sent, so a refusal (404, 400, 503) is an ordinary JSON answer.
 */
export class TaskEvents {
  #reply: FastifyReply | undefined = undefined;

  get opened(): boolean {
    return this.#reply !== undefined;
  }

  /** The task was accepted: the answer becomes an event stream. */
  open(reply: FastifyReply, id: number): void {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    this.#reply = reply;
    this.#send('accepted', { id });
  }

  /** A progress report; one whose value has no JSON form is left out. */
  progress(value: unknown): void {
    if (this.#reply !== undefined) this.#send('progress', value === undefined ? null : value);
  }

  /** The task's value, as JSON (one line: JSON.stringify writes no newline); the stream ends. */
  result(json: string): void {
    this.#write('result', json);
    this.#reply?.raw.end();
  }

  /** The answer's error body and the status it would have had; the stream ends. */
  error(status: number, body: object): void {
    this.#send('error', { status, ...body });
    this.#reply?.raw.end();
  }

  #send(event: string, data: unknown): void {
    let json: string;
    try {
      json = JSON.stringify(data);
    } catch {
      return;
    }
    this.#write(event, json);
  }

  #write(event: string, json: string): void {
    const raw = this.#reply?.raw;
    if (raw !== undefined && !raw.writableEnded) raw.write(`event: ${event}\ndata: ${json}\n\n`);
  }
}
