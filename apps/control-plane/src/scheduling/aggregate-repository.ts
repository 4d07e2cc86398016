import { Inject, Injectable } from '@nestjs/common';
import { DomainError, foldInstance, initialInstanceState, InstanceState } from '@mammoth/domain';
import { InstanceEvent, MammothEvent, streamIds } from '@mammoth/events';
import {
  AppendCommand,
  AppendContext,
  PgEventStore,
  StreamWrite,
  WrongExpectedVersionError,
} from '@mammoth/event-store';
import { DomainException } from '../common/domain.exception';
import { Random, RANDOM } from './random';
import { commitRetries } from './scheduling.metrics';

/** Loaded is an aggregate's state with the stream version it was folded from. */
export interface Loaded<S> {
  readonly state: S;
  readonly version: number;
}

/** LoadedInstance is an instance's state with its stream version, the app its events name and its last event's id. */
export interface LoadedInstance extends Loaded<InstanceState> {
  readonly app: string | null;
  readonly lastEventId: string | null;
}

/** Fold folds a stream's events into an aggregate's state, all at once (foldApp), or one by one with `reducing(evolve)`. */
export type Fold<S, E> = (state: S, events: readonly E[]) => S;

/** reducing makes a Fold of an aggregate's one-event evolve. */
export const reducing =
  <S, E>(evolve: (s: S, e: E) => S): Fold<S, E> =>
  (state, events) =>
    events.reduce(evolve, state);

/** AggregateRepository loads streams by folding them and retries a command on optimistic-concurrency conflicts. */
@Injectable()
export class AggregateRepository {
  constructor(
    readonly store: PgEventStore,
    @Inject(RANDOM) private readonly random: Random,
  ) {}

  /** load folds a stream into an aggregate's state. */
  async load<S, E extends MammothEvent>(streamId: string, initial: () => S, fold: Fold<S, E>): Promise<Loaded<S>> {
    const s = await this.store.readStream(streamId);
    return {
      state: fold(
        initial(),
        s.events.map((e) => e.event as E),
      ),
      version: s.version,
    };
  }

  /** loadInstances folds instance streams with foldInstance, keyed by instance id: the control plane's one instance read. */
  async loadInstances(instanceIds: Iterable<string>): Promise<Map<string, LoadedInstance>> {
    const ids = [...new Set(instanceIds)];
    const loaded = await this.store.readStreams(ids.map(streamIds.instance));
    const out = new Map<string, LoadedInstance>();
    for (const id of ids) {
      const s = loaded.get(streamIds.instance(id))!;
      const events = s.events.map((e) => e.event as InstanceEvent);
      out.set(id, {
        state: foldInstance(initialInstanceState(), events),
        version: s.version,
        app: events[0]?.data.app ?? null,
        lastEventId: s.events.at(-1)?.metadata.eventId ?? null,
      });
    }
    return out;
  }

  /** append writes atomically to several streams at their expected versions. */
  append(writes: StreamWrite[], ctx: AppendContext): Promise<{ positions: string[] }> {
    return this.store.append(writes, ctx);
  }

  /** appendAll commits several commands atomically, each with its own metadata (a group commit). */
  appendAll(commands: readonly AppendCommand[]): Promise<{ positions: string[] }> {
    return this.store.appendAll(commands);
  }

  /**
   * retrying runs a load-decide-append attempt until it commits without a version conflict; each attempt reads
   * fresh state, so a conflict is re-decided, never overwritten. It waits a random part of an exponential backoff between
   * attempts, drawn from the process's one Random: the jitter only has to spread writers that collided apart, and every
   * process has a seed of its own unless SCHEDULER_SEED pins it.
   */
  async retrying<T>(
    attempt: (n: number) => Promise<T>,
    onConflict?: (e: WrongExpectedVersionError) => Promise<void>,
    max = 25,
  ): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(n);
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        if (n + 1 >= max)
          throw new DomainException(
            new DomainError('CONFLICT', `too much contention on ${err.streamId}; retry the command`),
          );
        commitRetries.inc();
        if (onConflict) await onConflict(err);
        await new Promise((r) => setTimeout(r, this.random() * Math.min(50 * 2 ** n, 1000)));
      }
    }
  }
}
