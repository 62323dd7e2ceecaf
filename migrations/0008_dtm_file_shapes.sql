-- DTM round files as they really arrive: age-only parts (both sexes, when a file gives ages
-- without sex: `PDI 0-4 ans`) are kept beside the sex × age parts, and the settlement types of
-- DTM's vocabulary that had no value of their own (planned site, transit site) get one.
ALTER TABLE dtm_figure
  ADD COLUMN a1 integer CHECK (a1 >= 0), ADD COLUMN a2 integer CHECK (a2 >= 0), ADD COLUMN a3 integer CHECK (a3 >= 0),
  ADD COLUMN a4 integer CHECK (a4 >= 0), ADD COLUMN a5 integer CHECK (a5 >= 0);
ALTER TABLE dtm_figure_stage
  ADD COLUMN a1 integer, ADD COLUMN a2 integer, ADD COLUMN a3 integer, ADD COLUMN a4 integer, ADD COLUMN a5 integer;
ALTER TABLE dtm_location DROP CONSTRAINT dtm_location_settlement_type_check;
ALTER TABLE dtm_location ADD CONSTRAINT dtm_location_settlement_type_check
  CHECK (settlement_type IN ('host-community', 'camp', 'planned-site', 'spontaneous-site', 'collective-centre', 'transit-site', 'other'));
