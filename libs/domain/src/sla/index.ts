export * from './period';
export * from './money';
export * from './contract';
export * from './sla-evaluation';
export * from './traffic';
export * from './failure-rules';
export * from './openslo';
