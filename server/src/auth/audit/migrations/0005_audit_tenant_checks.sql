-- Row-level security already binds every entry to the session's tenant (WITH CHECK tenant_id =
-- current_tenant()), and the application takes that tenant from a verified token or the tenant
-- directory. A foreign key to `tenant` on top of that share-locked the tenant's row for every entry
-- and every patient row: about a third of the database's cost of an append. Tenants are never
-- deleted, so the keys guarded nothing else.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_tenant_id_fkey;
ALTER TABLE audit_patient DROP CONSTRAINT audit_patient_tenant_id_fkey;
