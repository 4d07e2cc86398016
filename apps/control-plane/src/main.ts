import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runMigrations } from '../../../migrations/data-source';
import { ApiExceptionFilter } from './common/exception.filters';
import { inputValidationPipe } from './common/validation.pipe';
import { ControlPlaneModule } from './control-plane.module';
import { loadConfig } from './infra/config';

const log = new Logger('control-plane');

/** bootstrap migrates the schema, then serves GraphQL and the package repository on loopback. */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  await runMigrations(config.databaseUrl);
  const app = await NestFactory.create(ControlPlaneModule, { logger: ['error', 'warn', 'log'] });
  app.useGlobalPipes(inputValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  log.log(`GraphQL at http://${config.host}:${config.port}/graphql`);
}

bootstrap().catch((err) => {
  log.error(`failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
