import {
  AppEvent,
  Constraint,
  HealthCheck,
  Isolation,
  makeEvent,
  PackageRef,
  Resources,
  Strategy,
} from '@mammoth/events';
import { checkRestartPolicy } from '../instance/crash-loop';
import { Decision, DomainError, exhaustive } from '../shared/errors';
import { checkInt, firstError } from '../shared/validation';
import { canonicalAppName, checkAppName } from './app-name';
import { checkConstraints, checkStrategy, DEFAULT_STRATEGY, normalizeConstraint } from './constraints';
import { checkHealthCheck, normalizeHealthCheck } from './health-check';
import { RepairStreak } from './repair-backoff';

/** LiveInstance is an instance the app has placed and not yet asked to stop. */
export interface LiveInstance {
  readonly instanceId: string;
  readonly nodeId: string;
  readonly host: string;
  readonly port: number;
  /** version is the package version the instance runs. */
  readonly version: string;
  /** drainingSince (ms since the epoch) is when a rollout took the instance out of the load balancer; null while it serves. */
  readonly drainingSince: number | null;
}

/** Rollout is an update (or rollback) in progress: old-version instances are replaced by `to` ones in batches. */
export interface Rollout {
  readonly kind: 'update' | 'rollback';
  readonly from: PackageRef;
  readonly to: PackageRef;
  readonly maxSurge: number;
  readonly maxUnavailable: number;
  /** canary, until promoted, caps the new-version instances and gives them `weight` % of traffic. */
  readonly canary: { readonly instances: number; readonly weight: number } | null;
}

/** AppSpec is what an operator asked for. */
export interface AppSpec {
  readonly name: string;
  readonly package: PackageRef;
  readonly instances: number;
  readonly resources: Resources;
  readonly env: Readonly<Record<string, string>>;
  /** constraints limit where instances may go (node labels, one per node, at most n per label value); all must hold. */
  readonly constraints: readonly Constraint[];
  /** strategy picks among feasible nodes: spread (least allocated first) or binpack (most allocated first). */
  readonly strategy: Strategy;
  /** healthCheck, when present, is run by each instance's node; an instance it finds unhealthy is replaced. */
  readonly healthCheck?: HealthCheck;
  /** maxRestarts and restartWindowMs bound in-place restarts before a crash-looping instance moves (see restartPolicyOf). */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  /** isolation confines the app's containers (absent: the bridge network, the image's user, a writable root). */
  readonly isolation?: Isolation;
}

/** AppState is the fold of an app stream. */
export type AppState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'removed';
      readonly spec: AppSpec;
      readonly live: ReadonlyMap<string, LiveInstance>;
      readonly pending: { readonly count: number; readonly reasons: string } | null;
      /** rollout is the update in progress, if any. */
      readonly rollout: Rollout | null;
      /** previous is the package the app ran before its last update began: what RollbackApp returns to. */
      readonly previous: PackageRef | null;
      /** backoff is the app's latest instance repair and when the next may come (repairGate), null before any. */
      readonly backoff: RepairStreak | null;
    };

/** DeployApp creates an app (or re-creates a removed one). */
export interface DeployApp {
  readonly type: 'DeployApp';
  readonly spec: AppSpec;
}
/** ScaleApp changes the desired instance count. */
export interface ScaleApp {
  readonly type: 'ScaleApp';
  readonly name: string;
  readonly instances: number;
}
/** RemoveApp stops every instance and retires the app. */
export interface RemoveApp {
  readonly type: 'RemoveApp';
  readonly name: string;
}
/** UpdateApp starts a rolling update (optionally a canary) to another version of the app's package. */
export interface UpdateApp {
  readonly type: 'UpdateApp';
  readonly name: string;
  readonly package: PackageRef;
  readonly maxSurge?: number;
  readonly maxUnavailable?: number;
  readonly canary?: { readonly instances: number; readonly weight: number } | null;
}
/** PromoteApp lets a canary rollout replace every remaining old instance. */
export interface PromoteApp {
  readonly type: 'PromoteApp';
  readonly name: string;
}
/** RollbackApp rolls the app back to the version it ran before its last update, the same rolling way. */
export interface RollbackApp {
  readonly type: 'RollbackApp';
  readonly name: string;
}
export type AppCommand = DeployApp | ScaleApp | RemoveApp | UpdateApp | PromoteApp | RollbackApp;

/** MAX_INSTANCES bounds one app's instance count. */
export const MAX_INSTANCES = 100_000;

export const initialAppState = (): AppState => ({ status: 'none' });

type ActiveApp = Exclude<AppState, { status: 'none' }>;
type LiveEvent = Extract<
  AppEvent,
  { type: 'InstanceDraining' | 'InstancePlaced' | 'InstanceStopRequested' | 'InstanceLost' }
>;

/**
 * changeLive applies an event that changes the live set to `live`, a map the caller owns (a copy of the state's, or one
 * foldApp already made for this fold), and returns the state holding it.
 */
function changeLive(state: ActiveApp, event: LiveEvent, live: Map<string, LiveInstance>): ActiveApp {
  switch (event.type) {
    case 'InstanceDraining': {
      const inst = live.get(event.data.instanceId);
      if (!inst) return state;
      live.set(inst.instanceId, { ...inst, drainingSince: Date.parse(event.data.at) });
      return { ...state, live };
    }
    case 'InstancePlaced': {
      const { instanceId, nodeId, host, port } = event.data;
      const version = event.data.version ?? state.spec.package.version;
      live.set(instanceId, { instanceId, nodeId, host, port, version, drainingSince: null });
      return { ...state, live, pending: null };
    }
    case 'InstanceStopRequested':
    case 'InstanceLost':
      // A lost instance leaves the live set like a stopped one, so scheduling replaces it; its node still holds it until then.
      live.delete(event.data.instanceId);
      return { ...state, live };
    default:
      return exhaustive(event);
  }
}

const LIVE_EVENTS: ReadonlySet<string> = new Set([
  'InstanceDraining',
  'InstancePlaced',
  'InstanceStopRequested',
  'InstanceLost',
]);

/**
 * foldApp folds many events at once; it equals `events.reduce(evolveApp, state)` but copies the live set once per fold
 * instead of once per event, so loading an app of n instances is O(n), not O(n²). `state` is not changed.
 */
export function foldApp(state: AppState, events: readonly AppEvent[]): AppState {
  let s = state;
  let owned: Map<string, LiveInstance> | null = null;
  for (const e of events) {
    if (s.status === 'none' || !LIVE_EVENTS.has(e.type)) {
      s = evolveApp(s, e);
      continue;
    }
    if (owned === null || s.live !== owned) owned = new Map(s.live);
    s = changeLive(s, e as LiveEvent, owned);
  }
  return s;
}

/** evolveApp folds one app event into the state. */
export function evolveApp(state: AppState, event: AppEvent): AppState {
  switch (event.type) {
    case 'AppDeployed':
      return {
        status: 'active',
        spec: {
          ...event.data,
          constraints: event.data.constraints ?? [],
          strategy: event.data.strategy ?? DEFAULT_STRATEGY,
        },
        live: new Map(),
        pending: null,
        rollout: null,
        previous: null,
        backoff: null,
      };
    case 'AppScaled':
      // A new count makes the last pending figure stale; the next scheduling pass records a fresh one if still needed.
      return state.status === 'none'
        ? state
        : { ...state, spec: { ...state.spec, instances: event.data.to }, pending: null };
    case 'AppRemoved':
      return state.status === 'none' ? state : { ...state, status: 'removed', pending: null, rollout: null };
    case 'AppUpdateStarted': {
      if (state.status === 'none') return state;
      const { from, to, maxSurge, maxUnavailable, canary } = event.data;
      return {
        ...state,
        spec: { ...state.spec, package: to },
        previous: from,
        rollout: { kind: 'update', from, to, maxSurge, maxUnavailable, canary },
      };
    }
    case 'AppRollbackStarted': {
      if (state.status === 'none') return state;
      const { from, to, maxSurge, maxUnavailable } = event.data;
      return {
        ...state,
        spec: { ...state.spec, package: to },
        previous: from,
        rollout: { kind: 'rollback', from, to, maxSurge, maxUnavailable, canary: null },
      };
    }
    case 'AppCanaryPromoted':
      if (state.status === 'none' || !state.rollout) return state;
      return { ...state, rollout: { ...state.rollout, canary: null } };
    case 'AppUpdateCompleted':
      return state.status === 'none' ? state : { ...state, rollout: null };
    case 'AppRepairBackedOff': {
      if (state.status === 'none') return state;
      const { attempts, reason, at, nextAttemptAt } = event.data;
      return { ...state, backoff: { attempts, reason, at: Date.parse(at), nextAttemptAt: Date.parse(nextAttemptAt) } };
    }
    case 'InstanceDraining':
    case 'InstancePlaced':
    case 'InstanceStopRequested':
    case 'InstanceLost':
      return state.status === 'none' ? state : changeLive(state, event, new Map(state.live));
    case 'InstancesPending':
      if (state.status === 'none') return state;
      return { ...state, pending: { count: event.data.count, reasons: JSON.stringify(event.data.reasons) } };
    default:
      return exhaustive(event);
  }
}

/** decideApp validates an operator's command against the app's state. */
export function decideApp(cmd: AppCommand, state: AppState): Decision<AppEvent> {
  switch (cmd.type) {
    case 'DeployApp': {
      const { spec } = cmd;
      const invalid = firstError(
        checkAppName('name', spec.name) ??
          (canonicalAppName(spec.name) === spec.name
            ? null
            : DomainError.invalid('name', `write "${spec.name}" as "${canonicalAppName(spec.name)}"`)),
        checkInt('instances', spec.instances, 0, MAX_INSTANCES),
        checkInt('cpu', spec.resources.cpuMillis, 1, 1_000_000),
        checkInt('memory', spec.resources.memoryMiB, 4, 16_777_216),
        checkInt('disk', spec.resources.diskMiB, 0, 1 << 30),
        checkEnv(spec.env),
        checkStrategy(spec.strategy),
        checkConstraints(spec.constraints),
        checkHealthCheck(spec.healthCheck),
        checkRestartPolicy(spec.maxRestarts, spec.restartWindowMs),
        checkIsolation(spec.isolation),
      );
      if (invalid) return invalid;
      if (state.status === 'active') {
        return new DomainError(
          'ALREADY_EXISTS',
          `name: app ${spec.name} already exists; scale it with scaleApp or remove it first`,
          'name',
        );
      }
      const { healthCheck, maxRestarts, restartWindowMs, isolation, ...rest } = spec;
      return [
        makeEvent('AppDeployed', {
          ...rest,
          env: { ...spec.env },
          constraints: spec.constraints.map(normalizeConstraint),
          ...(healthCheck ? { healthCheck: normalizeHealthCheck(healthCheck) } : {}),
          ...(maxRestarts === undefined ? {} : { maxRestarts }),
          ...(restartWindowMs === undefined ? {} : { restartWindowMs }),
          ...(isolation ? { isolation: { ...isolation } } : {}),
        }),
      ];
    }
    case 'ScaleApp': {
      const invalid = checkInt('instances', cmd.instances, 0, MAX_INSTANCES);
      if (invalid) return invalid;
      if (state.status !== 'active') return notFound(cmd.name);
      if (state.spec.instances === cmd.instances) return [];
      return [makeEvent('AppScaled', { name: cmd.name, from: state.spec.instances, to: cmd.instances })];
    }
    case 'RemoveApp':
      if (state.status !== 'active') return notFound(cmd.name);
      return [makeEvent('AppRemoved', { name: cmd.name })];
    case 'UpdateApp': {
      if (state.status !== 'active') return notFound(cmd.name);
      const maxSurge = cmd.maxSurge ?? 1;
      const maxUnavailable = cmd.maxUnavailable ?? 0;
      const canary = cmd.canary ?? null;
      const invalid = firstError(
        checkInt('maxSurge', maxSurge, 0, MAX_INSTANCES),
        checkInt('maxUnavailable', maxUnavailable, 0, MAX_INSTANCES),
        maxSurge + maxUnavailable === 0
          ? DomainError.invalid('maxSurge', 'maxSurge and maxUnavailable cannot both be 0: nothing could move')
          : null,
        canary ? checkInt('canary.instances', canary.instances, 1, Math.max(1, state.spec.instances)) : null,
        canary ? checkInt('canary.weight', canary.weight, 1, 99) : null,
      );
      if (invalid) return invalid;
      if (cmd.package.name !== state.spec.package.name)
        return DomainError.invalid(
          'package',
          `app ${cmd.name} runs package ${state.spec.package.name}, not ${cmd.package.name}`,
        );
      if (state.rollout)
        return new DomainError(
          'CONFLICT',
          `name: app ${cmd.name} is already rolling out to version ${state.rollout.to.version}; promote or roll back first`,
          'name',
        );
      if (cmd.package.version === state.spec.package.version) return [];
      return [
        makeEvent('AppUpdateStarted', {
          name: cmd.name,
          from: state.spec.package,
          to: cmd.package,
          maxSurge,
          maxUnavailable,
          canary,
        }),
      ];
    }
    case 'PromoteApp':
      if (state.status !== 'active') return notFound(cmd.name);
      if (!state.rollout?.canary)
        return new DomainError('FAILED_PRECONDITION', `name: app ${cmd.name} has no canary to promote`, 'name');
      return [makeEvent('AppCanaryPromoted', { name: cmd.name, version: state.rollout.to.version })];
    case 'RollbackApp': {
      if (state.status !== 'active') return notFound(cmd.name);
      const target = state.rollout ? state.rollout.from : state.previous;
      if (!target)
        return new DomainError(
          'FAILED_PRECONDITION',
          `name: app ${cmd.name} has no previous version to roll back to`,
          'name',
        );
      const r = state.rollout ?? { maxSurge: 1, maxUnavailable: 0 };
      return [
        makeEvent('AppRollbackStarted', {
          name: cmd.name,
          from: state.spec.package,
          to: target,
          maxSurge: r.maxSurge,
          maxUnavailable: r.maxUnavailable,
        }),
      ];
    }
    default:
      return exhaustive(cmd);
  }
}

function notFound(name: string): DomainError {
  return new DomainError('NOT_FOUND', `name: no app named ${name}`, 'name');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = new Set(['PORT', 'MAMMOTH_APP', 'MAMMOTH_INSTANCE_ID', 'MAMMOTH_NODE_ID']);

/** USER is a container user: a name or uid, optionally with `:group` (a name or gid). */
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/;

/** checkIsolation validates an app's confinement: a known network mode and a well-formed user. */
function checkIsolation(isolation: Isolation | undefined): DomainError | null {
  if (!isolation) return null;
  if (!['bridge', 'host'].includes(isolation.network))
    return DomainError.invalid('network', `"${isolation.network}" is not bridge or host`);
  if (isolation.user !== undefined && !USER.test(isolation.user))
    return DomainError.invalid('user', `"${isolation.user}" must be a name or uid, optionally :group or :gid`);
  return null;
}

function checkEnv(env: Readonly<Record<string, string>>): DomainError | null {
  for (const key of Object.keys(env)) {
    if (!ENV_NAME.test(key)) return DomainError.invalid(`env.${key}`, 'is not a valid environment variable name');
    if (RESERVED_ENV.has(key)) return DomainError.invalid(`env.${key}`, 'is set by Mammoth and cannot be overridden');
  }
  return null;
}
