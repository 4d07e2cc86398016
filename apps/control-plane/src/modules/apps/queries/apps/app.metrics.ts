import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { sampledGauge } from '@mammoth/platform';
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

/** FRESH_MS lets both gauges of one scrape share one read of the registry. */
const FRESH_MS = 1000;

/** AppMetrics exports, at scrape time, each app's desired, running and healthy counts and whether it is crash-looping. */
@Injectable()
export class AppMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private read: { at: number; apps: Promise<AppModel[]> } | null = null;
  private readonly untrack: (() => void)[] = [];

  constructor(private readonly registry: RegistryReader) {}

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

  private apps(): Promise<AppModel[]> {
    const now = Date.now();
    if (!this.read || now - this.read.at > FRESH_MS) this.read = { at: now, apps: this.registry.apps() };
    return this.read.apps;
  }
}
