-- "Who accessed my record" looks entries up by patient. A GIN index over each entry's patient array
-- cost more than the rest of auditing a read (an entry names every patient of its batch); a plain
-- B-tree table of (patient, entry) rows, written in the same statement as the entry, costs a
-- fraction of it. It is an index, not the record: the hash chain covers the entries themselves.
DROP INDEX audit_log_patients;
CREATE TABLE audit_patient (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  patient text NOT NULL,
  entry_id bigint NOT NULL,
  PRIMARY KEY (tenant_id, patient, entry_id)
);
ALTER TABLE audit_patient ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_patient FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_patient_tenant ON audit_patient
  USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON audit_patient TO openvisit_app;

-- Existing entries, read with row-level security lifted for this step only.
ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_patient NO FORCE ROW LEVEL SECURITY;
INSERT INTO audit_patient (tenant_id, patient, entry_id)
SELECT DISTINCT tenant_id, p, id FROM audit_log, unnest(patients) AS p WHERE patients IS NOT NULL;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_patient FORCE ROW LEVEL SECURITY;
