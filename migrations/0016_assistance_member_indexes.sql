-- Indexes for the foreign keys of 0015 that had none: deleting or checking a member must not scan
-- every duplicate pair and merge (the migrations test asks every foreign key for one).
CREATE INDEX assistance_duplicate_member_high_idx ON assistance_duplicate (member_high);
CREATE INDEX assistance_merge_member_low_idx ON assistance_merge (member_low);
CREATE INDEX assistance_merge_member_high_idx ON assistance_merge (member_high);
