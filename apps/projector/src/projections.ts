import { aclProjection } from './acl/acl.projection';
import { capacityProjection } from './capacity/capacity.projection';
import { lbConfigProjection } from './lb-config/lb-config.projection';
import { registryProjection } from './registry/registry.projection';
import { LogProjection } from './runner/log-projection';
import { Projection } from './runner/projection';

/** PROJECTIONS lists every projection this process runs; their names are what `rebuild <name>` accepts. */
export const PROJECTIONS: readonly Projection[] = [registryProjection, capacityProjection, aclProjection];

/** projectionNamed finds a projection by name, or undefined. */
export function projectionNamed(name: string): Projection | undefined {
  return PROJECTIONS.find((p) => p.name === name);
}

/** LOG_PROJECTIONS are folded from the event store in global position order (runner/log-runner.ts), not from Kafka; `rebuild <name>` accepts them too. */
export const LOG_PROJECTIONS: readonly LogProjection[] = [lbConfigProjection];

/** logProjectionNamed finds a log projection by name, or undefined. */
export function logProjectionNamed(name: string): LogProjection | undefined {
  return LOG_PROJECTIONS.find((p) => p.name === name);
}
