/**
 * bullmq and ioredis, the optional peers of `workpool/distributed`, loaded here at import
 * time and nowhere else (the other modules import only their types), so importing the
 * entry without them is a `MissingPeerError` naming the package to install.
 */
import type { Redis } from 'ioredis';
import { importPeer, requirePeers } from '../peer.js';

const entry = 'workpool/distributed';
requirePeers(entry, ['bullmq', 'ioredis']);

export const bullmq: typeof import('bullmq') = await importPeer(
  () => import('bullmq'),
  'bullmq',
  entry,
);
export const ioredis: { readonly Redis: typeof Redis } = await importPeer(
  () => import('ioredis'),
  'ioredis',
  entry,
);
