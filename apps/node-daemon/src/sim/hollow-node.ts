import { NodeInfo } from '@mammoth/domain';
import { streamIds } from '@mammoth/events';
import { NodeDaemonConfig } from '../config';
import { isRefused } from '../control-plane/graphql-client';
import { DesiredState, SnapshotSource, StreamEvent } from '../desired-state';
import { nodeInfoOf } from '../node-agent';
import { ReconcileLoop } from '../agent/reconcile-loop';
import { ReportQueue, ReportSink } from '../agent/report-queue';
import { SimRuntime } from '../runtime/sim-runtime';

/** HollowNodeDeps are what one hollow node shares with its fleet: where snapshots come from and reports go, and logging. */
export interface HollowNodeDeps {
  readonly config: NodeDaemonConfig;
  readonly snapshots: SnapshotSource;
  readonly reports: ReportSink;
  /** reregister registers the node again after the control plane removed it (the fleet does it with bounded concurrency). */
  readonly reregister?: (node: HollowNode) => void;
  readonly log: (message: string) => void;
  readonly trace: (message: string) => void;
}

/**
 * HollowNode is one simulated machine: the real daemon's DesiredState, ReconcileLoop (with its per-instance workers) and
 * ReportQueue over a SimRuntime. Only the fleet around it differs from a NodeAgent: it shares the Kafka consumer,
 * heartbeats, snapshot fetches and report calls with every other hollow node of the process.
 */
export class HollowNode {
  readonly nodeId: string;
  readonly streamId: string;
  /** info is what this node registers. */
  readonly info: NodeInfo;
  readonly runtime = new SimRuntime();
  readonly desired: DesiredState;
  private readonly loop: ReconcileLoop;
  private readonly reports: ReportQueue;

  constructor(deps: HollowNodeDeps) {
    const { config, log } = deps;
    this.nodeId = config.nodeId;
    this.streamId = streamIds.node(config.nodeId);
    this.info = nodeInfoOf(config);
    this.reports = new ReportQueue(
      deps.reports,
      (err, pending) =>
        log(`${this.nodeId}: reporting ${pending} instance state(s) failed, will retry: ${(err as Error).message}`),
      isRefused,
      (r, err) =>
        log(
          `${this.nodeId}: control plane refused report ${r.state} of instance ${r.instanceId}, dropping it: ${(err as Error).message}`,
        ),
    );
    this.desired = new DesiredState(
      this.info,
      deps.snapshots,
      () => void this.loop.trigger(),
      () => deps.reregister?.(this),
    );
    this.loop = new ReconcileLoop({
      nodeId: config.nodeId,
      runtime: this.runtime,
      reports: this.reports,
      desired: () => this.desired.assignments(),
      released: () => this.desired.takeReleased(),
      log: (m) => log(`${this.nodeId}: ${m}`),
      trace: deps.trace,
    });
    this.runtime.watchExits(() => void this.loop.trigger());
  }

  /** receive takes one live event of this node's stream. */
  receive(e: StreamEvent): void {
    this.desired.receive(e);
  }

  /** resync fetches this node's snapshot (through the fleet's bounded fetcher). */
  resync(): Promise<void> {
    return this.desired.resync();
  }

  /** tick asks for a reconcile pass, the safety net that the real daemon's reconcile interval is. */
  tick(): Promise<void> {
    return this.loop.trigger();
  }

  /** drain waits for the workers and sends the reports they produced. */
  drain(): Promise<void> {
    return this.loop.drain();
  }
}
