import { randomBytes } from 'node:crypto';
import { Assignment } from '@mammoth/domain';
import { ActualContainer, ContainerExit, ContainerRuntime, ProbeResult } from './container-runtime';

interface SimContainer extends ActualContainer {
  readonly exitCode: number | null;
}

/** PROCESS_TAG makes container ids of this process unlike those of an earlier run, as a rebooted machine's would be. */
const PROCESS_TAG = randomBytes(4).toString('hex');
let sequence = 0;

/** simContainerId is a fake 64-hex container id, unique in this process and very likely across runs. */
function simContainerId(): string {
  return `${PROCESS_TAG}${(++sequence).toString(16).padStart(12, '0')}`.padEnd(64, '0');
}

/**
 * SimRuntime is the hollow node's container engine (kubemark's fake runtime): containers live in a map, start
 * instantly and run until stopped or `crash`ed. It keeps nothing across restarts, like a machine that rebooted.
 */
export class SimRuntime implements ContainerRuntime {
  private readonly containers = new Map<string, SimContainer>();
  private readonly listeners = new Set<(exit: ContainerExit) => void>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** size is the number of containers this node holds, running or not. */
  get size(): number {
    return this.containers.size;
  }

  async list(filter: { instanceId?: string } = {}): Promise<ActualContainer[]> {
    const out: ActualContainer[] = [];
    for (const { exitCode: _, ...c } of this.containers.values())
      if (!filter.instanceId || c.instanceId === filter.instanceId) out.push(c);
    return out;
  }

  async ensureImage(): Promise<void> {
    // A hollow node never loads the image: the package only has to exist on the control plane.
  }

  async start(a: Assignment): Promise<string> {
    const containerId = simContainerId();
    this.containers.set(containerId, {
      containerId,
      instanceId: a.instanceId,
      app: a.app,
      status: 'running',
      createdAt: this.clock(),
      exitCode: null,
    });
    return containerId;
  }

  async stop(containerId: string): Promise<void> {
    this.containers.delete(containerId);
  }

  /** ping always answers: the simulated runtime is in the process. */
  async ping(): Promise<void> {}

  async exitCode(containerId: string): Promise<number | null> {
    return this.containers.get(containerId)?.exitCode ?? null;
  }

  watchExits(onExit: (exit: ContainerExit) => void): () => void {
    this.listeners.add(onExit);
    return () => void this.listeners.delete(onExit);
  }

  /** probe answers healthy for a running container: a hollow node's instances serve nothing to check. */
  async probe(containerId: string): Promise<ProbeResult> {
    return this.containers.get(containerId)?.status === 'running'
      ? { healthy: true, message: 'simulated' }
      : { healthy: false, message: 'container not running' };
  }

  /** crash makes an instance's running container exit with the code, as a real process dying would; false when none runs. */
  crash(instanceId: string, exitCode = 1): boolean {
    const c = [...this.containers.values()].find((x) => x.instanceId === instanceId && x.status === 'running');
    if (!c) return false;
    this.containers.set(c.containerId, { ...c, status: 'exited', exitCode });
    for (const l of this.listeners) l({ containerId: c.containerId, instanceId });
    return true;
  }
}
