import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { KafkaEventBus, Topics } from '@mammoth/events';
import {
  HealthModule,
  kafkaLogging,
  kafkaProbe,
  LoggingModule,
  LoopBeats,
  MetricsModule,
  Probe,
} from '@mammoth/platform';
import { CONFIG, NodeDaemonConfig } from './config';
import { ControlPlaneClient } from './control-plane/control-plane.client';
import { NodeAgent } from './node-agent';
import { CONTAINER_RUNTIME, ContainerRuntime } from './runtime/container-runtime';
import { createRuntime } from './runtime/create-runtime';
import { DockerRuntime } from './runtime/docker-runtime';
import { HollowFleet } from './sim/hollow-fleet';

/** Daemon is what runs inside the process: one NodeAgent (docker) or a HollowFleet of simulated nodes (sim). */
export interface Daemon {
  /** start runs the daemon; `metricsPort` is where it serves /metrics, which it registers. */
  start(onFatal: (err: Error) => void, metricsPort?: number): void;
  stop(): Promise<void>;
}

/** DAEMON is the injection token of the process's Daemon. */
export const DAEMON = Symbol('Daemon');

/** NodeDaemonService owns the daemon's lifetime inside the Nest context: started by main, stopped on shutdown (containers keep running). */
@Injectable()
export class NodeDaemonService implements OnApplicationShutdown {
  private readonly logger = new Logger('node-daemon');

  constructor(
    @Inject(DAEMON) private readonly daemon: Daemon,
    private readonly bus: KafkaEventBus,
  ) {}

  start(onFatal: (err: Error) => void, metricsPort?: number): void {
    this.daemon.start(onFatal, metricsPort);
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}; containers keep running`);
    await this.daemon.stop();
    await this.bus.disconnect();
  }
}

/** SIM_CALL_TIMEOUT_MS gives a fleet's merged report calls room: one call carries the reports of many nodes. */
const SIM_CALL_TIMEOUT_MS = 30000;

/** heartbeatSilenceMs is how long heartbeats may stop (a publish hung) before the daemon counts as hung: ten beats, at least a minute. */
const heartbeatSilenceMs = (c: NodeDaemonConfig) => Math.max(60_000, 10 * c.heartbeatIntervalMs);

/** runtimeProbe is ready while the container runtime answers a ping (a hung dockerd makes the node not ready). */
function runtimeProbe(runtime: ContainerRuntime): Probe {
  return { name: 'container-runtime', check: () => runtime.ping() };
}

/**
 * NodeDaemonModule wires one node daemon (or one fleet of hollow nodes): its config, the control-plane client, Kafka, the
 * runtime and the daemon, and serves /healthz (heartbeats go round), /readyz (Kafka and the container runtime answer)
 * and /metrics (to tokens the control plane says hold metrics:read).
 */
@Module({})
export class NodeDaemonModule {
  static forConfig(config: NodeDaemonConfig): DynamicModule {
    const sim = config.driver === 'sim';
    const clientId = sim ? `node-daemon-sim-${config.sim.idPrefix}` : `node-daemon-${config.nodeId}`;
    return {
      module: NodeDaemonModule,
      global: true,
      imports: [
        LoggingModule.forRoot(),
        MetricsModule.forRoot({ process: 'node-daemon', controlPlaneUrls: config.controlPlaneUrls }),
        HealthModule.forProbes({
          inject: [LoopBeats, KafkaEventBus, CONTAINER_RUNTIME],
          useFactory: (beats: LoopBeats, bus: KafkaEventBus, runtime: ContainerRuntime) => ({
            liveness: [beats.probe()],
            readiness: [kafkaProbe(bus), runtimeProbe(runtime)],
          }),
        }),
      ],
      exports: [LoopBeats, KafkaEventBus, CONTAINER_RUNTIME],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LoopBeats, useFactory: () => new LoopBeats() },
        { provide: Topics, useFactory: () => new Topics(config.topics.prefix) },
        {
          provide: KafkaEventBus,
          useFactory: () => new KafkaEventBus(config.kafka.brokers, clientId, kafkaLogging(config.kafka.logLevel)),
        },
        {
          provide: ControlPlaneClient,
          useFactory: () =>
            new ControlPlaneClient(
              config.controlPlaneUrls,
              config.nodeId,
              sim ? SIM_CALL_TIMEOUT_MS : undefined,
              config.token,
            ),
        },
        {
          provide: CONTAINER_RUNTIME,
          inject: [ControlPlaneClient],
          useFactory: (cp: ControlPlaneClient) => createRuntime(config, cp),
        },
        {
          provide: DAEMON,
          inject: [CONTAINER_RUNTIME, ControlPlaneClient, KafkaEventBus, Topics, LoopBeats],
          useFactory: (
            runtime: ContainerRuntime,
            controlPlane: ControlPlaneClient,
            bus: KafkaEventBus,
            topics: Topics,
            beats: LoopBeats,
          ): Daemon => {
            const logger = new Logger(sim ? 'hollow-fleet' : 'node-daemon');
            const log = (m: string) => logger.log(m);
            const onBeat = () => beats.beat('heartbeats', heartbeatSilenceMs(config));
            if (sim)
              return new HollowFleet({ config, controlPlane, bus, topics, log, verbose: config.sim.verbose, onBeat });
            const usage = runtime instanceof DockerRuntime ? runtime : undefined;
            return new NodeAgent({ config, runtime, controlPlane, bus, topics, log, onBeat, usage });
          },
        },
        NodeDaemonService,
      ],
    };
  }
}
