import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Requires } from '../access/access.decorators';
import { metricsRegistry } from './registry';

/** MetricsController serves the process registry at /metrics in Prometheus' text format, to callers holding metrics:read. */
@Controller()
export class MetricsController {
  @Get('metrics')
  @Requires('metrics:read')
  async metrics(@Res() res: Response): Promise<void> {
    const body = await metricsRegistry.metrics();
    res.setHeader('content-type', metricsRegistry.contentType);
    res.send(body);
  }
}
