export { GraphqlModule } from './graphql.module';
export type { GraphqlOptions } from './graphql.module';
export { printLedgerSchema } from './executable-schema';
export type { GraphqlContext } from './graphql-context';
