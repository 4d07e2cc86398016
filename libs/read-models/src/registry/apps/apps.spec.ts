import { appsTable, AppRow } from './apps';
import { at, DIGEST, fold, recorded } from '../../testing/recorded';

const evolve = appsTable.evolve;
const pkg = { name: 'web', version: '1.0.0', digest: DIGEST, format: 'image' as const, imageRef: 'web:1.0.0' };
const deployed = recorded(
  'AppDeployed',
  { name: 'web', package: pkg, instances: 3, resources: { cpuMillis: 500, memoryMiB: 128, diskMiB: 0 }, env: {} },
  at(1),
);
const pending = recorded(
  'InstancesPending',
  { app: 'web', count: 2, reasons: [{ reason: 'cpu exhausted', nodes: 2 }] },
  at(2),
);
const placed = recorded(
  'InstancePlaced',
  { app: 'web', instanceId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', nodeId: 'n1', host: 'h', port: 20000 },
  at(3),
);
const scaled = recorded('AppScaled', { name: 'web', from: 3, to: 5 }, at(4));
const removed = recorded('AppRemoved', { name: 'web' }, at(5));

describe('appsTable.evolve', () => {
  it('given nothing, when AppDeployed, then a deployed row with no pending instances', () => {
    expect(evolve(null, deployed)).toEqual<AppRow>({
      name: 'web',
      package_name: 'web',
      package_version: '1.0.0',
      package_digest: DIGEST,
      image_ref: 'web:1.0.0',
      instances: 3,
      cpu_millis: 500,
      memory_mib: 128,
      disk_mib: 0,
      strategy: 'spread',
      constraints: [],
      status: 'deployed',
      pending_count: 0,
      pending_reasons: [],
      created_at: at(1),
      updated_at: at(1),
      health_check: null,
      max_restarts: null,
      restart_window_ms: null,
      incarnation: 1,
      rollout: null,
      repair_backoff: null,
    });
  });

  it('records the placement constraints and strategy as deployed', () => {
    const constraints = [
      { kind: 'label' as const, key: 'rack', op: 'in' as const, values: ['a', 'b'] },
      { kind: 'unique' as const },
      { kind: 'max-per' as const, key: 'rack', max: 2 },
    ];
    const placedOut = recorded('AppDeployed', { ...deployed.event.data, constraints, strategy: 'binpack' }, at(1));
    expect(evolve(null, placedOut)).toMatchObject({ constraints, strategy: 'binpack' });
  });

  it('moves the package to the target when an update starts (as updateApp answers) and keeps it when it completes', () => {
    const v2 = { ...pkg, version: '2.0.0', imageRef: 'web:2.0.0' };
    const rollout = { name: 'web', from: pkg, to: v2, maxSurge: 1, maxUnavailable: 0 };
    const started = recorded('AppUpdateStarted', { ...rollout, canary: { instances: 1, weight: 20 } }, at(6));
    const promoted = recorded('AppCanaryPromoted', { name: 'web', version: '2.0.0' }, at(7));
    const completed = recorded('AppUpdateCompleted', { name: 'web', version: '2.0.0' }, at(8));
    const canary = { from: '1.0.0', to: '2.0.0', phase: 'canary', canaryWeight: 20 };
    const moved = { package_version: '2.0.0', image_ref: 'web:2.0.0' };
    expect(fold(evolve, [deployed, started])).toMatchObject({ ...moved, rollout: canary });
    expect(fold(evolve, [deployed, started, promoted])).toMatchObject({
      ...moved,
      rollout: { ...canary, phase: 'rolling', canaryWeight: null },
    });
    expect(fold(evolve, [deployed, started, promoted, completed])).toMatchObject({
      ...moved,
      rollout: null,
      updated_at: at(8),
    });
    const back = recorded('AppRollbackStarted', { ...rollout, from: v2, to: pkg }, at(9));
    expect(fold(evolve, [deployed, started, promoted, completed, back])).toMatchObject({
      package_version: '1.0.0',
      image_ref: 'web:1.0.0',
      rollout: { from: '2.0.0', to: '1.0.0', phase: 'rollback', canaryWeight: null },
    });
  });

  it("keeps the stream version of the deploy as the app's incarnation, a new one on a redeploy", () => {
    const at7 = recorded('AppDeployed', deployed.event.data, at(7), { id: 'app-web', version: 7 });
    expect(fold(evolve, [deployed, removed, at7])).toMatchObject({ incarnation: 7, status: 'deployed' });
  });

  it("records the app's last repair backoff, and a redeploy starts without one", () => {
    const backedOff = recorded(
      'AppRepairBackedOff',
      { name: 'web', reason: 'unhealthy: HTTP 500', attempts: 2, at: at(6), nextAttemptAt: at(26) },
      at(6),
    );
    expect(fold(evolve, [deployed, backedOff])).toMatchObject({
      repair_backoff: { attempts: 2, reason: 'unhealthy: HTTP 500', at: at(6), nextAttemptAt: at(26) },
      updated_at: at(6),
    });
    expect(fold(evolve, [deployed, backedOff, removed, deployed])).toMatchObject({ repair_backoff: null });
  });

  it("records the app's health check and restart policy", () => {
    const healthCheck = {
      kind: 'tcp' as const,
      intervalMs: 1000,
      timeoutMs: 500,
      gracePeriodMs: 0,
      unhealthyThreshold: 2,
      healthyThreshold: 1,
    };
    const checked = recorded(
      'AppDeployed',
      { ...deployed.event.data, healthCheck, maxRestarts: 2, restartWindowMs: 60000 },
      at(1),
    );
    expect(evolve(null, checked)).toMatchObject({
      health_check: healthCheck,
      max_restarts: 2,
      restart_window_ms: 60000,
    });
  });

  it('records why instances are pending, and a placement, scale or removal clears it', () => {
    expect(fold(evolve, [deployed, pending])).toMatchObject({
      pending_count: 2,
      pending_reasons: [{ reason: 'cpu exhausted', nodes: 2 }],
      updated_at: at(2),
    });
    expect(fold(evolve, [deployed, pending, placed])).toMatchObject({ pending_count: 0, pending_reasons: [] });
    expect(fold(evolve, [deployed, pending, scaled])).toMatchObject({ pending_count: 0, instances: 5 });
    expect(fold(evolve, [deployed, pending, removed])).toMatchObject({
      pending_count: 0,
      status: 'removed',
      updated_at: at(5),
    });
  });

  it('re-creates a removed app on a new deploy', () => {
    const again = recorded('AppDeployed', { ...deployed.event.data, instances: 1 }, at(9));
    expect(fold(evolve, [deployed, removed, again])).toMatchObject({
      status: 'deployed',
      instances: 1,
      created_at: at(9),
      updated_at: at(9),
    });
  });

  it('ignores events for an app it has no row for', () => {
    for (const e of [pending, placed, scaled, removed]) expect(evolve(null, e)).toBeNull();
  });

  it('changes nothing when an event is delivered twice in a row', () => {
    for (const e of [deployed, pending, placed, scaled, removed]) {
      const row = fold(evolve, [deployed, pending]);
      expect(evolve(evolve(row, e), e)).toEqual(evolve(row, e));
    }
  });
});
