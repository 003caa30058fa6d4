/** Identifiers for providers and platforms (concepts §2): lowercase, URL-safe, up to 64 chars. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Model names follow the same grammar but may be up to 128 chars. */
export const MODEL_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value);
}
