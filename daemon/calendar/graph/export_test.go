package graph

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
)

// FetchPagesForBench fetches the pages of a full round from endpoint as
// Source would, for a benchmark of conversion alone.
func FetchPagesForBench(tb testing.TB, endpoint string, now time.Time) [][]byte {
	tb.Helper()
	s, err := New(Options{Endpoint: endpoint, HTTPClient: http.DefaultClient, Lookahead: 14 * 24 * time.Hour})
	if err != nil {
		tb.Fatal(err)
	}
	var pages [][]byte
	link := s.viewURL("", calendar.ListingWindow(now, s.opts.Lookahead))
	for link != "" {
		req, _ := http.NewRequest(http.MethodGet, link, nil)
		for _, p := range s.prefer {
			req.Header.Add("Prefer", p)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, body)
		var p deltaPage
		if err := p.decode(bytes.NewReader(body)); err != nil {
			tb.Fatal(err)
		}
		link = p.NextLink
	}
	return pages
}

// ConvertPagesForBench decodes and converts pages as a round does and
// returns the number of events.
func ConvertPagesForBench(pages [][]byte) int {
	s, _ := New(Options{HTTPClient: http.DefaultClient, Me: []string{"me@example.com"}})
	conv := s.newConverter()
	n := 0
	for _, body := range pages {
		var p deltaPage
		if p.decode(bytes.NewReader(body)) != nil {
			return -1
		}
		for _, it := range p.Items {
			if _, skip, err := conv.convert(&it.ev, it.err); err == nil && !skip {
				n++
			}
		}
	}
	return n
}
