/** What a key may do (api.md § Auth). */
export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling, once a bearer token has been verified. */
export interface Principal {
  keyId: string;
  /** null for staff keys, which belong to no platform. */
  platform: string | null;
  scopes: ReadonlySet<Scope>;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has(scope) || principal.scopes.has('admin');
}
