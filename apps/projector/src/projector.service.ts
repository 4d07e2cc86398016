import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { KafkaEventBus, Topics } from '@mammoth/events';
import { pgConfig } from '@mammoth/event-store';
import { LoopBeats } from '@mammoth/platform';
import { CONFIG, ProjectorConfig } from './config';
import { HeartbeatConsumer } from './heartbeats/heartbeat-consumer';
import { LOG_PROJECTIONS, PROJECTIONS } from './projections';
import { LogProjections } from './runner/log-projections';
import { ProjectionRunner } from './runner/projection-runner';
import { RebuildSource } from './runner/projection';
import { RebuildListener } from './runner/rebuild-listener';
import { registerRunners, RunnerEntry } from './runner/runner-registry';

/** ProjectorService runs every projection, the heartbeat consumer and the rebuild listener, and stops them in order on shutdown. */
@Injectable()
export class ProjectorService implements OnApplicationShutdown {
  private readonly log = new Logger('projector');
  readonly runners: ProjectionRunner[];
  private readonly heartbeats: HeartbeatConsumer;
  private readonly listener: RebuildListener;
  readonly logProjections: LogProjections;
  private stopping = false;

  constructor(
    @Inject(CONFIG) private readonly config: ProjectorConfig,
    private readonly pool: Pool,
    private readonly bus: KafkaEventBus,
    private readonly topics: Topics,
    beats: LoopBeats,
  ) {
    const deps = { pool, bus, topics, log: this.log };
    const pg = pgConfig(config.database);
    this.logProjections = new LogProjections(pg, pool, LOG_PROJECTIONS, this.log, beats);
    const watermark = this.logProjections.watermark;
    this.runners = PROJECTIONS.map((p) => new ProjectionRunner(p, { ...deps, watermark }));
    this.heartbeats = new HeartbeatConsumer(deps);
    this.listener = new RebuildListener(pg, (name, from) => this.rebuild(name, from), this.log);
  }

  /** start creates the topics (waiting for Kafka if need be) and starts every consumer. */
  async start(): Promise<void> {
    await this.ensureTopics();
    if (this.stopping) return;
    await this.listener.start();
    await this.register();
    await Promise.all([...this.runners.map((r) => r.start()), this.heartbeats.start(), this.logProjections.start()]);
    const names = [...this.runners.map((r) => r.name), ...this.logProjections.names];
    this.log.log(`projector: running ${names.join(', ')} and heartbeats on ${this.topics.prefix}.*`);
  }

  /** rebuild replays one projection from offset zero (or from the event store first); unknown names are refused. */
  async rebuild(name: string, from: RebuildSource = 'kafka'): Promise<void> {
    const runner = this.runners.find((r) => r.name === name);
    if (runner) await runner.rebuild(from);
    else if (!(await this.logProjections.rebuild(name))) throw new Error(`no projection named ${name}`);
    this.log.log(`projection ${name}: cleared; replaying`);
  }

  /** onApplicationShutdown stops listening, lets in-flight batches finish, then closes Kafka and PostgreSQL. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.listener.stop();
    await Promise.all([...this.runners.map((r) => r.stop()), this.heartbeats.stop(), this.logProjections.stop()]);
    await this.bus.disconnect();
    await this.pool.end();
  }

  /** register records which projections run and what they read, for the control plane's `projections` query. */
  private async register(): Promise<void> {
    const runners: RunnerEntry[] = [
      ...PROJECTIONS.map((p) => ({
        name: p.name,
        kind: 'kafka' as const,
        sources: p.categories.map((c) => this.topics.events(c)),
      })),
      ...LOG_PROJECTIONS.map((p) => ({ name: p.name, kind: 'log' as const, sources: [...p.types] })),
    ];
    for (let delay = 500; !this.stopping; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await registerRunners(this.pool, runners);
      } catch (err) {
        this.log.warn(`cannot register the projections yet (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async ensureTopics(): Promise<void> {
    for (let delay = 500; !this.stopping; delay = Math.min(delay * 2, 10_000)) {
      try {
        const ensured = await this.bus.ensureTopics(this.topics.specs(this.config.topics));
        if (ensured.corrected.length) this.log.log(`corrected the settings of topics ${ensured.corrected.join(', ')}`);
        return;
      } catch (err) {
        this.log.warn(`cannot create topics yet (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
