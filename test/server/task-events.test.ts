// `Accept: text/event-stream` on POST /tasks/:name: a long task's progress, then its result.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/index.js';
import type { WorkpoolServer } from '../../src/server/index.js';
import { Gates, post, start } from './helpers.js';

interface Event {
  readonly event: string;
  readonly data: unknown;
}

function parse(text: string): Event[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      return { event, data: JSON.parse(data) };
    });
}

const sse = { headers: { accept: 'text/event-stream' } };

describe('POST /tasks/:name as Server-Sent Events', () => {
  let server: WorkpoolServer;
  let gates: Gates;
  before(async () => {
    server = await start();
    gates = await Gates.open();
  });
  after(async () => {
    await gates.close();
    await server.close();
  });

  test('progress arrives while the task runs, then the result, and the stream ends', async () => {
    const response = await fetch(`${server.url}/tasks/steps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sse.headers },
      body: JSON.stringify({ port: gates.port, steps: 2 }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    // The task is still running (held at its gate) when its progress arrives.
    const gate = await gates.next();
    while (!text.includes('"done":2')) {
      const chunk = await reader.read();
      assert.equal(chunk.done, false, `the stream ended early: ${text}`);
      text += decoder.decode(chunk.value, { stream: true });
    }
    gate.open('finished');
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += decoder.decode(chunk.value, { stream: true });
    const events = parse(text);
    assert.deepEqual(
      events.map((e) => e.event),
      ['accepted', 'progress', 'progress', 'result'],
    );
    assert.equal(typeof (events[0]?.data as { id?: unknown } | undefined)?.id, 'number');
    assert.deepEqual(events[1]?.data, { done: 1, total: 2 });
    assert.deepEqual(events[2]?.data, { done: 2, total: 2 });
    assert.equal(events[3]?.data, 'finished');
  });

  test('a failing task ends the stream with an error event carrying its status', async () => {
    const answer = await post(server, 'fail', { message: 'nope' }, sse);
    assert.equal(answer.status, 200);
    const events = parse(answer.body as string);
    assert.deepEqual(
      events.map((e) => e.event),
      ['accepted', 'error'],
    );
    const error = events[1]?.data as { status: number; error: { message: string } };
    assert.equal(error.status, 500);
    assert.match(error.error.message, /nope|Internal/);
  });

  test('a refusal before the task is accepted stays a plain JSON answer', async () => {
    const answer = await post(server, 'add', '{"a":', sse);
    assert.equal(answer.status, 400);
    assert.match(answer.headers.get('content-type') ?? '', /json/);
  });

  test('past the request deadline the stream ends with an error event of status 504', async () => {
    const clock = new ManualClock();
    const own = await start({ threads: 1, clock });
    try {
      const answer = post(
        own,
        'steps',
        { port: gates.port, steps: 1 },
        { headers: { ...sse.headers, 'x-timeout-ms': '100' } },
      );
      const gate = await gates.next();
      clock.advance(100);
      await gate.closed;
      const events = parse((await answer).body as string);
      assert.deepEqual(
        events.map((e) => e.event),
        ['accepted', 'progress', 'error'],
      );
      const error = events[2]?.data as { status: number; error: { code: string } };
      assert.equal(error.status, 504);
      assert.equal(error.error.code, 'ERR_TASK_TIMEOUT');
    } finally {
      await own.close();
    }
  });
});
