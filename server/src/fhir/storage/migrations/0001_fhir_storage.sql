-- FHIR resource storage: current versions, every version, and search index tables filled at write time.
-- Index rows point at resource.rid (one per logical resource) and name their search parameter by
-- search_param.id, which keeps the large index tables narrow.

CREATE TABLE search_param (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_type text NOT NULL,
  code text NOT NULL,
  UNIQUE (resource_type, code)
);
GRANT SELECT, INSERT ON search_param TO openvisit_app;

CREATE TABLE resource (
  rid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id integer NOT NULL REFERENCES tenant (id),
  res_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  -- The resource exactly as served, meta included; NULL once deleted.
  content text,
  UNIQUE (tenant_id, res_type, id)
);
CREATE INDEX resource_type_updated ON resource (tenant_id, res_type, last_updated, rid);

CREATE TABLE resource_history (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  rid bigint NOT NULL,
  res_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  -- POST, PUT, PATCH or DELETE: what made this version (history entries report it).
  method text NOT NULL,
  content text,
  PRIMARY KEY (rid, version_id)
);
CREATE INDEX resource_history_type ON resource_history (tenant_id, res_type, last_updated);
CREATE INDEX resource_history_system ON resource_history (tenant_id, last_updated);

-- grp numbers the repetitions of a composite parameter so its components can be matched together; 0 otherwise.
CREATE TABLE idx_string (
  tenant_id integer NOT NULL,
  param_id integer NOT NULL,
  rid bigint NOT NULL,
  grp smallint NOT NULL DEFAULT 0,
  value text NOT NULL,
  -- lower case, accents removed: what the default and :contains matches compare
  norm text NOT NULL
);
CREATE INDEX idx_string_lookup ON idx_string (tenant_id, param_id, norm text_pattern_ops, rid);
CREATE INDEX idx_string_rid ON idx_string (rid);

CREATE TABLE idx_token (
  tenant_id integer NOT NULL,
  param_id integer NOT NULL,
  rid bigint NOT NULL,
  grp smallint NOT NULL DEFAULT 0,
  system text,
  code text,
  -- normalized display / text, for :text
  text_norm text
);
CREATE INDEX idx_token_lookup ON idx_token (tenant_id, param_id, code, system, rid);
CREATE INDEX idx_token_rid ON idx_token (rid);

CREATE TABLE idx_date (
  tenant_id integer NOT NULL,
  param_id integer NOT NULL,
  rid bigint NOT NULL,
  grp smallint NOT NULL DEFAULT 0,
  -- the instant range the value covers: a date 2020-01 covers [2020-01-01, 2020-02-01)
  lo timestamptz NOT NULL,
  hi timestamptz NOT NULL
);
CREATE INDEX idx_date_lookup ON idx_date (tenant_id, param_id, lo, hi, rid);
CREATE INDEX idx_date_rid ON idx_date (rid);

CREATE TABLE idx_reference (
  tenant_id integer NOT NULL,
  param_id integer NOT NULL,
  rid bigint NOT NULL,
  grp smallint NOT NULL DEFAULT 0,
  -- set for local references Type/id (also when written as this server's absolute URL)
  target_type text,
  target_id text,
  -- the reference as written (absolute URL, canonical without |version), for other matches
  url text,
  canonical_version text
);
CREATE INDEX idx_reference_lookup ON idx_reference (tenant_id, param_id, target_id, target_type, rid);
CREATE INDEX idx_reference_url ON idx_reference (tenant_id, param_id, url, rid);
CREATE INDEX idx_reference_rid ON idx_reference (rid);

CREATE TABLE idx_number (
  tenant_id integer NOT NULL,
  param_id integer NOT NULL,
  rid bigint NOT NULL,
  grp smallint NOT NULL DEFAULT 0,
  value numeric NOT NULL,
  -- the range implied by the stored precision: 1.5 covers [1.45, 1.55)
  lo numeric NOT NULL,
  hi numeric NOT NULL
);
CREATE INDEX idx_number_lookup ON idx_number (tenant_id, param_id, value, rid);
CREATE INDEX idx_number_rid ON idx_number (rid);

CREATE TABLE idx_quantity (
  tenant_id integer NOT NULL,
  param_id integer NOT NULL,
  rid bigint NOT NULL,
  grp smallint NOT NULL DEFAULT 0,
  system text,
  code text,
  unit text,
  value numeric NOT NULL,
  lo numeric NOT NULL,
  hi numeric NOT NULL
);
CREATE INDEX idx_quantity_lookup ON idx_quantity (tenant_id, param_id, value, rid);
CREATE INDEX idx_quantity_rid ON idx_quantity (rid);

CREATE TABLE idx_uri (
  tenant_id integer NOT NULL,
  param_id integer NOT NULL,
  rid bigint NOT NULL,
  grp smallint NOT NULL DEFAULT 0,
  value text NOT NULL
);
CREATE INDEX idx_uri_lookup ON idx_uri (tenant_id, param_id, value text_pattern_ops, rid);
CREATE INDEX idx_uri_rid ON idx_uri (rid);

-- Every table that holds tenant data is bound to the transaction's tenant by row-level security.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['resource', 'resource_history', 'idx_string', 'idx_token', 'idx_date',
                           'idx_reference', 'idx_number', 'idx_quantity', 'idx_uri']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())',
                   t || '_tenant', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO openvisit_app', t);
  END LOOP;
END
$$;
