import { EventOfType, MammothEvent, RecordedEvent } from '@mammoth/events';

/**
 * LbAppRow is one row of rm_lb_apps, an app the load balancer knows: deployed and not removed; `version` is the package version
 * it rolls out (new placements without a version run it), `canary_weight` the % of traffic its new version gets during a
 * canary (else null).
 */
export interface LbAppRow {
  name: string;
  version: string;
  canary_weight: number | null;
}

/** LbNodeRow is one row of rm_lb_nodes, a node whose instances can be routed to; hollow (`sim`) nodes are not tracked. */
export interface LbNodeRow {
  node_id: string;
  lost: boolean;
}

/**
 * LbEndpointRow is one row of rm_lb_endpoints, a placed instance as the load balancer sees it; `weight` is its base weight
 * (1; canaries scale it in upstreams()). `desired` is 'drain' once a rollout takes it out of rotation before stopping it.
 * `health` is 'none' without a health check, else the last verdict on its current container ('unknown' until one).
 */
export interface LbEndpointRow {
  instance_id: string;
  app: string;
  node_id: string;
  host: string;
  port: number;
  weight: number;
  desired: 'run' | 'drain' | 'stop';
  state: 'placed' | 'running' | 'exited' | 'failed' | 'stopped';
  version: string;
  health: 'none' | 'unknown' | 'healthy' | 'unhealthy';
  container_id: string | null;
}

/** Upstream is one app's routable endpoints, sorted; an app with none is still listed (it answers 503). */
export interface Upstream {
  app: string;
  servers: { host: string; port: number; weight: number }[];
}

export const APP_EVENTS = [
  'AppDeployed',
  'AppRemoved',
  'AppUpdateStarted',
  'AppRollbackStarted',
  'AppCanaryPromoted',
  'AppUpdateCompleted',
] as const;
export const NODE_EVENTS = ['NodeRegistered', 'NodeLost', 'NodeRecovered', 'NodeRemoved'] as const;
export const ENDPOINT_EVENTS = [
  'InstancePlaced',
  'InstanceStopRequested',
  'InstanceLost',
  'InstanceRunning',
  'InstanceExited',
  'InstanceFailed',
  'InstanceStopped',
  'InstanceDraining',
  'InstanceHealthChanged',
] as const;
/** LB_EVENT_TYPES are every event type the lb-config read model folds. */
export const LB_EVENT_TYPES: readonly string[] = [...APP_EVENTS, ...NODE_EVENTS, ...ENDPOINT_EVENTS];

type AppEv = EventOfType<(typeof APP_EVENTS)[number]>;
type NodeEv = EventOfType<(typeof NODE_EVENTS)[number]>;
type EndpointEv = EventOfType<(typeof ENDPOINT_EVENTS)[number]>;

/** evolveLbApp: a deploy (or re-deploy) makes the app known, a removal forgets it; rollouts move its version and canary weight. */
export function evolveLbApp(row: LbAppRow | null, e: AppEv): LbAppRow | null {
  switch (e.type) {
    case 'AppDeployed':
      return { name: e.data.name, version: e.data.package.version, canary_weight: null };
    case 'AppRemoved':
      return null;
    case 'AppUpdateStarted':
      return row && { ...row, version: e.data.to.version, canary_weight: e.data.canary?.weight ?? null };
    case 'AppRollbackStarted':
      return row && { ...row, version: e.data.to.version, canary_weight: null };
    case 'AppCanaryPromoted':
    case 'AppUpdateCompleted':
      return row && { ...row, canary_weight: null };
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
}

/** evolveLbNode tracks whether a real node is lost; a sim node, or an event for a node it never saw, leaves nothing. */
export function evolveLbNode(row: LbNodeRow | null, e: NodeEv): LbNodeRow | null {
  switch (e.type) {
    case 'NodeRegistered':
      return e.data.driver === 'sim' ? null : { node_id: e.data.nodeId, lost: row?.lost ?? false };
    case 'NodeLost':
      return row && { ...row, lost: true };
    case 'NodeRecovered':
      return row && { ...row, lost: false };
    case 'NodeRemoved':
      return null;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
}

/**
 * evolveLbEndpoint follows one instance from placement to its end. A placement on a node that is not tracked (sim, unknown)
 * leaves nothing, so hollow nodes cost the read model nothing; an instance that is stopped for good is forgotten.
 */
export function evolveLbEndpoint(
  row: LbEndpointRow | null,
  e: EndpointEv,
  nodeTracked: boolean,
  appVersion = '',
): LbEndpointRow | null {
  switch (e.type) {
    case 'InstancePlaced': {
      const d = e.data;
      if (!nodeTracked) return null;
      const health = d.healthCheckKind ? 'unknown' : 'none';
      return {
        instance_id: d.instanceId,
        app: d.app,
        node_id: d.nodeId,
        host: d.host,
        port: d.port,
        weight: 1,
        desired: 'run',
        state: 'placed',
        version: d.version ?? appVersion,
        health,
        container_id: null,
      };
    }
    case 'InstanceDraining':
      return row && (row.desired === 'run' ? { ...row, desired: 'drain' } : row);
    case 'InstanceHealthChanged':
      // A verdict on another container than the one running is stale.
      if (
        !row ||
        row.health === 'none' ||
        (e.data.containerId && row.container_id && e.data.containerId !== row.container_id)
      )
        return row;
      return { ...row, health: e.data.healthy ? 'healthy' : 'unhealthy' };
    case 'InstanceStopRequested':
    case 'InstanceLost':
      return row && (row.state === 'stopped' ? null : { ...row, desired: 'stop' });
    case 'InstanceRunning': {
      // A new container's health is unknown until its first check.
      if (!row) return row;
      const fresh = row.health !== 'none' && row.container_id !== e.data.containerId;
      return {
        ...row,
        state: 'running',
        container_id: e.data.containerId,
        ...(fresh ? { health: 'unknown' as const } : {}),
      };
    }
    case 'InstanceExited':
      return row && { ...row, state: 'exited' };
    case 'InstanceFailed':
      return row && { ...row, state: 'failed' };
    case 'InstanceStopped':
      return row && (row.desired === 'stop' ? null : { ...row, state: 'stopped' });
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
}

const has = (list: readonly string[], type: string): boolean => list.includes(type);

/**
 * LbModel is the lb-config read model's state in memory: known apps, real nodes and endpoints. `apply` folds one event with
 * the evolve functions above and remembers which rows changed, so the projection writes only those.
 */
export class LbModel {
  readonly apps = new Map<string, LbAppRow>();
  readonly nodes = new Map<string, LbNodeRow>();
  readonly endpoints = new Map<string, LbEndpointRow>();
  readonly touched = { apps: new Set<string>(), nodes: new Set<string>(), endpoints: new Set<string>() };

  /** apply folds one event and says whether any row changed (and so the rendered configuration may have). */
  apply(recorded: RecordedEvent<MammothEvent>): boolean {
    const e = recorded.event;
    if (has(APP_EVENTS, e.type)) {
      const ev = e as AppEv;
      return this.put(this.apps, this.touched.apps, ev.data.name, evolveLbApp(this.apps.get(ev.data.name) ?? null, ev));
    }
    if (has(NODE_EVENTS, e.type)) {
      const ev = e as NodeEv;
      let changed = this.put(
        this.nodes,
        this.touched.nodes,
        ev.data.nodeId,
        evolveLbNode(this.nodes.get(ev.data.nodeId) ?? null, ev),
      );
      if (ev.type === 'NodeRemoved') {
        for (const { instanceId } of ev.data.released)
          changed = this.put(this.endpoints, this.touched.endpoints, instanceId, null) || changed;
      }
      return changed;
    }
    if (has(ENDPOINT_EVENTS, e.type)) {
      const ev = e as EndpointEv;
      const id = ev.data.instanceId;
      const version = this.apps.get(ev.data.app)?.version;
      return this.put(
        this.endpoints,
        this.touched.endpoints,
        id,
        evolveLbEndpoint(this.endpoints.get(id) ?? null, ev, this.nodes.has(ev.data.nodeId), version),
      );
    }
    return false;
  }

  /**
   * routable says whether nginx should send traffic to an endpoint: wanted (not stopping, not draining), running, healthy
   * (or without a health check), its app known, its node tracked and not lost.
   */
  routable(ep: LbEndpointRow): boolean {
    const node = this.nodes.get(ep.node_id);
    const healthy = ep.health === 'none' || ep.health === 'healthy';
    return (
      ep.desired === 'run' &&
      ep.state === 'running' &&
      healthy &&
      this.apps.has(ep.app) &&
      node !== undefined &&
      !node.lost
    );
  }

  /** upstreams lists every known app, by name, with its routable endpoints sorted by host, port and instance id. */
  upstreams(): Upstream[] {
    const byApp = new Map<string, LbEndpointRow[]>([...this.apps.keys()].map((name) => [name, []]));
    for (const ep of this.endpoints.values()) if (this.routable(ep)) byApp.get(ep.app)!.push(ep);
    return [...byApp.keys()].sort(compare).map((app) => {
      const eps = byApp
        .get(app)!
        .sort((a, b) => compare(a.host, b.host) || a.port - b.port || compare(a.instance_id, b.instance_id));
      const weightOf = canaryWeights(this.apps.get(app)!, eps);
      return { app, servers: eps.map((ep) => ({ host: ep.host, port: ep.port, weight: weightOf(ep) })) };
    });
  }

  /** clearTouched forgets which rows changed, once they are written. */
  clearTouched(): void {
    this.touched.apps.clear();
    this.touched.nodes.clear();
    this.touched.endpoints.clear();
  }

  private put<T>(map: Map<string, T>, touched: Set<string>, key: string, next: T | null): boolean {
    const before = map.get(key);
    if (next === null) {
      if (before === undefined) return false;
      map.delete(key);
    } else {
      if (before !== undefined && JSON.stringify(before) === JSON.stringify(next)) return false;
      map.set(key, next);
    }
    touched.add(key);
    return true;
  }
}

/**
 * canaryWeights gives, during a canary with weight w (%), each routable new-version endpoint the weight w·nOld and each
 * old-version one (100 − w)·nNew, divided by their greatest common divisor: the new version then gets exactly w % of the
 * requests (nginx's weighted round robin: w·nOld·nNew / (w·nOld·nNew + (100 − w)·nNew·nOld)), with no rounding at all. With
 * no canary, or with only one version routable, every endpoint keeps its base weight.
 */
export function canaryWeights(app: LbAppRow, eps: readonly LbEndpointRow[]): (ep: LbEndpointRow) => number {
  const w = app.canary_weight;
  const nNew = eps.filter((ep) => ep.version === app.version).length;
  const nOld = eps.length - nNew;
  if (w === null || nNew === 0 || nOld === 0) return (ep) => ep.weight;
  const wNew = w * nOld;
  const wOld = (100 - w) * nNew;
  const g = gcd(wNew, wOld);
  return (ep) => (ep.version === app.version ? wNew : wOld) / g;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** compare orders strings by code unit, the same in every locale, so renders are byte-identical everywhere. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
