import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { initLogging, listenForHealth, loadOrExit, nestLogger } from '@mammoth/platform';
import { loadConfig } from './config';
import { nodeCredential } from './control-plane/enrolment';
import { NodeDaemonModule, NodeDaemonService } from './node-daemon.module';

const logger = new Logger('node-daemon');

/**
 * bootstrap starts one node daemon, `node dist/apps/node-daemon/src/main.js --driver docker`, or a fleet of hollow nodes,
 * `--driver sim --count 5000`, configured by the environment (see config.ts), with its probes on the health listener.
 */
async function bootstrap(): Promise<void> {
  const config = loadOrExit('node-daemon', () => loadConfig(process.env));
  initLogging('node-daemon', config.logging);
  const who =
    config.driver === 'sim'
      ? `${config.count} hollow node(s) ${config.sim.idPrefix}-0..${config.count - 1}`
      : `node ${config.nodeId}`;
  logger.log(
    `${who}: driver ${config.driver}, control plane ${config.controlPlaneUrls.join(',')}, kafka ${config.kafka.brokers.join(',')}, data ${config.dataDir}`,
  );
  const token = await nodeCredential(config, (m) => logger.log(m));
  const app = await NestFactory.create(NodeDaemonModule.forConfig({ ...config, token }), {
    logger: nestLogger(),
    abortOnError: false,
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const port = await listenForHealth(app, config.health, logger);
  app.get(NodeDaemonService).start((err) => {
    logger.error(`cannot continue: ${err.message}`);
    void app.close().finally(() => process.exit(1));
  }, port);
}

bootstrap().catch((err: Error) => {
  logger.error(`failed to start: ${err.message}`);
  process.exit(1);
});
