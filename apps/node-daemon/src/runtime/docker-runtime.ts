import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import Docker from 'dockerode';
import { Assignment } from '@mammoth/domain';
import { HealthCheck, PackageRef } from '@mammoth/events';
import { ActualContainer, ContainerExit, ContainerRuntime, ProbeResult } from './container-runtime';
import { DEFAULT_DOCKER_TIMEOUTS, DockerTimeouts, withDeadline } from './docker-deadline';
import { execProbe } from './docker-exec';
import {
  actualOf,
  containerSpec,
  ContainerSettings,
  DEFAULT_CONTAINER_SETTINGS,
  LABELS,
  networkSpec,
} from './docker-mapping';
import { PackageCache } from './package-cache';
import { watchDockerEvents } from './docker-events';
import { httpProbe, tcpProbe } from './probes';
import { ContainerUsage, DockerStats, usageOf } from '../usage/docker-stats';

/** STOP_TIMEOUT_S is the grace period between SIGTERM and SIGKILL when stopping a container. */
const STOP_TIMEOUT_S = 5;

/** statusCode reads the HTTP status dockerode puts on its errors. */
const statusCode = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;

/** ignoring swallows the Docker errors that mean "already done" (404 gone, 304 already stopped, 409 removal in progress). */
async function ignoring(codes: number[], op: Promise<unknown>): Promise<void> {
  try {
    await op;
  } catch (err) {
    if (!codes.includes(statusCode(err) ?? 0)) throw err;
  }
}

/**
 * DockerRuntime runs assignments as Docker containers labelled with this node's id, loading images from package blobs when
 * missing; the containers serve on the node's address, where it probes them. Every call to the engine has a deadline
 * (DockerTimeouts), so a hung dockerd fails calls with a DockerTimeoutError instead of stalling the daemon.
 */
export class DockerRuntime implements ContainerRuntime {
  private readonly loading = new Map<string, Promise<void>>();
  private network: Promise<void> | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly nodeId: string,
    private readonly packages: PackageCache,
    private readonly address: string,
    private readonly timeouts: DockerTimeouts = DEFAULT_DOCKER_TIMEOUTS,
    private readonly settings: ContainerSettings = DEFAULT_CONTAINER_SETTINGS,
  ) {}

  /** call runs one API call under the call deadline. */
  private call<T>(name: string, fn: (abortSignal: AbortSignal) => Promise<T>, extraMs = 0): Promise<T> {
    return withDeadline(name, this.timeouts.callMs + extraMs, fn);
  }

  async list(filter: { instanceId?: string } = {}): Promise<ActualContainer[]> {
    const label = [
      `${LABELS.node}=${this.nodeId}`,
      filter.instanceId ? `${LABELS.instance}=${filter.instanceId}` : LABELS.instance,
    ];
    const containers = await this.call('list', (abortSignal) =>
      this.docker.listContainers({ all: true, filters: { label }, abortSignal }),
    );
    return containers.map(actualOf);
  }

  ensureImage(pkg: PackageRef): Promise<void> {
    let loading = this.loading.get(pkg.imageRef);
    if (!loading) {
      loading = this.loadIfMissing(pkg).finally(() => this.loading.delete(pkg.imageRef));
      this.loading.set(pkg.imageRef, loading);
    }
    return loading;
  }

  async start(a: Assignment): Promise<string> {
    if ((a.isolation?.network ?? 'bridge') === 'bridge') await this.ensureNetwork();
    const spec = containerSpec(a, this.nodeId, randomBytes(2).toString('hex'), this.address, this.settings);
    const container = await this.call('create', (abortSignal) => this.docker.createContainer({ ...spec, abortSignal }));
    try {
      await this.call('start', (abortSignal) => container.start({ abortSignal }));
    } catch (err) {
      await ignoring(
        [404, 409],
        this.call('remove', (abortSignal) => container.remove({ force: true, abortSignal })),
      );
      throw err;
    }
    return container.id;
  }

  async stop(containerId: string): Promise<void> {
    const container = this.docker.getContainer(containerId);
    const grace = STOP_TIMEOUT_S * 1000;
    await ignoring(
      [304, 404],
      this.call('stop', (abortSignal) => container.stop({ t: STOP_TIMEOUT_S, abortSignal }), grace),
    );
    await ignoring(
      [404, 409],
      this.call('remove', (abortSignal) => container.remove({ force: true, abortSignal })),
    );
  }

  /** ensureNetwork makes the Mammoth bridge network once, when missing (another daemon making it at once is fine). */
  private ensureNetwork(): Promise<void> {
    this.network ??= this.createNetworkIfMissing().catch((err: unknown) => {
      this.network = null;
      throw err;
    });
    return this.network;
  }

  private async createNetworkIfMissing(): Promise<void> {
    const name = this.settings.network;
    // Docker's name filter matches substrings: the exact name is looked for among what it lists.
    const listed = await this.call('network list', (abortSignal) =>
      this.docker.listNetworks({ filters: { name: [name] }, abortSignal }),
    );
    if (listed.some((n) => n.Name === name)) return;
    await ignoring(
      [409],
      this.call('network create', (abortSignal) => this.docker.createNetwork({ ...networkSpec(name), abortSignal })),
    );
  }

  /** usage reads one container's use since it started from Docker's stats API (one sample, no streaming). */
  async usage(containerId: string): Promise<ContainerUsage> {
    // @types/dockerode leaves out one-shot (API 1.41: answer at once, without a second sample for precpu_stats).
    const container = this.docker.getContainer(containerId) as unknown as {
      stats(opts: { stream: false; 'one-shot': boolean; abortSignal: AbortSignal }): Promise<DockerStats>;
    };
    return usageOf(
      await this.call('stats', (abortSignal) => container.stats({ stream: false, 'one-shot': true, abortSignal })),
    );
  }

  /** ping asks dockerd whether it answers (GET /_ping), within the call deadline. */
  async ping(): Promise<void> {
    // @types/dockerode leaves out ping's options, which dockerode takes (and passes the signal on) like every other call.
    const docker = this.docker as unknown as { ping(opts: { abortSignal: AbortSignal }): Promise<unknown> };
    await this.call('ping', (abortSignal) => docker.ping({ abortSignal }));
  }

  async exitCode(containerId: string): Promise<number | null> {
    try {
      const { State } = await this.call('inspect', (abortSignal) =>
        this.docker.getContainer(containerId).inspect({ abortSignal }),
      );
      return State.Running || State.Status === 'created' ? null : State.ExitCode;
    } catch (err) {
      if (statusCode(err) === 404) return null;
      throw err;
    }
  }

  watchExits(onExit: (exit: ContainerExit) => void): () => void {
    return watchDockerEvents(
      this.docker,
      { type: ['container'], event: ['die'], label: [`${LABELS.node}=${this.nodeId}`] },
      (e) => {
        const instanceId = e.Actor?.Attributes?.[LABELS.instance];
        if (instanceId && e.id) onExit({ containerId: e.id, instanceId });
      },
    );
  }

  probe(containerId: string, check: HealthCheck, port: number): Promise<ProbeResult> {
    switch (check.kind) {
      case 'http':
        return httpProbe(port, check.path, check.expectedStatus, check.timeoutMs, this.address);
      case 'tcp':
        return tcpProbe(port, check.timeoutMs, this.address);
      case 'command':
        return execProbe(this.docker, containerId, check.command, check.timeoutMs);
      default: {
        const _exhaustive: never = check;
        return _exhaustive;
      }
    }
  }

  private async hasImage(ref: string): Promise<boolean> {
    try {
      // dockerode's image inspect takes no abort signal: the deadline settles the call, the request is left to the socket.
      await this.call('image inspect', () => this.docker.getImage(ref).inspect());
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  private async loadIfMissing(pkg: PackageRef): Promise<void> {
    if (await this.hasImage(pkg.imageRef)) return;
    const file = await this.packages.path(pkg.digest);
    const output = await withDeadline('load', this.timeouts.loadMs, async (abortSignal) => {
      const progress = await this.docker.loadImage(createReadStream(file), { abortSignal });
      return new Promise<{ error?: string; errorDetail?: { message?: string } }[]>((resolve, reject) =>
        this.docker.modem.followProgress(progress, (err: Error | null, out: unknown[]) =>
          err ? reject(err) : resolve(out as never),
        ),
      );
    });
    const failed = output.find((o) => o.error || o.errorDetail);
    if (failed) throw new Error(`docker load of ${pkg.digest} failed: ${failed.errorDetail?.message ?? failed.error}`);
    if (!(await this.hasImage(pkg.imageRef)))
      throw new Error(`package ${pkg.name}@${pkg.version} (${pkg.digest}) does not contain image ${pkg.imageRef}`);
  }
}
