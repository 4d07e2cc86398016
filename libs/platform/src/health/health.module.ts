import { AddressInfo } from 'node:net';
import { DynamicModule, INestApplication, InjectionToken, Logger, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthConfig } from '../config/health.config';
import { HEALTH_PROBES, HealthController } from './health.controller';
import { HealthProbes } from './probe';

/** HealthProbesFactory builds a process's probes from its providers. */
export interface HealthProbesFactory {
  readonly inject?: InjectionToken[];
  readonly useFactory: (...deps: never[]) => HealthProbes;
}

/**
 * HealthModule serves /healthz and /readyz (@nestjs/terminus) from the probes its factory builds; the factory may inject
 * any provider a global module exports. Probe failures are not logged here: the failing parts log their own.
 */
@Module({})
export class HealthModule {
  static forProbes(probes: HealthProbesFactory): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_PROBES, inject: probes.inject ?? [], useFactory: probes.useFactory }],
    };
  }
}

/** listenForHealth serves a health-only app on its configured address (port 0: a free one) and logs where; it returns the port. */
export async function listenForHealth(app: INestApplication, config: HealthConfig, log: Logger): Promise<number> {
  await app.listen(config.port, config.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  log.log(`health on http://${config.host}:${port}/healthz and /readyz`);
  return port;
}
