import { Inject, Optional } from '@nestjs/common';

/** Raw-event retention as configured (RAW_EVENTS_RETENTION_DAYS, ARCHIVE_DIR). */
export interface RawEventRetention {
  /** Whole UTC days kept besides today; undefined → keep everything. */
  days: number | undefined;
  archiveDir: string;
}

export const RAW_EVENT_RETENTION = Symbol('RAW_EVENT_RETENTION');
export const InjectRawEventRetention = (): ParameterDecorator => (target, key, index) => {
  Optional()(target, key, index);
  Inject(RAW_EVENT_RETENTION)(target, key, index);
};
