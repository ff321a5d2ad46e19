package googletest_test

import (
	"context"
	"fmt"
	"net/http"

	calendarapi "google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
)

func Example() {
	s := googletest.NewServer()
	defer s.Close()
	s.AcceptTokens("secret")
	s.AddWeekly("primary", &calendarapi.Event{
		Id:      "oneonone",
		Summary: "1:1 Dana / Me",
		Start:   &calendarapi.EventDateTime{DateTime: "2026-10-26T09:00:00-04:00", TimeZone: "America/New_York"},
		End:     &calendarapi.EventDateTime{DateTime: "2026-10-26T09:30:00-04:00", TimeZone: "America/New_York"},
	}, 2)

	ctx := context.Background()
	hc := &http.Client{Transport: bearer{token: "secret", base: http.DefaultTransport}}
	svc, err := calendarapi.NewService(ctx, option.WithEndpoint(s.Endpoint()), option.WithHTTPClient(hc))
	if err != nil {
		panic(err)
	}
	page, err := svc.Events.List("primary").SingleEvents(true).
		Fields("items(id,summary,start/dateTime),nextPageToken,nextSyncToken").Do()
	if err != nil {
		panic(err)
	}
	for _, ev := range page.Items {
		fmt.Println(ev.Id, ev.Start.DateTime, ev.Summary)
	}
	fmt.Println("sync token:", page.NextSyncToken != "")
	// Output:
	// oneonone_20261026T130000Z 2026-10-26T09:00:00-04:00 1:1 Dana / Me
	// oneonone_20261102T140000Z 2026-11-02T09:00:00-05:00 1:1 Dana / Me
	// sync token: true
}
