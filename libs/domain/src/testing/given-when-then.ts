import { Decision, DomainError, isError } from '../shared/errors';

/** Decider is the triple every aggregate exports: an initial state, evolve and decide. */
export interface Decider<C, S, E> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (command: C, state: S) => Decision<E>;
}

/** spec reads a decider test as given(events).when(command).then(events) or .thenError(code, field). */
export function spec<C, S, E>(d: Decider<C, S, E>) {
  return {
    given: (history: E[]) => ({
      when: (command: C) => {
        const state = history.reduce(d.evolve, d.initialState());
        const result = d.decide(command, state);
        return {
          then: (expected: E[]) => {
            if (isError(result)) throw new Error(`expected events, got error ${result.code}: ${result.message}`);
            expect(stripVolatile(result)).toEqual(stripVolatile(expected));
          },
          thenError: (code: DomainError['code'], field?: string) => {
            if (!isError(result)) throw new Error(`expected error ${code}, got events ${JSON.stringify(result)}`);
            expect(result.code).toBe(code);
            if (field !== undefined) expect(result.field).toBe(field);
            return result;
          },
        };
      },
    }),
  };
}

function stripVolatile<E>(events: readonly E[]): unknown[] {
  return events.map((e) => JSON.parse(JSON.stringify(e)));
}
