-- The complete schema of a new database. Keep it equal to the result of
-- running every file in migrations/ in order; TestMigrationsMatchSchema
-- checks that.

-- meetings holds every meeting with a boss that leadup has seen, keyed so that
-- a moved recurring instance stays the same meeting. Rows are never deleted
-- by a sync: a cancelled or declined meeting keeps its row with that status,
-- because later work (briefs already sent, logged outcomes) refers to it.
CREATE TABLE meetings (
	key                TEXT PRIMARY KEY,
	calendar           TEXT NOT NULL,
	event_id           TEXT NOT NULL,
	recurring_event_id TEXT NOT NULL DEFAULT '',
	status             TEXT NOT NULL CHECK (status IN ('active', 'declined', 'cancelled', 'unmatched')),
	title              TEXT NOT NULL,
	start_at           INTEGER NOT NULL, -- Unix seconds
	end_at             INTEGER NOT NULL, -- Unix seconds
	boss               TEXT NOT NULL,
	boss_email         TEXT NOT NULL,
	one_on_one         INTEGER NOT NULL,
	boss_declined      INTEGER NOT NULL,
	event              TEXT NOT NULL, -- the calendar.Event as JSON
	digest             TEXT NOT NULL, -- hash of the columns above: skip writes that change nothing
	first_seen_at      INTEGER NOT NULL,
	changed_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX meetings_by_start ON meetings (status, start_at);
CREATE INDEX meetings_by_series ON meetings (calendar, recurring_event_id) WHERE recurring_event_id != '';
-- "Last time" in a brief walks back through one boss's meetings.
CREATE INDEX meetings_by_boss ON meetings (boss, start_at);
-- A nudge looks for the last meeting held with a boss (store.Contact).
CREATE INDEX meetings_held_by_boss ON meetings (boss, start_at) WHERE status = 'active' AND boss_declined = 0;

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

-- calendar_sync holds, for each calendar, the cursor of its last sync and the
-- fingerprint of the boss rule its meetings were classified with.
CREATE TABLE calendar_sync (
	calendar       TEXT PRIMARY KEY,
	cursor         TEXT NOT NULL,
	rule           TEXT NOT NULL,
	synced_at      INTEGER NOT NULL,
	full_synced_at INTEGER NOT NULL
) STRICT;
-- outbox holds every email leadup decided to send, written in full before
-- any SMTP exchange (the intent), so a crash can neither lose nor invent one.
-- message_id is derived from (meeting, kind, variant): inserting the same job
-- twice is a no-op.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	message_id      TEXT NOT NULL UNIQUE,
	meeting_key     TEXT REFERENCES meetings (key), -- NULL for a digest, a catch-up or a nudge, which belong to no meeting
	kind            TEXT NOT NULL CHECK (kind IN ('brief', 'followup', 'notice', 'confirm', 'digest', 'catchup', 'nudge')),
	-- variant tells jobs of one kind apart: a brief's lead time in seconds,
	-- "cancelled" or "moved@<unix start>" for a notice, "" for the follow-up,
	-- the reply's Message-ID for a confirmation, the ISO week ("2026-W48")
	-- for a digest, a digest of the follow-ups it names for a catch-up, the
	-- boss and the last meeting held with them for a nudge ("Dana
	-- Whitfield|primary/1on1@1764669600": one nudge per gap).
	variant         TEXT NOT NULL,
	meeting_start   INTEGER NOT NULL, -- the meeting's start as the message tells it
	late            INTEGER NOT NULL DEFAULT 0,
	reply_token     TEXT NOT NULL DEFAULT '',
	-- skipped: a follow-up not sent after downtime, named in a catch-up.
	state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
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
	sent_at         INTEGER,
	CHECK ((meeting_key IS NULL) = (kind IN ('digest', 'catchup', 'nudge')))
) STRICT;

CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_by_meeting ON outbox (meeting_key);
CREATE UNIQUE INDEX outbox_by_reply_token ON outbox (reply_token) WHERE reply_token != '';
-- One digest a week, whatever its Message-ID.
CREATE UNIQUE INDEX outbox_digest_by_week ON outbox (variant) WHERE kind = 'digest';
-- One nudge a gap.
CREATE UNIQUE INDEX outbox_nudge_by_gap ON outbox (variant) WHERE kind = 'nudge';

-- items is the meeting log: decisions, action items, feedback, talking points
-- and notes, per boss, most of them tied to the meeting they came from.
-- id is the row; number is what the user sees and types ("done 7").
CREATE TABLE items (
	id          INTEGER PRIMARY KEY,
	boss        TEXT NOT NULL, -- the boss's name as configured
	meeting_key TEXT REFERENCES meetings (key), -- NULL for talking points queued between meetings
	kind        TEXT NOT NULL CHECK (kind IN ('decision', 'action', 'feedback', 'point', 'note')),
	owner       TEXT NOT NULL DEFAULT '', -- actions: "me", "boss" or a person's name
	text        TEXT NOT NULL,
	due_at      INTEGER,
	created_at  INTEGER NOT NULL,
	done_at     INTEGER,
	reply_id    TEXT REFERENCES replies (message_id), -- the email it was logged from
	closed_by   TEXT, -- the Message-ID of the reply that closed it
	source      TEXT NOT NULL DEFAULT '', -- the line it was read from
	inferred    INTEGER NOT NULL DEFAULT 0, -- 1: its kind or owner was guessed from the wording
	-- number: 1, 2, 3… over the items that can be closed (actions,
	-- feedback, talking points), given when they are logged from
	-- item_numbers; NULL for decisions and notes. Never given twice.
	number      INTEGER
) STRICT;

CREATE INDEX items_by_boss ON items (boss, kind, done_at);
CREATE INDEX items_by_meeting ON items (meeting_key) WHERE meeting_key IS NOT NULL;
CREATE UNIQUE INDEX items_by_number ON items (number) WHERE number IS NOT NULL;

-- item_numbers holds, in its one row (made by the first number given), the
-- last item number given, so that a number is never given twice, even after
-- "undo" removed its item; and legacy_before, set by migration 0007 on a
-- database that had items before they were numbered: outbox emails with a
-- lower id showed row ids, and a number in a reply to one is read as one.
CREATE TABLE item_numbers (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	last          INTEGER NOT NULL,
	legacy_before INTEGER NOT NULL DEFAULT 0
) STRICT;

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

CREATE INDEX replies_by_meeting ON replies (meeting_key) WHERE meeting_key IS NOT NULL;

-- ignored_mail keeps the latest emails from the user that leadup did not
-- act on, with the reason, for `leadup status`. It is trimmed as it grows.
CREATE TABLE ignored_mail (
	id         INTEGER PRIMARY KEY,
	message_id TEXT NOT NULL,
	from_addr  TEXT NOT NULL,
	subject    TEXT NOT NULL,
	reason     TEXT NOT NULL,
	at         INTEGER NOT NULL
) STRICT;

-- mailbox_checkpoints is where the IMAP watcher resumes.
CREATE TABLE mailbox_checkpoints (
	mailbox      TEXT PRIMARY KEY,
	uid_validity INTEGER NOT NULL,
	last_uid     INTEGER NOT NULL
) STRICT;
