/**
 * Postgres' COPY text format (`COPY … FROM STDIN`, the default format): one line a row, fields
 * separated by tabs, `\N` for NULL, and backslash, tab, newline and carriage return escaped in
 * values.
 */

/** A NULL field. */
export const COPY_TEXT_NULL = '\\N';

const SPECIAL = /[\\\t\n\r]/;

/** A value as a COPY text field (slugs and enums need no escaping, but tables do not promise slugs). */
export function escapeCopy(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
