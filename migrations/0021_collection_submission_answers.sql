-- A submission's answers as the exports read them, split by table (the form's own, one per repeat),
-- written once when the submission is received. Exports then read JSON the database already
-- holds instead of parsing every submission's XML again for every table of every export: at
-- 100,000 REACH MSNA submissions that parse was ~95 % of an export's time. The XML stays the record;
-- a row received before this column existed has it null and is read from its XML. `json`, not
-- `jsonb`: it is only ever read whole, and json is kept and sent back as its text, unconverted.
ALTER TABLE collection_submission ADD COLUMN answers json;
