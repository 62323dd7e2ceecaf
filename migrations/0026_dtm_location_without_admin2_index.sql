-- No query reads locations by admin2 (the dashboards read dtm_summary and the figures' own
-- admin2): the index only cost the import an entry per new location. Lookups by operation use
-- the primary key or the (operation_id, code) key, which both start with operation_id.
DROP INDEX dtm_location_admin2_idx;
