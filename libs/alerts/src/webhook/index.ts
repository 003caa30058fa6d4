export * from './signature';
export * from './retry-schedule';
export * from './address-guard';
export * from './webhook-post';
