import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { latestLbVersion, lbVersionNumbered, lbVersionsAfter, LbVersionRow } from '@mammoth/read-models';
import { LbConfigModel } from './lb-config.model';

/** LbConfigReader serves versions of the load-balancer configuration from the lb-config read model. */
@Injectable()
export class LbConfigReader {
  constructor(private readonly pool: Pool) {}

  /** latest is the newest version, or null before the first. */
  async latest(): Promise<LbConfigModel | null> {
    const row = await latestLbVersion(this.pool);
    return row && toModel(row);
  }

  /** version is one version by number, or null. */
  async version(version: number): Promise<LbConfigModel | null> {
    const row = await lbVersionNumbered(this.pool, version);
    return row && toModel(row);
  }

  /** after lists up to `limit` versions after `version`, oldest first. */
  async after(version: number, limit: number): Promise<LbConfigModel[]> {
    return (await lbVersionsAfter(this.pool, version, limit)).map(toModel);
  }
}

function toModel(r: LbVersionRow): LbConfigModel {
  return {
    version: r.version,
    hash: r.hash,
    config: r.config,
    upstreams: r.upstreams,
    renderedAt: r.rendered_at,
    position: r.position,
  };
}
