/**
 * Who may see the status pages (env STATUS_PAGE):
 * - `key` (default): a key with the read scope, as a bearer header or the session cookie that
 *   the sign-in form sets;
 * - `public`: anyone — the pages show only provider-wide figures (every model over all
 *   platforms), never a platform's own traffic, so nothing private is exposed;
 * - `off`: the routes do not exist.
 */
export const STATUS_PAGE_MODES = ['key', 'public', 'off'] as const;
export type StatusPageMode = (typeof STATUS_PAGE_MODES)[number];

export const STATUS_PAGE_MODE = Symbol('STATUS_PAGE_MODE');

/** The HTTP-only cookie that carries a read key for the pages (SameSite=Strict), set for each of `SESSION_PATHS`. */
export const SESSION_COOKIE = 'sla_ledger_status_key';
/** The pages one sign-in opens: the status pages and the claims page (a cookie has one path, so it is set once per path). */
export const SESSION_PATHS = ['/status', '/claims'] as const;
