-- Sign-in: instead of a hard lock of the account after 20 wrong passwords (which anyone could
-- renew for ever against the administrator), wrong passwords are counted per account and
-- client address, and that address waits longer after each one. Another address, where the
-- owner is, is not affected. Unknown e-mails are counted the same way, so the answers do not
-- tell which accounts exist; rows are keyed by the normalised, lower-case e-mail.
CREATE TABLE sign_in_throttle (
  email            text NOT NULL CHECK (length(email) BETWEEN 1 AND 320),
  address          text NOT NULL CHECK (length(address) BETWEEN 1 AND 64),
  failures         integer NOT NULL CHECK (failures > 0),
  last_failure_at  timestamptz NOT NULL DEFAULT now(),
  -- No attempt from this address for this account is checked before this time.
  retry_at         timestamptz,
  PRIMARY KEY (email, address)
);
CREATE INDEX sign_in_throttle_last_failure_idx ON sign_in_throttle (last_failure_at);

ALTER TABLE app_user DROP COLUMN failed_sign_ins, DROP COLUMN locked_until;
