import { Pool } from 'pg';
import { listDeadLetters } from './dead-letters';
import { LogProjection } from './log-projection';
import { Projection } from './projection';
import { Redriven, retryParked, retryStream, skipStream } from './redrive';

/** DeadLettersCliDeps are what the `dead-letters` CLI works on: the database and the projections this build knows. */
export interface DeadLettersCliDeps {
  readonly pool: Pool;
  readonly projections: readonly Projection[];
  readonly logProjections: readonly LogProjection[];
  readonly print: (line: string) => void;
}

/** DEAD_LETTERS_USAGE is the CLI's synopsis. */
export const DEAD_LETTERS_USAGE =
  'dead-letters [list [projection]] | retry <projection> [stream] | skip <projection> <stream>';

/**
 * deadLettersCli lists parked events, retries them with this build's reader (run it from the upgraded version), or skips
 * the one blocking a stream. A log projection's parked event is retried by its running projector on its own; `retry`
 * unparks it so the projector reads it again, `skip` makes the projector step over it.
 */
export async function deadLettersCli(args: readonly string[], deps: DeadLettersCliDeps): Promise<void> {
  const [verb = 'list', name, stream] = args;
  if (verb === 'list') return list(deps, name);
  if (verb !== 'retry' && verb !== 'skip') throw new Error(`usage: ${DEAD_LETTERS_USAGE}`);
  const known = [...deps.projections, ...deps.logProjections].map((p) => p.name);
  if (!name || !known.includes(name)) throw new Error(`projection: must be one of ${known.join(', ')}, got ${name}`);
  const kafka = deps.projections.find((p) => p.name === name);
  if (!kafka) return logVerb(deps, verb, name);
  if (verb === 'skip' && !stream) throw new Error('stream: skip needs the stream whose parked event to give up');
  const done =
    verb === 'skip'
      ? [await skipStream(deps.pool, kafka, stream)]
      : stream
        ? [await retryStream(deps.pool, kafka, stream)]
        : await retryParked(deps.pool, kafka);
  for (const r of done) deps.print(describe(name, r));
  if (done.length === 0) deps.print(`${name}: nothing parked`);
}

async function list(deps: DeadLettersCliDeps, projection?: string): Promise<void> {
  const letters = await listDeadLetters(deps.pool, projection);
  if (letters.length === 0) return deps.print('no dead letters');
  for (const l of letters) {
    const at = l.streamVersion === null ? '' : ` v${l.streamVersion}`;
    deps.print(`${l.projection}\t${l.status}\t${l.streamId}${at}\t${l.source}\t${l.error}`);
  }
}

async function logVerb(deps: DeadLettersCliDeps, verb: 'retry' | 'skip', name: string): Promise<void> {
  const r = await deps.pool.query(
    verb === 'retry'
      ? `DELETE FROM projection_dead_letters WHERE projection = $1 AND status = 'parked'`
      : `UPDATE projection_dead_letters SET status = 'skipped' WHERE projection = $1 AND status = 'parked'`,
    [name],
  );
  deps.print(
    r.rowCount
      ? `${name}: ${verb === 'retry' ? 'unparked; the projector reads it again' : 'skipped; the projector steps over it'}`
      : `${name}: nothing parked`,
  );
}

function describe(name: string, r: Redriven): string {
  const applied = `${r.applied} applied, ${r.dropped} duplicate(s) dropped`;
  return r.stillParked === null
    ? `${name} ${r.streamId}: flows again (${applied})`
    : `${name} ${r.streamId}: still parked (${applied}): ${r.stillParked}`;
}
