import { Module } from '@nestjs/common';
import { CONFIG, ControlPlaneConfig } from '../../infra/config';
import { INSTANCE_REPAIR_CONFIG } from './instance-repair.config';
import { InstanceRepair } from './instance-repair';
import { InstanceRepairLoop } from './instance-repair.service';
import { RepairCandidates } from './repair-candidates';

/** InstanceRepairModule replaces unhealthy and crash-looping instances (InstanceRepairLoop) in every control-plane process. */
@Module({
  providers: [
    {
      provide: INSTANCE_REPAIR_CONFIG,
      inject: [CONFIG],
      useFactory: (c: ControlPlaneConfig) => c.instanceRepair,
    },
    RepairCandidates,
    InstanceRepair,
    InstanceRepairLoop,
  ],
})
export class InstanceRepairModule {}
