/**
 * A TCP proxy in front of the test Redis that can wedge the connections going through it:
 * `freeze()` makes every connection open now drop what it carries, both ways, and stay
 * open, as a half-dead socket after a network fault or a Redis restart does (nothing
 * errors, nothing answers). Connections opened later pass as usual.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export interface FreezingProxy {
  readonly port: number;
  /** Connections through it now. */
  readonly open: number;
  freeze(): void;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<FreezingProxy> {
  const pairs = new Set<{ frozen: boolean; client: Socket; upstream: Socket }>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { frozen: false, client, upstream };
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (!pair.frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.frozen) client.write(chunk);
    });
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    get open() {
      return pairs.size;
    },
    freeze: () => {
      for (const pair of pairs) pair.frozen = true;
    },
    close: async () => {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      server.close();
      await once(server, 'close');
    },
  };
}
