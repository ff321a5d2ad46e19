package meetinglog

import "time"

// FollowThrough is the user's record on their commitments to one boss over
// a span: their action items that fell due in it.
type FollowThrough struct {
	// Due counts the user's actions due in the span that have come due by
	// the time it is read, or were closed already.
	Due int
	// OnTime were closed by the end of their due day; Late were closed
	// after it; Open are past it and not closed.
	OnTime, Late, Open int
}

// FollowThroughOf counts, of items (the user's actions due in a span), those
// that have come due by now or were closed, by how they were kept.
func FollowThroughOf(items []Item, now time.Time) FollowThrough {
	var f FollowThrough
	for _, it := range items {
		if it.Kind != Action || it.Owner != "me" || it.Due.IsZero() {
			continue
		}
		switch {
		case !it.Done.IsZero() && !it.Done.After(it.Due):
			f.OnTime++
		case !it.Done.IsZero():
			f.Late++
		case now.After(it.Due):
			f.Open++
		default:
			continue // not due yet
		}
		f.Due++
	}
	return f
}
