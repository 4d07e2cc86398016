import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createPool, pgConfig, pgPoolConfig } from '@mammoth/event-store';
import { initLogging, kafkaLogging, listenForHealth, loadOrExit, nestLogger } from '@mammoth/platform';
import { runMigrations } from '../../../migrations/data-source';
import { loadConfig, ProjectorConfig } from './config';
import { LOG_PROJECTIONS, logProjectionNamed, PROJECTIONS, projectionNamed } from './projections';
import { ProjectorModule } from './projector.module';
import { ProjectorService } from './projector.service';
import { requestLogRebuild } from './runner/log-projections';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { announceEvery } from '@mammoth/read-models';
import { Pool } from 'pg';
import { DEAD_LETTERS_USAGE, deadLettersCli } from './runner/dead-letters-cli';
import { requestRebuild } from './runner/rebuild-cli';

const log = new Logger('projector');

/** serve migrates the database, then runs every projection until SIGTERM, with its probes on the health listener. */
async function serve(config: ProjectorConfig): Promise<void> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      await runMigrations(config.database);
      break;
    } catch (err) {
      log.warn(`cannot migrate yet (${(err as Error).message}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  const app = await NestFactory.create(ProjectorModule.forConfig(config), { logger: nestLogger() });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const port = await listenForHealth(app, config.health, log);
  announceEvery(app.get(Pool), { process: 'projector', address: `${config.health.host}:${port}` }, (err) =>
    log.warn(`cannot announce the metrics endpoint: ${err.message}`),
  );
  await app.get(ProjectorService).start();
}

/**
 * rebuild is the `rebuild <name> [--from store]` CLI: it asks the running projector to rebuild and waits until the replay
 * has caught up. Its catch-up check counts every stream of the projection behind, which can outlast the statement timeout
 * on a large log while the CLI has its own deadline, so its session has none.
 */
async function rebuild(config: ProjectorConfig, name: string | undefined, options: readonly string[]): Promise<void> {
  const pg = pgConfig({ ...config.database, statementTimeoutMs: 0 });
  const logProjection = name ? logProjectionNamed(name) : undefined;
  if (logProjection) return requestLogRebuild(logProjection, pg);
  const projection = name ? projectionNamed(name) : undefined;
  const from = options.join(' ') === '--from store' ? 'store' : options.length === 0 ? 'kafka' : null;
  if (!projection || !from) {
    const names = [...PROJECTIONS, ...LOG_PROJECTIONS].map((p) => p.name).join('|');
    log.error(`usage: main.js rebuild <${names}> [--from store]`);
    process.exit(2);
  }
  const bus = new KafkaEventBus(config.kafka.brokers, 'projector-cli', kafkaLogging(config.kafka.logLevel));
  const topics = new Topics(config.topics.prefix);
  try {
    await requestRebuild(projection, {
      pg,
      from,
      topicEnds: () => bus.topicEnds(projection.categories.map((c) => topics.events(c))),
    });
  } finally {
    await bus.disconnect();
  }
}

/** deadLetters is the `dead-letters` CLI: list, retry or skip what the projections parked. */
async function deadLetters(config: ProjectorConfig, args: readonly string[]): Promise<void> {
  const pool = createPool({ ...pgPoolConfig(config.database), max: 2 });
  try {
    await deadLettersCli(args, {
      pool,
      projections: PROJECTIONS,
      logProjections: LOG_PROJECTIONS,
      print: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    await pool.end();
  }
}

// A stray rejection (for example in a kafkajs event listener) is logged; the projector keeps running.
process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));

const [command, ...args] = process.argv.slice(2);
const config = loadOrExit('projector', () => loadConfig(process.env));
initLogging('projector', config.logging);
const run =
  command === 'rebuild'
    ? rebuild(config, args[0], args.slice(1))
    : command === 'dead-letters'
      ? deadLetters(config, args)
      : command === undefined
        ? serve(config)
        : Promise.reject(new Error(`usage: main.js [rebuild <name> [--from store] | ${DEAD_LETTERS_USAGE}]`));
run.catch((err: Error) => {
  log.error(err.message);
  process.exit(1);
});
