import { Module } from '@nestjs/common';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { DETECTOR_CONFIG } from './detector.config';
import { FailureDetectorResolver } from './failure-detector.resolver';
import { FailureDetector } from './failure-detector.service';
import { NodeRepair } from './node-repair';

/** FailureDetectorModule runs the failure detector (heartbeats, lease, sweeps) and its status query. */
@Module({
  providers: [
    { provide: DETECTOR_CONFIG, inject: [CONFIG], useFactory: (c: ControlPlaneConfig) => c.detector },
    NodeRepair,
    FailureDetector,
    FailureDetectorResolver,
  ],
})
export class FailureDetectorModule {}
