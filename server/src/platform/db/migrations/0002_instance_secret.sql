-- Secrets every node of one deployment must share (e.g. the key that signs search paging cursors),
-- generated once at first migration from PostgreSQL's strong random source. Not tenant data.
CREATE TABLE instance_secret (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO instance_secret (name, value)
VALUES ('search-cursor', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
GRANT SELECT ON instance_secret TO openvisit_app;
