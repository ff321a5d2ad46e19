-- Version 3: replies, the mailbox checkpoint, and confirmations in the outbox.

-- replies records every email leadup turned into log entries, by its
-- Message-ID, so that each is processed once.
CREATE TABLE replies (
	message_id   TEXT PRIMARY KEY,
	meeting_key  TEXT REFERENCES meetings (key), -- NULL for talking points sent between meetings
	boss         TEXT NOT NULL,
	subject      TEXT NOT NULL,
	received_at  INTEGER NOT NULL, -- the reply's Date
	processed_at INTEGER NOT NULL
) STRICT;

ALTER TABLE items ADD COLUMN reply_id TEXT REFERENCES replies (message_id);

-- mailbox_checkpoints is where the IMAP watcher resumes.
CREATE TABLE mailbox_checkpoints (
	mailbox      TEXT PRIMARY KEY,
	uid_validity INTEGER NOT NULL,
	last_uid     INTEGER NOT NULL
) STRICT;

-- The outbox gains a kind, "confirm". SQLite cannot change a CHECK
-- constraint in place: rebuild the table (the migration is one transaction).
CREATE TABLE outbox_new (
	id              INTEGER PRIMARY KEY,
	message_id      TEXT NOT NULL UNIQUE,
	meeting_key     TEXT NOT NULL REFERENCES meetings (key),
	kind            TEXT NOT NULL CHECK (kind IN ('brief', 'followup', 'notice', 'confirm')),
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
	sent_at         INTEGER
) STRICT;
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_by_meeting ON outbox (meeting_key);
CREATE UNIQUE INDEX outbox_by_reply_token ON outbox (reply_token) WHERE reply_token != '';
