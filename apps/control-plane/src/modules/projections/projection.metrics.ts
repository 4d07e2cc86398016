import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { sampledGauge, sharedRead } from '@mammoth/platform';
import { ProjectionModel } from './projection.model';
import { ProjectionsReader } from './queries/projections/projections-reader';

const projectionLag = sampledGauge({
  name: 'mammoth_projection_lag_events',
  help: 'Events (or Kafka messages) a consumer of the log has yet to apply, per projection.',
  labelNames: ['projection'] as const,
});

const deadLetters = sampledGauge({
  name: 'mammoth_projection_dead_letters',
  help: 'Events a projection parked (status parked) or holds behind them (status waiting).',
  labelNames: ['projection', 'status'] as const,
});

/** ProjectionMetrics exports, at scrape time, what the projections query shows: each projection's lag and dead letters. */
@Injectable()
export class ProjectionMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly untrack: (() => void)[] = [];

  private readonly rows: () => Promise<ProjectionModel[]>;

  constructor(reader: ProjectionsReader) {
    this.rows = sharedRead(() => reader.projections());
  }

  onApplicationBootstrap(): void {
    this.untrack.push(
      projectionLag.track(async () =>
        (await this.rows()).flatMap((p) =>
          p.lag === undefined ? [] : [{ labels: { projection: p.name }, value: p.lag }],
        ),
      ),
      deadLetters.track(async () =>
        (await this.rows()).flatMap((p) => [
          { labels: { projection: p.name, status: 'parked' }, value: p.parked ?? 0 },
          { labels: { projection: p.name, status: 'waiting' }, value: p.waiting ?? 0 },
        ]),
      ),
    );
  }

  onApplicationShutdown(): void {
    this.untrack.forEach((u) => u());
  }
}
