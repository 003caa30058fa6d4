-- An archived day stays archived: ensure_outcome_event_days no longer creates the partition of a
-- day recorded in outcome_archives, so an event of that day can never start a new partition
-- (which retention would archive again, over the first archive). Ingest refuses such events
-- before this, by RAW_EVENTS_RETENTION_DAYS; this guards a process configured without it.
-- `archive restore` brings a day back with restoring => true.
DROP FUNCTION ensure_outcome_event_days(date[]);

CREATE FUNCTION ensure_outcome_event_days(days date[], restoring boolean DEFAULT false) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  one_day date;
  day_table text;
  created integer := 0;
BEGIN
  -- One creator at a time: two ingest requests for the same new day must not both create it.
  PERFORM pg_advisory_xact_lock(hashtext('outcome_events partitions'));
  FOR one_day IN SELECT DISTINCT d FROM unnest(days) AS d ORDER BY d LOOP
    day_table := outcome_event_day_table(one_day);
    IF to_regclass(day_table) IS NOT NULL THEN
      IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = 'outcome_events'::regclass AND inhrelid = to_regclass(day_table)) THEN
        RAISE EXCEPTION 'the outcome events of % are being archived', one_day USING ERRCODE = 'object_in_use';
      END IF;
      CONTINUE;
    END IF;
    IF NOT restoring AND EXISTS (SELECT 1 FROM outcome_archives a WHERE a.day = one_day) THEN
      RAISE EXCEPTION 'the outcome events of % are archived: raw events of that day are no longer accepted', one_day
        USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'set RAW_EVENTS_RETENTION_DAYS on every process, or restore the day (archive restore)';
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE outcome_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', day_table);
    EXECUTE format('ALTER TABLE outcome_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', day_table, one_day, one_day + 1);
    -- Statement triggers are not inherited: a partition refuses rewrites on its own too.
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_rewrite()', day_table);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;
