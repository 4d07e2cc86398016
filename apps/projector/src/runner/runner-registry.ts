import { Pool } from 'pg';

/** RunnerEntry is one projection as projection_runners lists it: Kafka topics it reads, or event types of the log. */
export interface RunnerEntry {
  readonly name: string;
  readonly kind: 'kafka' | 'log';
  readonly sources: readonly string[];
}

/** registerRunners records the projections a projector runs (the last one to start describes each). */
export async function registerRunners(pool: Pool, runners: readonly RunnerEntry[]): Promise<void> {
  if (runners.length === 0) return;
  await pool.query(
    `INSERT INTO projection_runners (name, kind, sources, started_at)
     SELECT name, kind, ARRAY(SELECT jsonb_array_elements_text(sources)), now()
       FROM jsonb_to_recordset($1::jsonb) AS r(name text, kind text, sources jsonb)
     ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, sources = EXCLUDED.sources, started_at = EXCLUDED.started_at`,
    [JSON.stringify(runners)],
  );
}
