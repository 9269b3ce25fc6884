-- Platform schema: tenants, the application role that row-level security applies to, and the outbox.

-- The server connects as the migration owner and switches to this role, so that row-level security
-- binds every query (owners and superusers would bypass it).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'openvisit_app') THEN
    CREATE ROLE openvisit_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END
$$;
GRANT openvisit_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO openvisit_app;
GRANT SELECT ON schema_migration TO openvisit_app;

-- The tenant set for the current transaction; NULL (no rows visible) when nothing was set.
CREATE OR REPLACE FUNCTION current_tenant() RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('openvisit.tenant_id', true), '')::integer $$;

CREATE TABLE tenant (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The tenant directory holds no PHI; it is read before a tenant is chosen, so it has no row policy.
GRANT SELECT, INSERT ON tenant TO openvisit_app;

-- Transactional outbox: written in the same transaction as the change it announces.
CREATE TABLE outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id integer NOT NULL REFERENCES tenant (id),
  event_id uuid NOT NULL UNIQUE,
  topic text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
-- The relay publishes every tenant's events; it declares itself with openvisit.relay for its own transaction.
CREATE POLICY outbox_tenant ON outbox
  USING (tenant_id = current_tenant() OR current_setting('openvisit.relay', true) = 'on')
  WITH CHECK (tenant_id = current_tenant() OR current_setting('openvisit.relay', true) = 'on');
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO openvisit_app;
