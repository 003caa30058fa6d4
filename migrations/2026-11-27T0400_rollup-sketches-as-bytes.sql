-- Rollup sketches stored as bytes: big-endian int4 pairs (bucket, count), by bucket — the form
-- vendor_summaries keeps them in (LatencySketch.toBytes). Postgres reads an int4[] element by
-- element through a function call each, which was a third of the cost of loading rollups in a
-- rebuild; bytes it copies. SQL reads a bucket back with get_byte (vendor-summary.repository.ts).

CREATE FUNCTION pg_temp.int4_array_bytes(pairs integer[]) RETURNS bytea LANGUAGE sql IMMUTABLE
  RETURN (SELECT coalesce(string_agg(int4send(v), ''::bytea ORDER BY i), ''::bytea) FROM unnest(pairs) WITH ORDINALITY AS u(v, i));

ALTER TABLE minute_rollups
  ALTER COLUMN latency_sketch TYPE bytea USING pg_temp.int4_array_bytes(latency_sketch),
  ALTER COLUMN ttft_sketch TYPE bytea USING pg_temp.int4_array_bytes(ttft_sketch);
