-- When a session last wrote (unix seconds), so that behind `serve --read-db` its reads go to
-- the primary for a while and a user always reads back their own writes (docs/operations.md,
-- "Reads from a standby"). Set at login and after each write request; 0: never wrote.
ALTER TABLE sessions ADD COLUMN wrote_at BIGINT NOT NULL DEFAULT 0;
