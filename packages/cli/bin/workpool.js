#!/usr/bin/env node
// The `workpool` command lives in the core package (`workpool/cli`); this package brings the
// libraries it needs (commander, cli-progress, pngjs, fastify, prom-client, uplot).
import 'workpool/cli';
