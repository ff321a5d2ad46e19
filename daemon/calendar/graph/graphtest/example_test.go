package graphtest_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/leadup/leadup/daemon/calendar/graph"
	"github.com/leadup/leadup/daemon/calendar/graph/graphtest"
)

// A client syncs against the fake as it would against Graph: a full round,
// then a deltaLink poll that reports what changed.
func Example() {
	srv := graphtest.NewServer()
	defer srv.Close()
	start := time.Now().Add(time.Hour).Truncate(time.Hour)
	srv.Put(graphtest.DefaultCalendar, graphtest.Event{ID: "1on1", Subject: "1:1", Start: start, End: start.Add(30 * time.Minute)})

	src, err := graph.New(graph.Options{Endpoint: srv.Endpoint(), HTTPClient: http.DefaultClient, Lookahead: 14 * 24 * time.Hour})
	if err != nil {
		panic(err)
	}
	ch, err := src.Sync(context.Background(), "")
	if err != nil {
		panic(err)
	}
	fmt.Println("full:", ch.Full, len(ch.Events), "event")

	srv.Delete(graphtest.DefaultCalendar, "1on1")
	ch, err = src.Sync(context.Background(), ch.Cursor)
	if err != nil {
		panic(err)
	}
	// Two requests: the delta round, and a look-up of the removed event,
	// which Graph also reports for an event moved out of the window.
	fmt.Println("incremental:", ch.Events[0].ID, ch.Events[0].Status, "in", ch.Requests, "requests")
	// Output:
	// full: true 1 event
	// incremental: 1on1 cancelled in 2 requests
}
