import type { CodegenConfig } from '@graphql-codegen/cli';
import { printLedgerSchema } from './libs/graphql/src/executable-schema';

/**
 * `npm run codegen`: TypeScript types for the GraphQL resolvers, generated from the schema the
 * service serves. libs/graphql/src/generated/schema-types.spec.ts fails when the output is stale.
 */
const config: CodegenConfig = {
  schema: printLedgerSchema(),
  generates: {
    'libs/graphql/src/generated/schema-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        // A new scalar must be given a TypeScript type here, not fall back to `any`.
        strictScalars: true,
        // Input DateTimes arrive as Dates (graphql-scalars parses them); output accepts either.
        scalars: { DateTime: { input: 'Date', output: 'Date | string' }, Decimal: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        contextType: '@ledger/graphql#GraphqlContext',
        // Parent types that differ from the GraphQL type: SlaReport.contract is resolved from
        // contractId, a DowntimeRun's statusBreakdown read when asked for, a Claim's status from its history,
        // an Alert's deliveries when asked for, an AlertRule's minSeverity in the API's case.
        mappers: { SlaReport: '@ledger/reporting#LiveSlaReport', DowntimeRun: '@ledger/reporting#EvidenceRunWithBreakdown', Claim: '@ledger/domain#ClaimListing as ClaimModel',
          Alert: '@ledger/alerts#AlertView', AlertRule: '@ledger/alerts#AlertRule as AlertRuleModel', CreatedAlertRule: '@ledger/alerts#CreatedAlertRule as CreatedAlertRuleModel',
          AlertDelivery: '@ledger/alerts#DeliveryView' },
      },
    },
  },
};

export default config;
