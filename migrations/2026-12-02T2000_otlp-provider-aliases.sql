-- OTLP ingest (POST /v1/traces): a key's own names for providers. A span's gen_ai.provider.name
-- (or gen_ai.system) equal to `source` is recorded as `provider`, before the built-in names.
-- Set with setOtlpProviderAliases (each change is also an admin event).
CREATE TABLE otlp_provider_aliases (
  key_id text NOT NULL REFERENCES api_keys (id),
  source text NOT NULL,
  provider text NOT NULL,
  PRIMARY KEY (key_id, source)
);
