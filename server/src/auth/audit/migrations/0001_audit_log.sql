-- Append-only, tamper-evident audit log: one hash chain per tenant (see auth/audit/README.md).
-- entry_hash = sha256(previous entry_hash || seq || recorded || event), computed by the writer and
-- checked by `openvisit audit verify`. The application role may insert and read, never change or remove.
CREATE TABLE audit_log (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  seq bigint NOT NULL,
  recorded timestamptz NOT NULL,
  -- Patient whose record was touched (`Patient/<id>`), for "who accessed my record"; NULL otherwise.
  patient text,
  -- The FHIR AuditEvent exactly as hashed (text, not jsonb: the hash covers these bytes).
  event text NOT NULL,
  entry_hash bytea NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_patient ON audit_log (tenant_id, patient, recorded) WHERE patient IS NOT NULL;

-- The end of each tenant's chain; appends lock it, so entries of one tenant are written in order.
CREATE TABLE audit_head (
  tenant_id integer PRIMARY KEY REFERENCES tenant (id),
  seq bigint NOT NULL,
  entry_hash bytea NOT NULL
);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_tenant ON audit_log
  USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
ALTER TABLE audit_head ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_head FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_head_tenant ON audit_head
  USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON audit_log TO openvisit_app;
GRANT SELECT, INSERT, UPDATE ON audit_head TO openvisit_app;
