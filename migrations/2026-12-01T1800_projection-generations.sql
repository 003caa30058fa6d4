-- One projection runner keeps every read model (libs/projections/src/projection-runner.ts).
--
-- A checkpoint now carries a generation: 1 for the read models folded since the start, one more
-- with each rebuild that swaps in read models built aside. Readers and caches that hold figures
-- read from a read model key them on (generation, position) — a rebuild may produce the same
-- position with different tables under it.
ALTER TABLE projection_checkpoints ADD COLUMN generation bigint NOT NULL DEFAULT 1;

-- The vendor summaries are a projection of their own: their place in the log moves to
-- projection_checkpoints (name 'vendor-summaries'). Summaries built from the minute_rollups table
-- in use carry over; any others are dropped and summarized again by the runner.
INSERT INTO projection_checkpoints (name, transaction_id, global_position)
SELECT 'vendor-summaries', transaction_id, global_position FROM vendor_summary_state
WHERE transaction_id IS NOT NULL AND rollups_table = 'minute_rollups'::regclass::oid;

DELETE FROM vendor_summaries WHERE NOT EXISTS (SELECT 1 FROM projection_checkpoints WHERE name = 'vendor-summaries');
UPDATE vendor_summary_state SET summarized_days_end = NULL
WHERE NOT EXISTS (SELECT 1 FROM projection_checkpoints WHERE name = 'vendor-summaries');

-- What is left of the state: the end of the UTC days that have day (and block) rows.
ALTER TABLE vendor_summary_state DROP COLUMN transaction_id, DROP COLUMN global_position, DROP COLUMN rollups_table;
