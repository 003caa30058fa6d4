import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { ProjectionsModule } from '@ledger/projections';
import { ActionReportService } from './action-report.service';
import { ClaimPacketService } from './claim-packet.service';
import { ClaimRepository } from './claim.repository';
import { ClaimService } from './claim.service';
import { ContractTrafficRepository } from './contract-traffic.repository';
import { ContractRepository } from './contract.repository';
import { ContractService } from './contract.service';
import { MaintenanceRepository } from './maintenance.repository';
import { SlaReportService } from './sla-report.service';
import { StatementRepository } from './statement.repository';
import { StatementService } from './statement.service';
import { TrafficCache } from './traffic-cache';
import { VendorComparisonService } from './vendor-comparison.service';
import { VendorSummaryRepository } from './vendor-summary.repository';
import { VendorSummaryProjection } from './vendor-summary.projection';
import { VendorSummaryService } from './vendor-summary.service';

const providers = [
  ContractRepository, ContractTrafficRepository, TrafficCache, MaintenanceRepository, StatementRepository, ContractService, SlaReportService,
  StatementService, VendorComparisonService, VendorSummaryRepository, VendorSummaryProjection, VendorSummaryService, ClaimRepository, ClaimService, ClaimPacketService,
  ActionReportService,
];

/** Contracts, SLA reports, credits, statements and claims, computed from the read models. */
@Module({ imports: [EventStoreModule, ProjectionsModule], providers, exports: providers })
export class ReportingModule {}
