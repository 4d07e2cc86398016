import { Assignment } from '@mammoth/domain';
import { HealthCheck, PackageRef } from '@mammoth/events';

/** ContainerStatus is what the daemon needs to know of a container's life: only `running` counts as serving. */
export type ContainerStatus = 'running' | 'exited' | 'created' | 'other';

/** ActualContainer is one container of this node, as a runtime lists it. */
export interface ActualContainer {
  readonly containerId: string;
  readonly instanceId: string;
  readonly app: string;
  readonly status: ContainerStatus;
  /** createdAt is epoch milliseconds; among duplicates the newest running one is kept. */
  readonly createdAt: number;
}

/** ContainerExit is what a runtime tells about a container that stopped on its own. */
export interface ContainerExit {
  readonly containerId: string;
  readonly instanceId: string;
}

/** ProbeResult is one health check's outcome: healthy or not, and what was seen (`HTTP 200`, `connection refused`, `exited 1: …`). */
export interface ProbeResult {
  readonly healthy: boolean;
  readonly message: string;
}

/** ContainerRuntime is the node daemon's port onto a container engine; Docker implements it, and so will the simulated driver. */
export interface ContainerRuntime {
  /** list returns this node's containers (all states), optionally only those of one instance. */
  list(filter?: { instanceId?: string }): Promise<ActualContainer[]>;
  /** ensureImage makes the package's image present locally; it is idempotent. */
  ensureImage(pkg: PackageRef): Promise<void>;
  /** start creates and starts a container for the assignment and returns its id; on failure it leaves no container behind. */
  start(assignment: Assignment): Promise<string>;
  /** stop stops (short grace period) and removes a container; a container that is already gone is not an error. */
  stop(containerId: string): Promise<void>;
  /** exitCode returns the exit code of a stopped container, or null when it is running, never ran or is gone. */
  exitCode(containerId: string): Promise<number | null>;
  /** watchExits calls onExit whenever one of this node's containers dies, until the returned function is called. */
  watchExits(onExit: (exit: ContainerExit) => void): () => void;
  /** probe runs one health check against a running container serving on `port`, within the check's timeout; it never throws. */
  probe(containerId: string, check: HealthCheck, port: number): Promise<ProbeResult>;
  /** ping resolves while the runtime answers, and rejects with the reason when it does not. */
  ping(): Promise<void>;
}

/** CONTAINER_RUNTIME is the injection token of the node's ContainerRuntime. */
export const CONTAINER_RUNTIME = Symbol('ContainerRuntime');
