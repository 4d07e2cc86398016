import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runMigrations } from '../../../migrations/data-source';
import { loadConfig } from './config';
import { LOG_PROJECTIONS, logProjectionNamed, PROJECTIONS, projectionNamed } from './projections';
import { ProjectorModule } from './projector.module';
import { ProjectorService } from './projector.service';
import { requestLogRebuild } from './runner/log-projections';
import { requestRebuild } from './runner/rebuild-cli';

const log = new Logger('projector');

/** serve migrates the database, then runs every projection until SIGTERM. */
async function serve(): Promise<void> {
  const config = loadConfig();
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      await runMigrations(config.databaseUrl);
      break;
    } catch (err) {
      log.warn(`cannot migrate yet (${(err as Error).message}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  const app = await NestFactory.createApplicationContext(ProjectorModule, { logger: ['log', 'warn', 'error'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.get(ProjectorService).start();
}

/** rebuild is the `rebuild <name>` CLI: it asks the running projector to rebuild and waits until the replay has caught up. */
async function rebuild(name: string | undefined): Promise<void> {
  const logProjection = name ? logProjectionNamed(name) : undefined;
  if (logProjection) return requestLogRebuild(logProjection, loadConfig().databaseUrl);
  const projection = name ? projectionNamed(name) : undefined;
  if (!projection) {
    log.error(`usage: main.js rebuild <${[...PROJECTIONS, ...LOG_PROJECTIONS].map((p) => p.name).join('|')}>`);
    process.exit(2);
  }
  await requestRebuild(projection, { databaseUrl: loadConfig().databaseUrl });
}

// A stray rejection (for example in a kafkajs event listener) is logged; the projector keeps running.
process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));

const [command, arg] = process.argv.slice(2);
(command === 'rebuild' ? rebuild(arg) : serve()).catch((err: Error) => {
  log.error(err.message);
  process.exit(1);
});
