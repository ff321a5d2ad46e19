-- Version 9: nudges. When the user and a boss go too long without meeting,
-- or two 1:1s in a row do not take place, one email (kind 'nudge', which
-- belongs to no meeting) says so, once per gap: its variant names the boss
-- and the last meeting held, and is unique among nudges. Rebuild the table
-- to change its CHECKs.
CREATE TABLE outbox_new (
	id              INTEGER PRIMARY KEY,
	message_id      TEXT NOT NULL UNIQUE,
	meeting_key     TEXT REFERENCES meetings (key),
	kind            TEXT NOT NULL CHECK (kind IN ('brief', 'followup', 'notice', 'confirm', 'digest', 'catchup', 'nudge')),
	variant         TEXT NOT NULL,
	meeting_start   INTEGER NOT NULL,
	late            INTEGER NOT NULL DEFAULT 0,
	reply_token     TEXT NOT NULL DEFAULT '',
	state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	envelope_from   TEXT NOT NULL,
	envelope_to     TEXT NOT NULL,
	subject         TEXT NOT NULL,
	message         BLOB NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	sent_at         INTEGER,
	CHECK ((meeting_key IS NULL) = (kind IN ('digest', 'catchup', 'nudge')))
) STRICT;
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_by_meeting ON outbox (meeting_key);
CREATE UNIQUE INDEX outbox_by_reply_token ON outbox (reply_token) WHERE reply_token != '';
CREATE UNIQUE INDEX outbox_digest_by_week ON outbox (variant) WHERE kind = 'digest';
CREATE UNIQUE INDEX outbox_nudge_by_gap ON outbox (variant) WHERE kind = 'nudge';

-- The last meeting held with a boss (store.Contact), found without walking
-- back through every meeting cancelled since.
CREATE INDEX meetings_held_by_boss ON meetings (boss, start_at) WHERE status = 'active' AND boss_declined = 0;
