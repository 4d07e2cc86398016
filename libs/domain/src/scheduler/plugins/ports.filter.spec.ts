import { request, working } from '../../testing/scheduler';
import { lowestFreePort, reserve } from '../working';
import { portsFilter } from './ports.filter';

const SHAPE = { cpuMillis: 1, memoryMiB: 1, diskMiB: 0 };

describe('portsFilter with lowestFreePort and reserve', () => {
  it.each([
    ['an empty range', 20000, 20002, [], 0, 20000, true],
    ['the lowest hole among used ports', 20000, 20005, [20000, 20002], 0, 20001, true],
    ['skipping ports the plan already took', 20000, 20005, [20000], 2, 20003, true],
    ['skipping used and planned ports alike', 20000, 20005, [20001, 20003], 2, 20004, true],
    ['the last port', 20000, 20002, [20000, 20001], 0, 20002, true],
    ['a full range', 20000, 20002, [20000, 20001], 1, null, false],
    ['a one-port range', 30000, 30000, [], 0, 30000, true],
    ['a full one-port range', 30000, 30000, [30000], 0, null, false],
    // A node that re-registered with a new range still holds instances on ports of its old one.
    ['used ports outside a new range', 30000, 30001, [20000, 20001], 0, 30000, true],
    ['used ports outside and inside a new range', 30000, 30001, [20000, 30000], 0, 30001, true],
    ['a range the plan filled around an outside port', 30000, 30001, [20000], 2, null, false],
  ])('%s', (_label, from, to, used, planned, port, fits) => {
    const n = working({ portRange: { from, to }, usedPorts: new Set(used) });
    const taken = Array.from({ length: planned }, () => reserve(n, 'web', SHAPE));
    expect(new Set([...taken, ...used]).size).toBe(taken.length + used.length);
    expect(lowestFreePort(n)).toBe(port);
    expect(portsFilter.fits(request(), n)).toBe(fits);
  });

  it('refuses to reserve on a node without a free port', () => {
    const n = working({ portRange: { from: 30000, to: 30000 }, usedPorts: new Set([30000]) });
    expect(() => reserve(n, 'web', SHAPE)).toThrow(/without a free port/);
  });

  it('explains a rejection as "ports exhausted"', () => {
    expect(portsFilter.reason).toBe('ports exhausted');
  });
});
