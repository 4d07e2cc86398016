import { Query, Resolver } from '@nestjs/graphql';
import { Pool } from 'pg';
import { Requires } from '@mammoth/platform';
import { listMetricsEndpoints, listNodes } from '@mammoth/read-models';
import { MetricsTargetModel } from '../../monitoring.model';
import { metricsTargets } from './metrics-targets';

/** MetricsTargetsResolver tells a scraper what to scrape: Mammoth's own processes, from its registry. */
@Resolver()
export class MetricsTargetsResolver {
  constructor(private readonly pool: Pool) {}

  @Query(() => [MetricsTargetModel], {
    description:
      'Every Mammoth process serving /metrics: the control planes and projectors that announced themselves, and the ' +
      "node daemons of the ready nodes (a fleet of hollow nodes is one target); the companion's file_sd source.",
  })
  @Requires('metrics:read')
  async metricsTargets(): Promise<MetricsTargetModel[]> {
    const [endpoints, nodes] = await Promise.all([listMetricsEndpoints(this.pool), listNodes(this.pool)]);
    return metricsTargets(endpoints, nodes);
  }
}
