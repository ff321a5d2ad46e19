-- Version 6: the catch-up email after downtime, and invitations awaiting
-- the user's answer.

-- After downtime only the latest few overdue follow-ups of each boss are
-- sent; one catch-up email (kind 'catchup', which belongs to no meeting)
-- names the rest, and each of those follow-ups gets a row in state
-- 'skipped', written in the same transaction, so that no later plan sends
-- or names it again. Rebuild the table to change its CHECKs.
CREATE TABLE outbox_new (
	id              INTEGER PRIMARY KEY,
	message_id      TEXT NOT NULL UNIQUE,
	meeting_key     TEXT REFERENCES meetings (key),
	kind            TEXT NOT NULL CHECK (kind IN ('brief', 'followup', 'notice', 'confirm', 'digest', 'catchup')),
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
	CHECK ((meeting_key IS NULL) = (kind IN ('digest', 'catchup')))
) STRICT;
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_by_meeting ON outbox (meeting_key);
CREATE UNIQUE INDEX outbox_by_reply_token ON outbox (reply_token) WHERE reply_token != '';
CREATE UNIQUE INDEX outbox_digest_by_week ON outbox (variant) WHERE kind = 'digest';

-- invitations holds the events that would be meetings with a boss but for
-- an invitation the user has not answered, from someone who is neither a
-- boss nor the user. leadup sends nothing for them; `leadup meetings` lists
-- them as awaiting an answer. A row goes when the event stops awaiting
-- (answered, cancelled, changed) and soon after it ends.
CREATE TABLE invitations (
	key                TEXT PRIMARY KEY, -- as meetings.key
	calendar           TEXT NOT NULL,
	event_id           TEXT NOT NULL,
	recurring_event_id TEXT NOT NULL DEFAULT '',
	title              TEXT NOT NULL,
	start_at           INTEGER NOT NULL, -- Unix seconds
	end_at             INTEGER NOT NULL, -- Unix seconds
	boss               TEXT NOT NULL,
	organizer          TEXT NOT NULL, -- the address that sent the invitation
	one_on_one         INTEGER NOT NULL,
	seen_at            INTEGER NOT NULL
) STRICT;

CREATE INDEX invitations_by_calendar ON invitations (calendar, end_at);
