import { request, working } from '../../testing/scheduler';
import { statusFilter } from './status.filter';

describe('statusFilter', () => {
  it.each([
    ['ready', true],
    ['draining', false],
    ['lost', false],
  ] as const)('a %s node fits: %s', (status, expected) => {
    expect(statusFilter.fits(request(), working({ status }))).toBe(expected);
  });

  it('explains a rejection as "node not ready"', () => {
    expect(statusFilter.reason).toBe('node not ready');
  });
});
