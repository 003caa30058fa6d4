export * from './platform-action';
export * from './action-report';
