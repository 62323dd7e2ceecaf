-- Each duplicate-detection run and the match threshold it applied: chosen from the pairs
-- reviewers decided (same person / different) when there are enough of them, the default
-- otherwise (src/assistance/threshold.ts). The review page shows the latest run's threshold and
-- how many decided pairs chose it.
CREATE TABLE assistance_detection_run (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_by            text NOT NULL,
  run_at            timestamptz NOT NULL DEFAULT now(),
  -- Not rounded: in a small registry the pairs to tell apart are 0.998 and 0.999.
  threshold         double precision NOT NULL CHECK (threshold > 0 AND threshold < 1),
  threshold_source  text NOT NULL CHECK (threshold_source IN ('labels', 'default')),
  labels            integer NOT NULL CHECK (labels >= 0),
  labels_same       integer NOT NULL CHECK (labels_same >= 0 AND labels_same <= labels),
  compared          bigint NOT NULL,
  found             integer NOT NULL,
  added             integer NOT NULL
);
