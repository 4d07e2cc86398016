import { Module } from '@nestjs/common';
import { PendingApps } from './pending-apps';
import { PendingPlacer } from './pending-placer.service';

/** PendingPlacerModule places pending instances when capacity appears (PendingPlacer) in every control-plane process. */
@Module({
  providers: [PendingApps, PendingPlacer],
})
export class PendingPlacerModule {}
