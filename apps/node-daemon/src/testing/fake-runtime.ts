import { Assignment } from '@mammoth/domain';
import { HealthCheck, PackageRef } from '@mammoth/events';
import { ActualContainer, ContainerExit, ContainerRuntime, ProbeResult } from '../runtime/container-runtime';

/**
 * FakeRuntime is an in-memory ContainerRuntime for unit tests: it counts calls, can fail images, can hold starts open, and
 * answers health probes from `probeAnswers` (a queue, then `probeDefault`).
 */
export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, ActualContainer & { exitCode: number | null }>();
  readonly calls = { start: 0, stop: 0, ensureImage: 0, maxConcurrentStarts: 0, probe: 0 };
  readonly probeAnswers: (ProbeResult | Error)[] = [];
  probeDefault: ProbeResult = { healthy: true, message: 'ok' };
  failImage: string | null = null;
  holdStarts: Promise<void> | null = null;
  private concurrentStarts = 0;
  private seq = 0;
  private listeners: ((e: ContainerExit) => void)[] = [];

  constructor(private readonly clock: () => number = () => 0) {}

  add(
    instanceId: string,
    status: ActualContainer['status'],
    exitCode: number | null = null,
    createdAt = this.clock(),
  ): string {
    const containerId = `c${++this.seq}`;
    this.containers.set(containerId, { containerId, instanceId, app: 'web', status, createdAt, exitCode });
    return containerId;
  }

  /** kill makes a container exit with the code and tells the watchers. */
  kill(containerId: string, exitCode: number): void {
    const c = this.containers.get(containerId)!;
    this.containers.set(containerId, { ...c, status: 'exited', exitCode });
    this.listeners.forEach((l) => l({ containerId, instanceId: c.instanceId }));
  }

  running(instanceId?: string): ActualContainer[] {
    return [...this.containers.values()].filter(
      (c) => c.status === 'running' && (!instanceId || c.instanceId === instanceId),
    );
  }

  async list(filter: { instanceId?: string } = {}): Promise<ActualContainer[]> {
    return [...this.containers.values()]
      .filter((c) => !filter.instanceId || c.instanceId === filter.instanceId)
      .map(({ exitCode: _, ...c }) => c);
  }

  async ensureImage(pkg: PackageRef): Promise<void> {
    this.calls.ensureImage++;
    if (this.failImage) throw new Error(`${this.failImage} (${pkg.imageRef})`);
  }

  async start(a: Assignment): Promise<string> {
    this.calls.start++;
    this.concurrentStarts++;
    this.calls.maxConcurrentStarts = Math.max(this.calls.maxConcurrentStarts, this.concurrentStarts);
    try {
      await this.holdStarts;
      return this.add(a.instanceId, 'running');
    } finally {
      this.concurrentStarts--;
    }
  }

  async stop(containerId: string): Promise<void> {
    this.calls.stop++;
    this.containers.delete(containerId);
  }

  async ping(): Promise<void> {}

  async exitCode(containerId: string): Promise<number | null> {
    return this.containers.get(containerId)?.exitCode ?? null;
  }

  watchExits(onExit: (exit: ContainerExit) => void): () => void {
    this.listeners.push(onExit);
    return () => (this.listeners = this.listeners.filter((l) => l !== onExit));
  }

  async probe(_containerId: string, _check: HealthCheck, _port: number): Promise<ProbeResult> {
    this.calls.probe++;
    const next = this.probeAnswers.shift() ?? this.probeDefault;
    if (next instanceof Error) throw next;
    return next;
  }
}
