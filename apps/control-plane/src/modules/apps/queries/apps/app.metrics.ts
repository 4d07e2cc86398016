import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { sampledGauge, sharedRead } from '@mammoth/platform';
import { AppModel } from '../../app.model';
import { RegistryReader } from './registry-reader';

const appInstances = sampledGauge({
  name: 'mammoth_app_instances',
  help: "An app's instances by count: desired, running (serving its desired version or not) and healthy.",
  labelNames: ['app', 'count'] as const,
});

const appCrashLoop = sampledGauge({
  name: 'mammoth_app_crash_loop',
  help: '1 while an app is in crash-loop-backoff (its repairs wait), else 0.',
  labelNames: ['app'] as const,
});

/** AppMetrics exports, at scrape time, each app's desired, running and healthy counts and whether it is crash-looping. */
@Injectable()
export class AppMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly untrack: (() => void)[] = [];

  private readonly apps: () => Promise<AppModel[]>;

  constructor(registry: RegistryReader) {
    this.apps = sharedRead(() => registry.apps());
  }

  onApplicationBootstrap(): void {
    this.untrack.push(
      appInstances.track(async () =>
        (await this.apps()).flatMap((a) => [
          { labels: { app: a.name, count: 'desired' }, value: a.desired },
          { labels: { app: a.name, count: 'running' }, value: a.running },
          { labels: { app: a.name, count: 'healthy' }, value: a.healthy },
        ]),
      ),
      appCrashLoop.track(async () =>
        (await this.apps()).map((a) => ({
          labels: { app: a.name },
          value: a.status === 'crash-loop-backoff' ? 1 : 0,
        })),
      ),
    );
  }

  onApplicationShutdown(): void {
    this.untrack.forEach((u) => u());
  }
}
