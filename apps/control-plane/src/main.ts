import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { announceEvery } from '@mammoth/read-models';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { initLogging, loadOrExit, nestLogger } from '@mammoth/platform';
import { runMigrations } from '../../../migrations/data-source';
import { ApiExceptionFilter } from './common/exception.filters';
import { inputValidationPipe } from './common/validation.pipe';
import { jsonBody } from './api/json-body';
import { ControlPlaneModule } from './control-plane.module';
import { loadConfig } from './infra/config';
import { BootstrapRefused, bootstrapToken } from './modules/identity/commands/bootstrap-token/bootstrap-token';

const log = new Logger('control-plane');

/** bootstrap reads the config once, migrates the schema, then serves GraphQL, the package repository and the probes on loopback. */
async function bootstrap(): Promise<void> {
  const config = loadOrExit('control-plane', () => loadConfig(process.env));
  initLogging('control-plane', config.logging);
  await runMigrations(config.database);
  const app = await NestFactory.create(ControlPlaneModule.forConfig(config), { logger: nestLogger() });
  app.use(jsonBody(config.api.maxBodyBytes));
  app.useGlobalPipes(inputValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  log.log(`GraphQL at http://${config.http.host}:${port}/graphql, probes at /healthz and /readyz, metrics at /metrics`);
  announceEvery(app.get(Pool), { process: 'control-plane', address: `${config.http.host}:${port}` }, (err) =>
    log.warn(`cannot announce the metrics endpoint: ${err.message}`),
  );
}

/** bootstrapTokenCommand is `bootstrap-token --out FILE`: it makes the first admin token and prints where it is, never the token. */
async function bootstrapTokenCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  if (!values.out) throw new BootstrapRefused('bootstrap-token needs --out FILE');
  const config = loadOrExit('control-plane', () => loadConfig(process.env));
  const path = await bootstrapToken(config.database, values.out);
  process.stdout.write(`admin token written to ${path} (mode 0600); present it as Authorization: Bearer <token>\n`);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'bootstrap-token') {
  bootstrapTokenCommand(rest).catch((err: Error) => {
    process.stderr.write(`bootstrap-token: ${err instanceof BootstrapRefused ? err.message : (err.stack ?? err)}\n`);
    process.exit(err instanceof BootstrapRefused ? 2 : 1);
  });
} else {
  bootstrap().catch((err) => {
    log.error(`failed to start: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
