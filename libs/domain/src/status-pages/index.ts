export * from './statuspage-feed';
export * from './component-coverage';
export * from './status-page-accuracy';
