import fc from 'fast-check';
import { LoggedEvent } from '../runner/log-projection';
import { at } from '@mammoth/read-models/testing/recorded';
import { LbModel, LbProgress, LbVersionRow } from '@mammoth/read-models';
import { ev, Ev, uuid } from '@mammoth/read-models/testing/lb-events';
import { history, logged } from '../testing/lb-events';
import { closeCommit, foldEvents } from './versions';

const fresh = (): { model: LbModel; progress: LbProgress } => ({
  model: new LbModel(),
  progress: { lastVersion: 0, lastHash: null, open: null, dirty: false },
});
const I1 = uuid(1);
const I2 = uuid(2);

/** replayAll folds a whole log at once, as a rebuild does, and closes the last commit. */
function replayAll(log: readonly LoggedEvent[]): LbVersionRow[] {
  const { model, progress } = fresh();
  const versions = foldEvents(model, progress, log);
  const last = closeCommit(model, progress);
  return last ? [...versions, last] : versions;
}

/**
 * live folds the log in pages as the runner does while the log grows: after each page the log is only known up to its end, and
 * the open commit is closed there only if none of its events lies beyond (what commitContinues answers).
 */
function live(log: readonly LoggedEvent[], cuts: readonly number[]): LbVersionRow[] {
  const { model, progress } = fresh();
  const versions: LbVersionRow[] = [];
  const bounds = [...new Set([...cuts.map((c) => c % (log.length + 1)), log.length])].sort((a, b) => a - b);
  let from = 0;
  for (const to of bounds) {
    versions.push(...foldEvents(model, progress, log.slice(from, to)));
    const rest = log.slice(to);
    if (progress.open && !rest.some((e) => e.commit === progress.open!.key)) {
      const v = closeCommit(model, progress);
      if (v) versions.push(v);
    }
    from = to;
  }
  return versions;
}

describe('lb-config versions', () => {
  it('renders one version per commit that changes routing, stamped with the commit time and its last position', () => {
    const log = history([
      [ev.node('n1'), ev.deployed('web')],
      [ev.placed('web', I1, 'n1', 20001), ev.placed('web', I2, 'n1', 20002)],
      [ev.running('web', I1, 'n1')],
      [ev.running('web', I2, 'n1')],
      [ev.stopRequested('web', I1, 'n1'), ev.stopRequested('web', I2, 'n1')],
    ]);
    const versions = replayAll(log);
    expect(versions.map((v) => [v.version, v.rendered_at, v.position])).toEqual([
      [1, at(1), '2'], // web known, no endpoint: 503
      // commit 2 only placed instances: rows changed, the render did not, so no version
      [2, at(3), '5'],
      [3, at(4), '6'],
      [4, at(5), '8'], // both stop requests in one commit: one version, never half of a scale-down
    ]);
    expect(versions.map((v) => v.upstreams[0].servers.length)).toEqual([0, 1, 2, 0]);
    versions.slice(1).forEach((v, i) => expect(v.hash).not.toBe(versions[i].hash));
    expect(versions[3].hash).toBe(versions[0].hash); // back to the same routing: the same bytes, under a new version
  });

  it('keeps the last commit open until it is closed, and a closed commit that changes nothing renders nothing', () => {
    const { model, progress } = fresh();
    expect(foldEvents(model, progress, history([[ev.node('n1'), ev.deployed('web')]]))).toEqual([]);
    expect(progress.open).toMatchObject({ key: 'c1', position: '2' });
    expect(closeCommit(model, progress)).toMatchObject({ version: 1 });
    expect(foldEvents(model, progress, logged('c2', 2, 3, [ev.node('n2')]))).toEqual([]);
    expect(closeCommit(model, progress)).toBeNull();
    expect(progress).toMatchObject({ lastVersion: 1, open: null, dirty: false });
  });

  it('folding the log page by page while it grows renders exactly the versions a rebuild renders (replay equals live)', () => {
    const apps = ['a', 'b'];
    const nodes = ['n1', 'n2', 's1'];
    const instances = [1, 2, 3, 4].map((n) => ({ id: uuid(n), app: apps[n % 2], node: nodes[n % 3], port: 20000 + n }));
    const evArb: fc.Arbitrary<Ev> = fc.oneof(
      fc.constantFrom(...apps).map(ev.deployed),
      fc.constantFrom(...apps).map(ev.removed),
      fc.constantFrom('n1', 'n2').map((n) => ev.node(n)),
      fc.constant(ev.node('s1', 'sim')),
      fc.constantFrom('n1', 'n2').map(ev.nodeLost),
      fc.constantFrom('n1', 'n2').map(ev.nodeRecovered),
      ...(['placed', 'running', 'exited', 'stopRequested', 'stopped'] as const).map((kind) =>
        fc
          .constantFrom(...instances)
          .map((i) => (kind === 'placed' ? ev.placed(i.app, i.id, i.node, i.port) : ev[kind](i.app, i.id, i.node))),
      ),
    );
    // Commits interleave in the log (A, B, A) the way concurrent appends' positions can.
    const logArb = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3 }), evArb), { minLength: 1, maxLength: 40 })
      .map((xs) => xs.flatMap(([commit, e], i) => logged(`k${commit}`, commit, i + 1, [e])));
    fc.assert(
      fc.property(logArb, fc.array(fc.nat(), { maxLength: 8 }), (log, cuts) => {
        expect(live(log, cuts)).toEqual(replayAll(log));
      }),
      { numRuns: 300 },
    );
  });
});
