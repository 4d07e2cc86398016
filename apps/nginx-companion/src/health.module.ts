import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule, HealthProbes, LoggingModule, LoopBeats, MetricsModule, Probe } from '@mammoth/platform';
import { Applier } from './apply/applier';
import { Nginx } from './nginx/nginx';

/** FEED_SILENCE_MS is how long the lb-config feed may go without a keep-alive answer or a reconnect attempt before the companion counts as hung. */
export const FEED_SILENCE_MS = 60_000;

/** lbConfigProbe is ready once nginx runs a configuration from the control plane (a version above the bootstrap's 0). */
export function lbConfigProbe(applier: Applier, nginx: Nginx): Probe {
  return {
    name: 'lb-config',
    check: () => {
      const { version } = applier.applied;
      if (version === 0) throw new Error('no lb-config from the control plane applied yet');
      if (nginx.pid() === null) throw new Error(`nginx is not running (applied version ${version})`);
      return { version };
    },
  };
}

/** companionProbes are the companion's checks: the feed goes round (liveness), nginx serves an lb-config (readiness). */
export function companionProbes(beats: LoopBeats, applier: Applier, nginx: Nginx): HealthProbes {
  return { liveness: [beats.probe()], readiness: [lbConfigProbe(applier, nginx)] };
}

/**
 * CompanionHealthModule is the companion's only Nest app: /healthz and /readyz with request logging, and /metrics for
 * tokens the control planes say hold metrics:read, on its health listener.
 */
@Module({})
export class CompanionHealthModule {
  static forProbes(probes: HealthProbes, controlPlaneUrls: readonly string[]): DynamicModule {
    return {
      module: CompanionHealthModule,
      imports: [
        LoggingModule.forRoot(),
        MetricsModule.forRoot({ process: 'nginx-companion', controlPlaneUrls }),
        HealthModule.forProbes({ useFactory: () => probes }),
      ],
    };
  }
}
