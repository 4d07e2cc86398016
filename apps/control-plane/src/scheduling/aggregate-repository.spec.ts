import { PgEventStore, WrongExpectedVersionError } from '@mammoth/event-store';
import { AggregateRepository } from './aggregate-repository';

describe('AggregateRepository.retrying (fake timers)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("waits between conflicting attempts a part of a doubling backoff drawn from the process's one Random", async () => {
    const draws: number[] = [];
    const random = () => (draws.push(0.5), 0.5);
    const repo = new AggregateRepository({} as PgEventStore, random);
    const attempts: number[] = [];
    const done = repo.retrying(async (n) => {
      attempts.push(n);
      if (n < 2) throw new WrongExpectedVersionError('app-web', n);
      return 'committed';
    });
    await jest.advanceTimersByTimeAsync(24);
    expect(attempts).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(49);
    expect(attempts).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(await done).toBe('committed');
    expect(draws).toHaveLength(2);
  });
});
