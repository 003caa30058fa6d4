import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Database } from './database';

/** Injection token for the process's Kysely instance: the primary, where every write goes. */
export const DATABASE = Symbol('DATABASE');
export const InjectDatabase = (): ParameterDecorator => Inject(DATABASE);

/**
 * Injection token for the database the API's reads go to: a streaming replica of the primary
 * when `DATABASE_READ_URL` is set, the primary itself otherwise (the same Kysely instance, so
 * `read === primary` tells the two cases apart). Read-only: a replica refuses every write.
 */
export const READ_DATABASE = Symbol('READ_DATABASE');
export const InjectReadDatabase = (): ParameterDecorator => Inject(READ_DATABASE);

/** Whether reads go to a database of their own (a replica) rather than to the primary. */
export const readsFromReplica = (primary: Database, read: Database): boolean => read !== primary;

/** Makes already-created databases available to every module: the migrated primary and, optionally, a read replica. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @InjectDatabase() private readonly db: Database,
    @Inject(READ_DATABASE) private readonly readDb: Database,
  ) {}

  /** `readDb`: a replica for the API's reads; the primary serves them when omitted. */
  static forRoot(db: Database, readDb: Database = db): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE, useValue: db }, { provide: READ_DATABASE, useValue: readDb }],
      exports: [DATABASE, READ_DATABASE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (readsFromReplica(this.db, this.readDb)) await this.readDb.destroy();
    await this.db.destroy();
  }
}
