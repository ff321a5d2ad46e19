-- Version 1: meetings and calendar sync state.


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

-- calendar_sync holds, for each calendar, the cursor of its last sync and the
-- fingerprint of the boss rule its meetings were classified with.
CREATE TABLE calendar_sync (
	calendar       TEXT PRIMARY KEY,
	cursor         TEXT NOT NULL,
	rule           TEXT NOT NULL,
	synced_at      INTEGER NOT NULL,
	full_synced_at INTEGER NOT NULL
) STRICT;
