import { makeEvent } from '@mammoth/events';
import { repairGate, RepairBackoff, TimedAppEvent } from './repair-backoff';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const backoff: RepairBackoff = { baseMs: 10_000, maxMs: 60_000, resetAfterMs: 120_000 };
const placed = (n: number, at: number): TimedAppEvent => ({
  event: makeEvent('InstancePlaced', { app: 'web', instanceId: id(n), nodeId: 'n1', host: 'h', port: 20000 + n }),
  at,
  byRepair: false,
});
const replaced = (n: number, by: number, at: number, byRepair = true): TimedAppEvent => ({
  event: makeEvent('InstanceStopRequested', {
    app: 'web',
    instanceId: id(n),
    nodeId: 'n1',
    reason: 'unhealthy: HTTP 500',
    replacedBy: id(by),
  }),
  at,
  byRepair,
});

/** chain is instance 1 placed at 0 and replaced k times, each replacement `gap` ms after the previous one. */
const chain = (k: number, gap: number): TimedAppEvent[] => [
  placed(1, 0),
  ...Array.from({ length: k }, (_, i) => replaced(i + 1, i + 2, (i + 1) * gap)),
];

describe('repairGate', () => {
  it.each([
    ['an instance nobody replaced before: now', [placed(1, 0)], 1, 5_000, { generation: 0, notBefore: 0 }],
    [
      'the first replacement: base after it was placed',
      chain(1, 1_000),
      2,
      5_000,
      { generation: 1, notBefore: 11_000 },
    ],
    ['the second in a row: twice the base', chain(2, 1_000), 3, 5_000, { generation: 2, notBefore: 22_000 }],
    ['the third: four times', chain(3, 1_000), 4, 5_000, { generation: 3, notBefore: 43_000 }],
    ['the eighth: capped at the maximum', chain(8, 1_000), 9, 20_000, { generation: 8, notBefore: 68_000 }],
    [
      'a replacement that ran past the reset time: now',
      chain(3, 1_000),
      4,
      3_000 + 120_000,
      { generation: 0, notBefore: 0 },
    ],
    [
      'a lineage with a long quiet gap counts from the gap',
      [...chain(2, 1_000), replaced(3, 4, 2_000 + 130_000)],
      4,
      133_000,
      { generation: 1, notBefore: 142_000 },
    ],
    [
      'stops by an operator (scale down, rollout) are not repairs',
      [placed(1, 0), replaced(1, 2, 1_000, false)],
      2,
      5_000,
      { generation: 0, notBefore: 0 },
    ],
  ])('%s', (_name, history, instance, now, gate) => {
    expect(repairGate(history, id(instance), now, backoff)).toEqual(gate);
  });
});
