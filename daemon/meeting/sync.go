package meeting

import (
	"time"

	"github.com/leadup/leadup/daemon/calendar"
)

// SyncState is what the store remembers about a calendar's last sync.
type SyncState struct {
	Cursor       string // the Source's cursor; "" before the first sync
	Rule         string // Rule.Fingerprint of the rule the meetings were classified with
	SyncedAt     time.Time
	FullSyncedAt time.Time
}

// SyncUpdate is one sync's outcome, for the store to apply in one transaction
// together with the new cursor.
type SyncUpdate struct {
	Calendar string
	// Full and Window: see calendar.Changes. On a full sync, a stored active
	// or declined meeting that overlaps Window and is not in Meetings was
	// deleted from the calendar.
	Full     bool
	Window   calendar.Window
	Meetings []Meeting // every event the sync reported, classified
	Cursor   string
	Rule     string
}

// Change is one stored meeting that a sync added or altered.
type Change struct {
	Key    string
	Before Status // "" for a new meeting
	After  Status
	// Moved: the meeting's start or end changed.
	Moved bool
}
