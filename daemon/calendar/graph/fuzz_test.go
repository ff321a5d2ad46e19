package graph

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// FuzzDecodePage feeds arbitrary bytes to the page decoder and converts
// every item it yields, as a delta round does: whatever Graph (or anyone
// between) sends, the result is events or errors, never a panic, and
// every event has an id.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"@odata.deltaLink":"https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=x","value":[]}`))
	f.Add([]byte(`{"value":[{"id":"a","@removed":{"reason":"deleted"}},{"id":"b","subject":"1:1","start":{"dateTime":"2026-12-07T15:00:00.0000000","timeZone":"UTC"},` +
		`"end":{"dateTime":"2026-12-07T15:30:00.0000000","timeZone":"UTC"},"type":"occurrence","seriesMasterId":"m",` +
		`"attendees":[{"type":"required","status":{"response":"accepted"},"emailAddress":{"address":"dana@example.com"}}]}],` +
		`"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=y"}`))
	f.Add([]byte(`{"value":[{"id":"c","isAllDay":true,"start":{"dateTime":"2026-12-07T00:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2026-12-08T00:00:00"}}]}`))
	f.Add([]byte(`{"value":[1,"x",null,{"id":7},{"id":"d","start":"now"}]}`))
	s, err := New(Options{Endpoint: "http://127.0.0.1/v1.0/", HTTPClient: http.DefaultClient, Me: []string{"me@example.com"}, Lookahead: 14 * 24 * time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var page deltaPage
		if err := page.decode(bytes.NewReader(data)); err != nil {
			return
		}
		conv := s.newConverter()
		for _, it := range page.Items {
			ev, _, err := conv.convert(&it.ev, it.err)
			if err == nil && ev.ID == "" {
				t.Errorf("convert(%+v) gave an event without an id", it.ev)
			}
		}
	})
}
