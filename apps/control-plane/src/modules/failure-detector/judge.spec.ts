import { judge, NodeView } from './judge';
import { LastSeen } from './last-seen';

const LIMITS = { lostAfterMs: 5000, gcAfterMs: 60000 };
const ready = (nodeId: string): NodeView => ({ nodeId, condition: 'ready', lostAt: null });
const lostAt = (nodeId: string, at: number): NodeView => ({ nodeId, condition: 'lost', lostAt: at });

/** heard builds a LastSeen that took over at `grace` and heard each node at the given times. */
function heard(grace: number, beats: [string, number][]): LastSeen {
  const seen = new LastSeen(2500, 4000);
  seen.startGrace(grace);
  for (const [nodeId, at] of beats) seen.record(nodeId, at);
  return seen;
}

describe('judge', () => {
  it('declares a ready node lost once silent past the limit, and not a millisecond before', () => {
    const seen = heard(0, [
      ['n1', 1000],
      ['n2', 1000],
      ['n2', 3000],
      ['n2', 5000],
      ['n2', 6000],
    ]);
    expect(judge([ready('n1'), ready('n2')], seen, 6000, LIMITS)).toEqual([]);
    expect(judge([ready('n1'), ready('n2')], seen, 6001, LIMITS)).toEqual([
      { kind: 'lost', nodeId: 'n1', lastSeen: 1000, since: 1000 },
    ]);
  });

  it('counts silence from the grace start for nodes never heard or heard before it (a new leader waits a full period)', () => {
    const seen = heard(0, [
      ['n1', 100],
      ...[100, 2000, 4000, 6000, 8000, 10000, 12000, 14000, 16000, 18000, 20000, 22000, 24000].map(
        (t): [string, number] => ['n2', t],
      ),
    ]);
    seen.startGrace(20000);
    const nodes = [ready('n1'), ready('n2'), ready('n3')];
    expect(judge(nodes, seen, 25000, LIMITS)).toEqual([]);
    expect(judge(nodes, seen, 25001, LIMITS)).toEqual([
      { kind: 'lost', nodeId: 'n1', lastSeen: 100, since: 20000 },
      { kind: 'lost', nodeId: 'n3', lastSeen: null, since: 20000 },
    ]);
  });

  it('declares a node lost when it still heartbeats but says it is not ready, and recovers it only when ready again', () => {
    const seen = heard(0, [
      ['n1', 1000],
      ['n2', 1000],
    ]);
    const stuck = 'its container runtime has not answered since 1970-01-01T00:00:01.000Z';
    for (const t of [2000, 3000, 4000, 5000, 6000]) {
      seen.record('n1', t, stuck);
      seen.record('n2', t);
    }
    expect(judge([ready('n1'), ready('n2')], seen, 6000, LIMITS)).toEqual([]);
    expect(judge([ready('n1'), ready('n2')], seen, 6001, LIMITS)).toEqual([
      { kind: 'lost', nodeId: 'n1', lastSeen: 1000, since: 1000, notReady: stuck },
    ]);
    seen.record('n1', 7000, stuck);
    expect(judge([lostAt('n1', 6001)], seen, 7000, LIMITS)).toEqual([]);
    seen.record('n1', 8000);
    expect(judge([lostAt('n1', 6001)], seen, 8000, LIMITS)).toEqual([
      { kind: 'recovered', nodeId: 'n1', heartbeatAt: 8000 },
    ]);
  });

  it('declares nothing lost while the whole heartbeat channel is quiet, and grants a fresh grace period after it resumes', () => {
    const seen = heard(0, [
      ['n1', 1000],
      ['n2', 1000],
    ]);
    expect(judge([ready('n1'), ready('n2')], seen, 3501, LIMITS)).toEqual([]);
    expect(judge([ready('n1'), ready('n2')], seen, 30000, LIMITS)).toEqual([]);
    for (const t of [30000, 32000, 34000, 36000, 38000]) seen.record('n2', t);
    expect(seen.graceFrom).toBe(34000); // resumed at 30000, plus the resume grace
    expect(judge([ready('n1'), ready('n2')], seen, 39000, LIMITS)).toEqual([]);
    expect(judge([ready('n1'), ready('n2')], seen, 39001, LIMITS)).toEqual([
      { kind: 'lost', nodeId: 'n1', lastSeen: 1000, since: 34000 },
    ]);
  });

  it('recovers a lost node heard after it was declared lost, not one heard only before', () => {
    const seen = heard(0, [
      ['n1', 1000],
      ['n2', 8000],
      ['n2', 9000],
    ]);
    expect(judge([lostAt('n1', 7000)], seen, 9000, LIMITS)).toEqual([]);
    seen.record('n1', 9500);
    expect(judge([lostAt('n1', 7000)], seen, 9600, LIMITS)).toEqual([
      { kind: 'recovered', nodeId: 'n1', heartbeatAt: 9500 },
    ]);
  });

  it('removes a node lost for the clean-up time, and leaves removed nodes alone', () => {
    const seen = heard(0, [
      ['n2', 66000],
      ['n2', 67000],
    ]);
    expect(judge([lostAt('n1', 7000)], seen, 66999, LIMITS)).toEqual([]);
    expect(judge([lostAt('n1', 7000)], seen, 67000, LIMITS)).toEqual([{ kind: 'remove', nodeId: 'n1' }]);
    expect(judge([{ nodeId: 'n1', condition: 'removed', lostAt: null }], seen, 999999, LIMITS)).toEqual([]);
  });
});
