import { BadRequestException, Controller, Get, Header, Query, Req, UseGuards } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '@ledger/domain';
import { AuthenticatedRequest, QueryRateLimitGuard, RequireScope, ScopeGuard } from '@ledger/auth';
import { SlaReportService } from '@ledger/reporting';

const CSV = 'text/csv; charset=utf-8';
/** RFC 4180 with CRLF records; booleans spelled out, as spreadsheets show them. */
const CSV_OPTIONS = { header: true, record_delimiter: '\r\n', cast: { boolean: (value: boolean) => (value ? 'true' : 'false') } } as const;

/**
 * Spreadsheet exports (api.md § Exports): RFC 4180, a header row, one row per contract, amounts
 * as plain decimals with the currency in its own column. A platform key exports its own contracts.
 */
@Controller('v1/reports')
@UseGuards(ScopeGuard, QueryRateLimitGuard)
export class ReportsController {
  constructor(private readonly reports: SlaReportService) {}

  @Get('credits.csv')
  @RequireScope('read')
  @Header('content-type', CSV)
  async credits(@Req() request: AuthenticatedRequest, @Query('period') period: string | undefined): Promise<string> {
    const summary = await this.run(() => this.reports.credits(requirePeriod(period), { platform: request.principal?.platform ?? undefined }));
    return stringify(
      summary.lines.map((l) => [
        l.contractId, l.platform, l.provider, summary.period, l.uptimePercent, l.creditPercent, l.creditAmount.amount, l.creditAmount.currency, l.claimDeadline,
        l.claimDeadlineLocal, l.final,
      ]),
      {
        ...CSV_OPTIONS,
        columns: ['contract', 'platform', 'provider', 'period', 'uptime_percent', 'credit_percent', 'credit_amount', 'currency', 'claim_deadline', 'claim_deadline_local', 'final'],
      },
    );
  }

  @Get('sla.csv')
  @RequireScope('read')
  @Header('content-type', CSV)
  async sla(@Req() request: AuthenticatedRequest, @Query('period') period: string | undefined): Promise<string> {
    const label = requirePeriod(period);
    const reports = await this.run(() => this.reports.reports(label, { platform: request.principal?.platform ?? undefined }));
    return stringify(
      reports.map((r) => [
        r.contractId, r.platform, r.provider, r.period, r.periodStart, r.periodEnd, r.policy, r.targetPercent, r.uptimePercent, r.met,
        r.eligibleMinutes, r.excludedMinutes, r.downtimeMinutes ?? '', r.allowedDowntimeMinutes ?? '', r.creditPercent,
        r.creditAmount.amount, r.creditAmount.currency, r.claimDeadline, r.claimDeadlineLocal ?? '', r.eventsCounted > 0, r.final,
      ]),
      {
        ...CSV_OPTIONS,
        columns: ['contract', 'platform', 'provider', 'period', 'period_start', 'period_end', 'policy', 'target_percent', 'uptime_percent', 'met',
          'eligible_minutes', 'excluded_minutes', 'downtime_minutes', 'allowed_downtime_minutes', 'credit_percent', 'credit_amount', 'currency', 'claim_deadline', 'claim_deadline_local', 'has_traffic', 'final'],
      },
    );
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InputError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}

/** The month asked for; the error says what was wrong with it (missing, or not a month written YYYY-MM). */
function requirePeriod(period: string | undefined): string {
  if (period === undefined || period === '') throw new BadRequestException('the query parameter period=YYYY-MM (a month, e.g. 2026-06) is required');
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) {
    throw new BadRequestException(`period must be a month written YYYY-MM with a two-digit month (e.g. 2026-06), not "${period}"`);
  }
  return period;
}
