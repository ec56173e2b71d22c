#!/usr/bin/env node
/**
 * `workpool/cli`: the `workpool` command; importing it runs it on `process.argv`. The
 * workpool-cli package's bin is one line that imports this, and its dependencies are the
 * libraries below; the core package lists them only as optional peers, so an application
 * that uses the core alone never installs them. Each is looked up (not loaded) here first,
 * so what is missing is one MissingPeerError that says to install workpool-cli, not a bare
 * module-not-found later.
 */
import { requirePeers } from '../peer.js';

requirePeers(
  'workpool/cli',
  ['commander', 'cli-progress', 'pngjs', 'fastify', 'prom-client', 'uplot'],
  'workpool-cli',
);
await import('./main.js');
