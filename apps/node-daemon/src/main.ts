import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from './config';
import { NodeDaemonModule, NodeDaemonService } from './node-daemon.module';

/**
 * bootstrap starts one node daemon, `node dist/apps/node-daemon/src/main.js --driver docker`, or a fleet of hollow nodes,
 * `--driver sim --count 5000`, configured by the environment (see config.ts).
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('node-daemon');
  const config = loadConfig();
  const who =
    config.driver === 'sim'
      ? `${config.count} hollow node(s) ${config.sim.idPrefix}-0..${config.count - 1}`
      : `node ${config.nodeId}`;
  logger.log(
    `${who}: driver ${config.driver}, control plane ${config.controlPlaneUrl}, kafka ${config.kafkaBrokers.join(',')}, data ${config.dataDir}`,
  );
  const app = await NestFactory.createApplicationContext(NodeDaemonModule.forConfig(config), { abortOnError: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  app.get(NodeDaemonService).start((err) => {
    logger.error(`cannot continue: ${err.message}`);
    void app.close().finally(() => process.exit(1));
  });
}

bootstrap().catch((err: Error) => {
  new Logger('node-daemon').error(`failed to start: ${err.message}`);
  process.exit(1);
});
