import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { initLogging, loadOrExit, nestLogger } from '@mammoth/platform';
import { runMigrations } from '../../../migrations/data-source';
import { ApiExceptionFilter } from './common/exception.filters';
import { inputValidationPipe } from './common/validation.pipe';
import { ControlPlaneModule } from './control-plane.module';
import { loadConfig } from './infra/config';

const log = new Logger('control-plane');

/** bootstrap reads the config once, migrates the schema, then serves GraphQL, the package repository and the probes on loopback. */
async function bootstrap(): Promise<void> {
  const config = loadOrExit('control-plane', () => loadConfig(process.env));
  initLogging('control-plane', config.logging);
  await runMigrations(config.database);
  const app = await NestFactory.create(ControlPlaneModule.forConfig(config), { logger: nestLogger() });
  app.useGlobalPipes(inputValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  log.log(`GraphQL at http://${config.http.host}:${config.http.port}/graphql, probes at /healthz and /readyz`);
}

bootstrap().catch((err) => {
  log.error(`failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
