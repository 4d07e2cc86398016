import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Public } from '../access/access.decorators';
import { HealthProbes, Probe } from './probe';

/** HEALTH_PROBES is the injection token of a process's HealthProbes. */
export const HEALTH_PROBES = Symbol('HealthProbes');

/** PROBE_TIMEOUT_MS marks a probe down when it does not answer in time (a hung dependency is a down one). */
const PROBE_TIMEOUT_MS = 3000;

/** HealthController serves /healthz (liveness) and /readyz (readiness): 200 when every probe is up, else 503 naming the failures. */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_PROBES) private readonly probes: HealthProbes,
  ) {}

  @Get('healthz')
  @Public()
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check(this.probes.liveness.map((p) => () => this.run(p)));
  }

  @Get('readyz')
  @Public()
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.probes.readiness.map((p) => () => this.run(p)));
  }

  private async run(probe: Probe): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(probe.name);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      return session.up((await Promise.race([Promise.resolve(probe.check()), late])) ?? {});
    } catch (err) {
      return session.down({ message: (err as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
