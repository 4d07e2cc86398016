#!/usr/bin/env node
import WebSocket from 'ws';
import { run } from './program';

/** The `mammoth` binary: runs the command line and exits with its code (0 ok, 1 error, 2 usage). */
run(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  now: () => Date.now(),
  errStream: process.stderr,
  webSocketImpl: WebSocket,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
