import { Queryable } from '../row-store/rows';

/** ANNOUNCE_EVERY_MS is how often a process says again where it serves /metrics; twice as long unheard, it is left out. */
export const ANNOUNCE_EVERY_MS = 30_000;
const FRESH_MS = 4 * ANNOUNCE_EVERY_MS;

/** MetricsEndpoint is a Mammoth process that serves /metrics: its kind (control-plane, projector) and host:port. */
export interface MetricsEndpoint {
  readonly process: string;
  readonly address: string;
}

/** announceEndpoint records that a process serves /metrics at `address` now. */
export async function announceEndpoint(db: Queryable, endpoint: MetricsEndpoint): Promise<void> {
  await db.query(
    `INSERT INTO metrics_endpoints (process, address, seen_at) VALUES ($1, $2, now())
     ON CONFLICT (process, address) DO UPDATE SET seen_at = now()`,
    [endpoint.process, endpoint.address],
  );
}

/** listMetricsEndpoints reads the processes that announced themselves lately (older rows are dead processes, and go). */
export async function listMetricsEndpoints(db: Queryable): Promise<MetricsEndpoint[]> {
  await db.query(`DELETE FROM metrics_endpoints WHERE seen_at < now() - make_interval(secs => $1)`, [
    (FRESH_MS * 5) / 1000,
  ]);
  const r = await db.query<MetricsEndpoint>(
    `SELECT process, address FROM metrics_endpoints WHERE seen_at >= now() - make_interval(secs => $1)
      ORDER BY process, address`,
    [FRESH_MS / 1000],
  );
  return r.rows;
}

/**
 * announceEvery announces the endpoint now and every ANNOUNCE_EVERY_MS until the returned function is called; a failed
 * announcement (the database is down) is reported and tried again at the next turn.
 */
export function announceEvery(db: Queryable, endpoint: MetricsEndpoint, onError: (err: Error) => void): () => void {
  const announce = () => announceEndpoint(db, endpoint).catch(onError);
  void announce();
  const timer = setInterval(() => void announce(), ANNOUNCE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
