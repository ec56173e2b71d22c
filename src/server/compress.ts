import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);

/**
 * A body sent gzipped to clients that take it (`accept-encoding: gzip`), compressed once on
 * first use however many clients load it: the page, uPlot's files, the history.
 */
export class Compressible {
  readonly #body: string | Buffer;
  #gzip: Promise<Buffer> | undefined;

  constructor(body: string | Buffer) {
    this.#body = body;
  }

  async send(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    reply.header('vary', 'accept-encoding');
    if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.send(this.#body);
    }
    this.#gzip ??= gzipAsync(this.#body);
    return reply.header('content-encoding', 'gzip').send(await this.#gzip);
  }
}
