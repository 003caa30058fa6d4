export * from './burn-rate';
export * from './model-status';
