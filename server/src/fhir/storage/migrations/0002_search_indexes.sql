-- Indexes the search engine's plans need (see fhir/search/query/README.md):
-- numeric comparisons are not leakproof, so under row-level security a quantity search is led by
-- its code; and an unfiltered type search (or one sorted by creation order) walks live rows by rid.
CREATE INDEX idx_quantity_code ON idx_quantity (tenant_id, param_id, code, system, rid);
CREATE INDEX resource_type_rid ON resource (tenant_id, res_type, rid) WHERE NOT deleted;
