-- The drill-down to locations lists an admin2's largest figures first, 100 at a time. With the
-- figures ordered this way in the index, the first page is read without sorting every figure of
-- the admin2 (the slowest dashboard call at 1.2 million figure rows, bench/dtm.ts). It replaces
-- the plain admin2 index, whose columns it starts with.
DROP INDEX dtm_figure_admin2_idx;
CREATE INDEX dtm_figure_drilldown_idx ON dtm_figure (operation_id, round_id, admin2_pcode, population_group, individuals DESC, location_id);
