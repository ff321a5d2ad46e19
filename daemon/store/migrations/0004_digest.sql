-- Version 4: the weekly digest in the outbox.

-- A digest belongs to no meeting: meeting_key becomes nullable (only for
-- kind 'digest', which the CHECK allows), and one digest a week at most is
-- enforced by a unique index on its variant, the ISO week. SQLite cannot
-- change a column's NOT NULL or a CHECK in place: rebuild the table (the
-- migration is one transaction).
CREATE TABLE outbox_new (
	id              INTEGER PRIMARY KEY,
	message_id      TEXT NOT NULL UNIQUE,
	meeting_key     TEXT REFERENCES meetings (key),
	kind            TEXT NOT NULL CHECK (kind IN ('brief', 'followup', 'notice', 'confirm', 'digest')),
	variant         TEXT NOT NULL,
	meeting_start   INTEGER NOT NULL,
	late            INTEGER NOT NULL DEFAULT 0,
	reply_token     TEXT NOT NULL DEFAULT '',
	state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
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
	CHECK ((meeting_key IS NULL) = (kind = 'digest'))
) STRICT;
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_by_meeting ON outbox (meeting_key);
CREATE UNIQUE INDEX outbox_by_reply_token ON outbox (reply_token) WHERE reply_token != '';
CREATE UNIQUE INDEX outbox_digest_by_week ON outbox (variant) WHERE kind = 'digest';
