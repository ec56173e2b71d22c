import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type ServeOptions, serve, type WorkpoolServer } from '../../src/server/index.js';

/** The task module the server tests expose. */
export const tasksModule = new URL('./fixtures/tasks.ts', import.meta.url);

/** A server on an ephemeral loopback port, for one test. */
export function start(options: Partial<ServeOptions> = {}): Promise<WorkpoolServer> {
  return serve({ module: tasksModule, port: 0, threads: 2, ...options } as ServeOptions & {
    cluster?: undefined;
  });
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** Asserts `answer` is `status` with exactly the body `{ error: { name, message, code } }`. */
export function assertError(
  answer: { status: number; body: unknown },
  status: number,
  [name, code, message]: readonly [name: string, code: string, message: string],
): void {
  assert.equal(answer.status, status, message);
  assert.deepEqual(answer.body, { error: { name, message, code } });
}

/** `POST /tasks/:name` with a JSON body (a string is sent as is). */
export async function post(
  server: { url: string },
  name: string,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer> {
  const response = await fetch(`${server.url}/tasks/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  return read(response);
}

export async function get(
  server: { url: string },
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return read(await fetch(`${server.url}${path}`, { headers }));
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get('content-type')?.includes('json') === true) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body };
}

/**
 * Gates for the `gate` handler, across threads and processes: the handler connects here
 * (it has started), and answers what `open()` writes; if its signal aborts it closes the
 * connection (`closed` resolves).
 */
export class Gates {
  readonly #server: Server;
  readonly #waiting: ((socket: Socket) => void)[] = [];
  readonly #arrived: Socket[] = [];

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => {
      const take = this.#waiting.shift();
      if (take === undefined) this.#arrived.push(socket);
      else take(socket);
    });
  }

  static async open(): Promise<Gates> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new Gates(server);
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string')
      throw new Error('gate server not listening');
    return address.port;
  }

  /** The next handler to start (resolves once it has connected). */
  next(): Promise<Gate> {
    const socket = this.#arrived.shift();
    if (socket !== undefined) return Promise.resolve(new Gate(socket));
    return new Promise((resolve) => this.#waiting.push((s) => resolve(new Gate(s))));
  }

  async close(): Promise<void> {
    this.#server.close();
    for (const s of this.#arrived) s.destroy();
  }
}

export class Gate {
  readonly closed: Promise<void>;
  readonly #socket: Socket;
  constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
  }
  open(answer: string): void {
    this.#socket.write(answer);
  }
}

/** Resolves once `predicate` holds, checking after each event-loop turn (no timers). */
export async function until(predicate: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await predicate())) await new Promise((resolve) => setImmediate(resolve));
}

/** Prometheus text as `name{labels}` → value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match !== null) out.set(match[1] ?? '', Number(match[2]));
  }
  return out;
}

/**
 * Writes `text` on a new raw connection and sends nothing more; resolves the answer once
 * the server closes the connection: its status, headers (lower-cased) and JSON body.
 */
export async function rawAnswer(
  port: number,
  text: string,
): Promise<{ status: number; headers: Map<string, string>; body: unknown }> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let got = '';
  socket.on('data', (d: string) => {
    got += d;
  });
  socket.on('error', () => {});
  socket.write(text);
  await once(socket, 'close');
  const end = got.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = got.slice(0, end).split('\r\n');
  const headers = new Map(
    lines.map((l) => [
      l.slice(0, l.indexOf(':')).toLowerCase(),
      l.slice(l.indexOf(':') + 1).trim(),
    ]),
  );
  const body = got.slice(end + 4);
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}
