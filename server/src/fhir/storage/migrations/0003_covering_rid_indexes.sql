-- The per-resource indexes of the search tables become covering: when a search starts from its most
-- selective parameter, each other parameter is checked for a candidate rid from the index alone
-- (tenant_id is included because row-level security filters on it). They still serve the deletion
-- of a resource's old rows on update and delete.
DROP INDEX idx_string_rid;
CREATE INDEX idx_string_rid ON idx_string (rid, param_id) INCLUDE (tenant_id, grp, norm);
DROP INDEX idx_token_rid;
CREATE INDEX idx_token_rid ON idx_token (rid, param_id) INCLUDE (tenant_id, grp, code, system);
DROP INDEX idx_date_rid;
CREATE INDEX idx_date_rid ON idx_date (rid, param_id) INCLUDE (tenant_id, grp, lo, hi);
DROP INDEX idx_reference_rid;
CREATE INDEX idx_reference_rid ON idx_reference (rid, param_id) INCLUDE (tenant_id, grp, target_id, target_type);
DROP INDEX idx_number_rid;
CREATE INDEX idx_number_rid ON idx_number (rid, param_id) INCLUDE (tenant_id, grp, value, lo, hi);
DROP INDEX idx_quantity_rid;
CREATE INDEX idx_quantity_rid ON idx_quantity (rid, param_id) INCLUDE (tenant_id, grp, value, lo, hi, code, system);
DROP INDEX idx_uri_rid;
CREATE INDEX idx_uri_rid ON idx_uri (rid, param_id) INCLUDE (tenant_id, grp, value);

-- Statistics keep up with fast-growing tables (the default waits for 10% growth between analyses).
ALTER TABLE resource SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE idx_string SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE idx_token SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE idx_date SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE idx_reference SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE idx_quantity SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
