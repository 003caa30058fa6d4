/**
 * What Node and Postgres must agree on, in one place: the bytes they hand each other (sketches,
 * minute mixes, binary and text COPY) and the outcome rules' SQL beside the domain functions it
 * mirrors. Depends on @ledger/domain and kysely only, so that every lib that talks to Postgres
 * (event-store, projections, reporting) can use it.
 */
// The sketch's stored form is defined with LatencySketch, which needs it (domain imports no lib).
export { SKETCH_PAIR_BYTES, encodeSketchPairs, writeSketchPairs, forEachSketchPair, decodeSketchPairs } from '@ledger/domain';
export { MINUTE_MIX_TRIPLE_BYTES, encodeMinuteMix, forEachMinuteMix } from './minute-mix';
export {
  BINARY_COPY_SIGNATURE, BINARY_COPY_HEADER_BYTES, BINARY_COPY_TRAILER, BINARY_COPY_NULL, PG_EPOCH_MS, PG_EPOCH_US,
  binaryCopyRowsStart, readInt8, writeInt8, pgMicrosToEpochMs, epochMsToPgMicros, binaryTextFields,
  writeBinaryCopyHeader, writeRowStart, writeBinaryCopyTrailer, writeNullField, writeInt2Field, writeInt4Field, writeTimestampField,
  writeSketchField, jsonbFieldBytes, BinaryCopyWriter,
} from './binary-copy';
export { COPY_TEXT_NULL, escapeCopy } from './copy-text';
export {
  OUTCOME_COPY_COLUMNS, outcomeEventsCopyChunks, outcomeEventsCopyText, occurredOn, encodeOutcomeBatch, type EncodedOutcomeBatch,
} from './outcome-events-copy';
export { failuresSql, eligibleSql, countedErrorsSql, contractTallySql, eventFailsSql, type FailureRulesSql, latencyBucketSql, latencyCountsSql, sketchedBucketSql } from './outcome-rules.sql';
export type { RuleFlag } from './outcome-rules.sql';
export { sqlText } from './sql-text';
