package googletest_test

import (
	"context"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
)

// BenchmarkFullSync measures a client's full sync of 2,000 events against
// the fake, with and without a fields selection, and reports the bytes the
// client had to decode.
func BenchmarkFullSync(b *testing.B) {
	s := newServer(b)
	s.Generate("primary", 2000, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), 1)
	svc := newService(b, s, "tok")
	for _, bc := range []struct {
		name   string
		fields googleapi.Field
	}{
		{"all fields", ""},
		{"partial", "items(id,status,start,end,attendees(email,self,responseStatus),recurringEventId,originalStartTime),nextPageToken,nextSyncToken"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s.ResetStats()
			for b.Loop() {
				call := svc.Events.List("primary").SingleEvents(true).MaxResults(2500)
				if bc.fields != "" {
					call.Fields(bc.fields)
				}
				if err := call.Pages(context.Background(), func(*calendarapi.Events) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			var bytes int
			for _, r := range s.Requests() {
				bytes += r.BodyBytes
			}
			b.ReportMetric(float64(bytes)/float64(b.N), "body-B/op")
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		s := googletest.NewServer()
		s.Generate("primary", 1000, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), 1)
		s.Close()
	}
}
