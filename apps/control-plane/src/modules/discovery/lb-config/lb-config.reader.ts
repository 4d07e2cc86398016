import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { LbConfigModel } from './lb-config.model';

interface VersionRow {
  version: number;
  hash: string;
  config: string;
  upstreams: LbConfigModel['upstreams'];
  rendered_at: Date;
  position: string;
}

/** LbConfigReader serves versions of the load-balancer configuration from the lb-config read model (lb_config_versions). */
@Injectable()
export class LbConfigReader {
  constructor(private readonly pool: Pool) {}

  /** latest is the newest version, or null before the first. */
  async latest(): Promise<LbConfigModel | null> {
    const r = await this.pool.query<VersionRow>('SELECT * FROM lb_config_versions ORDER BY version DESC LIMIT 1');
    return r.rows.length ? toModel(r.rows[0]) : null;
  }

  /** version is one version by number, or null. */
  async version(version: number): Promise<LbConfigModel | null> {
    const r = await this.pool.query<VersionRow>('SELECT * FROM lb_config_versions WHERE version = $1', [version]);
    return r.rows.length ? toModel(r.rows[0]) : null;
  }

  /** after lists up to `limit` versions after `version`, oldest first. */
  async after(version: number, limit: number): Promise<LbConfigModel[]> {
    const r = await this.pool.query<VersionRow>(
      'SELECT * FROM lb_config_versions WHERE version > $1 ORDER BY version LIMIT $2',
      [version, limit],
    );
    return r.rows.map(toModel);
  }
}

function toModel(r: VersionRow): LbConfigModel {
  return {
    version: r.version,
    hash: r.hash,
    config: r.config,
    upstreams: r.upstreams,
    renderedAt: new Date(r.rendered_at).toISOString(),
    position: String(r.position),
  };
}
