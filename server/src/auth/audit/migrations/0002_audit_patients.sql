-- A search touches many patients; "who accessed my record" must find each of them, so one event
-- names every patient it touched (IHE BALP: one patient entity per returned patient).
ALTER TABLE audit_log ADD COLUMN patients text[];
UPDATE audit_log SET patients = ARRAY[patient] WHERE patient IS NOT NULL;
DROP INDEX audit_log_patient;
ALTER TABLE audit_log DROP COLUMN patient;
CREATE INDEX audit_log_patients ON audit_log USING gin (patients) WHERE patients IS NOT NULL;
