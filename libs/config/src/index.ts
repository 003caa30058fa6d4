export { loadConfig, ROLES } from './config';
export type { AppConfig, Role } from './config';
