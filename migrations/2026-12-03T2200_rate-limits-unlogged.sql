-- Every API request takes its tokens with one upsert into rate_limit_buckets. Logged, each of those
-- commits waited for a WAL flush — during sustained ingest, behind ingest's WAL — which a query's
-- answer then waited for too. Unlogged, the table writes no WAL and its commits wait for nothing;
-- what that gives up is the buckets themselves after a crash (Postgres empties an unlogged table
-- then, and every bucket starts full again) and on a streaming replica (the limiter uses the
-- primary only).
ALTER TABLE rate_limit_buckets SET UNLOGGED;
