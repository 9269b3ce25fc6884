-- "Who accessed my record" rows (audit_patient) are written after their entry is committed, in bulk,
-- rather than in the append statement every request waits for. The cursor says, per chain, up to
-- which entry they are written; entries after it are found through audit_log.patients. A chain's
-- entries commit in seq order (its head is locked from append to commit), so everything at or below
-- the cursor is indexed and nothing above it is missed.
CREATE TABLE audit_patient_cursor (
  tenant_id integer NOT NULL,
  lane smallint NOT NULL,
  indexed_seq bigint NOT NULL,
  PRIMARY KEY (tenant_id, lane)
);
ALTER TABLE audit_patient_cursor ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_patient_cursor FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_patient_cursor_tenant ON audit_patient_cursor
  USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON audit_patient_cursor TO openvisit_app;

-- Existing chains were indexed as they were written.
ALTER TABLE audit_head NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_patient_cursor NO FORCE ROW LEVEL SECURITY;
INSERT INTO audit_patient_cursor (tenant_id, lane, indexed_seq) SELECT tenant_id, lane, seq FROM audit_head;
ALTER TABLE audit_head FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_patient_cursor FORCE ROW LEVEL SECURITY;
