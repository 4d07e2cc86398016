import 'reflect-metadata';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { initLogging, listenForHealth, loadOrExit, LoopBeats, nestLogger } from '@mammoth/platform';
import { Applier } from './apply/applier';
import { StateFile } from './apply/state-file';
import { loadConfig } from './config';
import { LbConfigFeed } from './feed/lb-config-feed';
import { CompanionHealthModule, companionProbes, FEED_SILENCE_MS } from './health.module';
import { Nginx } from './nginx/nginx';
import { LISTEN_DEFAULT_INCLUDE, LISTEN_INCLUDE } from '@mammoth/read-models/lb-config/render';
import { BOOTSTRAP, confFiles } from './nginx/nginx-conf';
import { NginxTarget } from './nginx/nginx-target';
import { TargetsWriter } from './prometheus/targets-writer';

const log = new Logger('nginx-companion');

/**
 * The nginx companion makes nginx, a "dumb app" that knows nothing of Mammoth, follow the cluster: it runs its own nginx master
 * (Debian's package) on one loopback port, subscribes to the lb-config after the version it last applied, and applies each
 * new version with `nginx -t` and a graceful reload. nginx keeps serving while the companion restarts; on start the
 * companion finds it by its pid file (or starts it with the last applied configuration) and catches up. Its probes and
 * /metrics are served on the health listener. With PROMETHEUS_TARGETS_FILE it also keeps Prometheus' file_sd targets in
 * step with the registry.
 */
async function main(): Promise<void> {
  const config = loadOrExit('nginx-companion', () => loadConfig(process.env));
  initLogging('nginx-companion', config.logging);
  const nginx = new Nginx({
    bin: config.nginxBin,
    prefix: config.runDir,
    host: config.listenHost,
    port: config.listenPort,
  });
  const listen = {
    host: config.listenHost,
    port: config.listenPort,
    workerShutdownTimeout: config.workerShutdownTimeout,
  };
  nginx.prepare();
  const stateFile = new StateFile(join(config.runDir, 'state.json'));
  const state = stateFile.read();

  // First configuration ever: version 0 (503 everywhere). Later starts keep what was applied and refresh the listen files.
  const files = confFiles(BOOTSTRAP, listen);
  if (!nginx.hasConfig()) {
    await nginx.stage(files);
    nginx.install(files);
  } else {
    for (const name of [LISTEN_INCLUDE, LISTEN_DEFAULT_INCLUDE]) nginx.put(name, files[name]);
  }
  const running = nginx.pid();
  if (running === null) await nginx.start();
  else await nginx.reload();
  log.log(
    `nginx ${running === null ? 'started' : `(pid ${running}) adopted`} on ${config.listenHost}:${config.listenPort}, prefix ${config.runDir}; applied version ${state.version}`,
  );

  const applier = new Applier(new NginxTarget(nginx, listen), state, (s) => stateFile.write(s), log);
  const beats = new LoopBeats();
  const probes = companionProbes(beats, applier, nginx);
  const health = await NestFactory.create(CompanionHealthModule.forProbes(probes, config.controlPlaneUrls), {
    logger: nestLogger(),
  });
  const healthPort = await listenForHealth(health, config.health, log);
  const targets =
    config.targets &&
    new TargetsWriter({
      controlPlaneUrls: config.controlPlaneUrls,
      token: config.token,
      ...config.targets,
      self: { job: 'nginx-companion', address: `${config.health.host}:${healthPort}`, labels: [] },
      log,
    });
  targets?.start();
  const feed = new LbConfigFeed({
    controlPlaneUrls: config.controlPlaneUrls,
    token: config.token,
    applied: () => applier.applied,
    onVersion: (v) => applier.offer(v),
    onDiverged: () => applier.forget(),
    log,
    onBeat: () => beats.beat('lb-config-feed', FEED_SILENCE_MS),
  });
  feed.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log(`${signal}: stopping${config.stopNginxOnExit ? ' nginx too' : '; nginx keeps serving'}`);
    targets?.stop();
    await feed.stop();
    await applier.stop();
    await health.close();
    if (config.stopNginxOnExit) await nginx.quit();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));

main().catch((err: Error) => {
  log.error(`cannot start: ${err.message}`);
  process.exit(1);
});
