import { AppState, foldApp, initialAppState } from '@mammoth/domain';
import { AppEvent } from '@mammoth/events';
import { PgEventStore } from '@mammoth/event-store';
import { Loaded } from './aggregate-repository';

/** MAX_CACHED bounds how many apps' states are kept; the least recently used is dropped first. */
const MAX_CACHED = 10_000;

/**
 * AppStates is the scheduler's cache of folded app streams: a load reads only the events committed after the version it
 * holds (whoever wrote them) and folds them on, so re-planning a big app (a replacement, a scale step) does not re-read
 * and re-fold its whole history. Versions of one stream commit in order (each append locks the stream's row), so the
 * events after a version are exactly the ones missing; if they ever do not follow on, the stream is read in full.
 */
export class AppStates {
  private readonly cache = new Map<string, Loaded<AppState>>();

  constructor(
    private readonly store: PgEventStore,
    private readonly max = MAX_CACHED,
  ) {}

  /** load returns each app stream's state and version, current as of the read. */
  async load(streamIds: readonly string[]): Promise<Map<string, Loaded<AppState>>> {
    const held = new Map(streamIds.map((id) => [id, this.cache.get(id) ?? { state: initialAppState(), version: 0 }]));
    const tails = await this.store.readStreamsAfter(new Map([...held].map(([id, h]) => [id, h.version])));
    const out = new Map<string, Loaded<AppState>>();
    const broken: string[] = [];
    for (const [id, h] of held) {
      const tail = tails.get(id)!;
      if (tail.events.length === 0) out.set(id, h);
      else if (tail.events[0].streamVersion !== h.version + 1) broken.push(id);
      else
        out.set(id, {
          state: foldApp(
            h.state,
            tail.events.map((e) => e.event as AppEvent),
          ),
          version: tail.version,
        });
    }
    if (broken.length) {
      for (const [id, s] of await this.store.readStreams(broken)) {
        out.set(id, {
          state: foldApp(
            initialAppState(),
            s.events.map((e) => e.event as AppEvent),
          ),
          version: s.version,
        });
      }
    }
    for (const [id, loaded] of out) this.remember(id, loaded);
    return out;
  }

  /** committed records what this process just appended at `from`, so the next load need not read it back. */
  committed(streamId: string, from: Loaded<AppState>, events: readonly AppEvent[], state: AppState): void {
    if (events.length === 0 || this.cache.get(streamId)?.version !== from.version) return;
    this.remember(streamId, { state, version: from.version + events.length });
  }

  private remember(streamId: string, loaded: Loaded<AppState>): void {
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
  }
}
