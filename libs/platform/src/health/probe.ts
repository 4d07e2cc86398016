import { Pool } from 'pg';

/** Probe is one thing a health endpoint checks: check resolves (optionally with details) when it is fine and throws the reason when not. */
export interface Probe {
  readonly name: string;
  check(): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
}

/** HealthProbes are a process's checks: liveness (/healthz: its loops go round) and readiness (/readyz: its dependencies answer). */
export interface HealthProbes {
  readonly liveness: readonly Probe[];
  readonly readiness: readonly Probe[];
}

/** postgresProbe is ready while the pool runs a query (within the pool's connect and statement timeouts). */
export function postgresProbe(pool: Pool): Probe {
  return { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) };
}

/** kafkaProbe is ready while the Kafka cluster answers a metadata request. */
export function kafkaProbe(bus: { ping(): Promise<void> }): Probe {
  return { name: 'kafka', check: () => bus.ping() };
}
