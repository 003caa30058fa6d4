import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { QueryRateLimitGuard, RequireScope, ScopeGuard } from '@ledger/auth';
import { Metrics } from './metrics';

/** `GET /metrics` in Prometheus text format (a read key; Prometheus sends it as a bearer token). */
@Controller()
@UseGuards(ScopeGuard, QueryRateLimitGuard)
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  @RequireScope('read')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
