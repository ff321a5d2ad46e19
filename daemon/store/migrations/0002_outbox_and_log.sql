-- Version 2: the outbox and the meeting log.

-- outbox holds every email leadup decided to send, written in full before
-- any SMTP exchange (the intent), so a crash can neither lose nor invent one.
-- message_id is derived from (meeting, kind, variant): inserting the same job
-- twice is a no-op.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	message_id      TEXT NOT NULL UNIQUE,
	meeting_key     TEXT NOT NULL REFERENCES meetings (key),
	kind            TEXT NOT NULL CHECK (kind IN ('brief', 'followup', 'notice')),
	-- variant tells jobs of one kind apart: a brief's lead time in seconds,
	-- "cancelled" or "moved@<unix start>" for a notice, "" for the follow-up.
	variant         TEXT NOT NULL,
	meeting_start   INTEGER NOT NULL, -- the meeting's start as the message tells it
	late            INTEGER NOT NULL DEFAULT 0,
	reply_token     TEXT NOT NULL DEFAULT '',
	state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL, -- give up after this: the message is no use any more
	last_error      TEXT NOT NULL DEFAULT '',
	envelope_from   TEXT NOT NULL,
	envelope_to     TEXT NOT NULL, -- comma-separated
	subject         TEXT NOT NULL,
	message         BLOB NOT NULL, -- the complete RFC 5322 message
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	sent_at         INTEGER
) STRICT;

CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_by_meeting ON outbox (meeting_key);
CREATE UNIQUE INDEX outbox_by_reply_token ON outbox (reply_token) WHERE reply_token != '';

-- items is the meeting log: decisions, action items, feedback, talking points
-- and notes, per boss, most of them tied to the meeting they came from.
CREATE TABLE items (
	id          INTEGER PRIMARY KEY,
	boss        TEXT NOT NULL, -- the boss's name as configured
	meeting_key TEXT REFERENCES meetings (key), -- NULL for talking points queued between meetings
	kind        TEXT NOT NULL CHECK (kind IN ('decision', 'action', 'feedback', 'point', 'note')),
	owner       TEXT NOT NULL DEFAULT '', -- actions: "me", "boss" or a person's name
	text        TEXT NOT NULL,
	due_at      INTEGER,
	created_at  INTEGER NOT NULL,
	done_at     INTEGER
) STRICT;

CREATE INDEX items_by_boss ON items (boss, kind, done_at);
CREATE INDEX items_by_meeting ON items (meeting_key) WHERE meeting_key IS NOT NULL;
