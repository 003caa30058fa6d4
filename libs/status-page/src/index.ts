export { ClaimsPagesModule, StatusPageModule } from './status-page.module';
export { STATUS_PAGE_MODES } from './status-access';
export type { StatusPageMode } from './status-access';
