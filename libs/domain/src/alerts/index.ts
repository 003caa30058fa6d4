export * from './alert-rule';
export * from './burn-rate';
export * from './model-status';
export * from './rule-evaluation';
