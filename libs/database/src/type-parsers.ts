import pg from 'pg';

const { types } = pg;

/** Postgres type OIDs we parse deliberately rather than accept pg's defaults for. */
const OID = { int8: 20, date: 1082, numeric: 1700, timestamptz: 1184, xid8: 5069 } as const;

let installed = false;

/**
 * int8 and xid8 → bigint (log positions and counts must not lose precision);
 * numeric → string (handed to decimal arithmetic, never to a binary float);
 * timestamptz → Date;
 * date → its `YYYY-MM-DD` text (a calendar day has no time zone; pg's default makes a local midnight).
 */
export function installTypeParsers(): void {
  if (installed) return;
  installed = true;
  types.setTypeParser(OID.int8, (value: string) => BigInt(value));
  // xid8 is newer than pg's list of known type ids.
  types.setTypeParser(OID.xid8 as unknown as 20, (value: string) => BigInt(value));
  types.setTypeParser(OID.numeric, (value: string) => value);
  types.setTypeParser(OID.timestamptz, (value: string) => new Date(value));
  types.setTypeParser(OID.date, (value: string) => value);
}
