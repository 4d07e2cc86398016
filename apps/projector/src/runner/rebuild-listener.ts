import { ClientConfig } from 'pg';
import { PgChannelListener } from '@mammoth/event-store';
import { parseRebuildPayload, ProjectorLog, REBUILD_CHANNEL, RebuildSource } from './projection';

/**
 * RebuildListener hands each NOTIFY on REBUILD_CHANNEL (a projection name, see rebuildPayload) to onRebuild. It listens through
 * PgChannelListener, which survives PostgreSQL restarts; a NOTIFY sent while it is disconnected is lost, and the CLI
 * that sent it times out saying so.
 */
export class RebuildListener {
  private readonly listener: PgChannelListener;

  constructor(
    pg: ClientConfig,
    onRebuild: (name: string, from: RebuildSource) => Promise<void>,
    log: ProjectorLog,
    checkEveryMs = 5000,
  ) {
    this.listener = new PgChannelListener(
      pg,
      [REBUILD_CHANNEL],
      (channel, payload) => {
        if (channel !== REBUILD_CHANNEL || !payload) return;
        const { name, from } = parseRebuildPayload(payload);
        log.log(`rebuild of projection ${name} from ${from} requested`);
        onRebuild(name, from).catch((err: Error) => log.error(`rebuild of projection ${name} failed: ${err.message}`));
      },
      (msg) => log.warn(`rebuild ${msg}`),
      checkEveryMs,
    );
  }

  /** start begins listening; it resolves once the first LISTEN is in place (or the first attempt failed). */
  start(): Promise<void> {
    return this.listener.start();
  }

  /** stop closes the listening connection and ends the reconnect loop. */
  stop(): Promise<void> {
    return this.listener.stop();
  }
}
