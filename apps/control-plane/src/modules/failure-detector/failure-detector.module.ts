import { Module } from '@nestjs/common';
import { DETECTOR_CONFIG, loadDetectorConfig } from './detector.config';
import { FailureDetectorResolver } from './failure-detector.resolver';
import { FailureDetector } from './failure-detector.service';
import { NodeRepair } from './node-repair';

/** FailureDetectorModule runs the failure detector (heartbeats, lease, sweeps) and its status query. */
@Module({
  providers: [
    { provide: DETECTOR_CONFIG, useFactory: () => loadDetectorConfig() },
    NodeRepair,
    FailureDetector,
    FailureDetectorResolver,
  ],
})
export class FailureDetectorModule {}
