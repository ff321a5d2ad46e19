package googletest

import (
	"encoding/json"
	"testing"
)

func TestParseFields(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"single", "id", "id"},
		{"list", "nextPageToken,nextSyncToken", "nextPageToken,nextSyncToken"},
		{"sub-selection", "items(id,summary)", "items(id,summary)"},
		{"path", "items/id", "items(id)"},
		{"long path", "items/start/dateTime", "items(start(dateTime))"},
		{"nested", "items(id,start(dateTime),attendees(email,self))", "items(attendees(email,self),id,start(dateTime))"},
		{"path inside sub-selection", "a/b(c,d/e)", "a(b(c,d(e)))"},
		{"client style", "items(id,start/dateTime),nextPageToken,nextSyncToken", "items(id,start(dateTime)),nextPageToken,nextSyncToken"},
		{"merge siblings", "items(id),items(summary)", "items(id,summary)"},
		{"merge paths", "items/start/dateTime,items/start/date", "items(start(date,dateTime))"},
		{"whole absorbs partial", "items,items(id)", "items"},
		{"partial after whole", "items(id),items", "items"},
		{"whole parent absorbs path", "items,items/start/date", "items"},
		{"star", "*", "*"},
		{"star inside", "items(*)", "items(*)"},
		{"star beside names", "kind,items(*,id)", "items(*,id),kind"},
		{"spaces", " items( id , start / dateTime ) ", "items(id,start(dateTime))"},
		{"odd names", "a_b,$c,d-e,f.g", "$c,a_b,d-e,f.g"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := parseFields(tt.in)
			if err != nil {
				t.Fatalf("parseFields(%q) = %v", tt.in, err)
			}
			if got := sel.String(); got != tt.want {
				t.Errorf("parseFields(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseFieldsErrors(t *testing.T) {
	for _, in := range []string{
		"", ",", "a,", ",a", "a,,b", "items(", "items)", "items()", "items(id", "items(id))",
		"a/", "/a", "a//b", "a(b)c", "a b", "i*d", "a(,b)", "(a)", "a/(b)",
	} {
		t.Run(in, func(t *testing.T) {
			if sel, err := parseFields(in); err == nil {
				t.Errorf("parseFields(%q) = %s, want an error", in, sel)
			}
		})
	}
}

func TestFieldsFilter(t *testing.T) {
	const doc = `{
		"kind": "calendar#events",
		"nextSyncToken": "tok",
		"items": [
			{"id": "a", "summary": "One", "start": {"dateTime": "2026-11-23T09:00:00-05:00", "timeZone": "America/New_York"},
			 "attendees": [{"email": "dana@example.com", "responseStatus": "accepted"}, {"email": "me@example.com", "self": true}]},
			{"id": "b", "status": "cancelled"}
		]
	}`
	tests := []struct {
		name, fields, want string
	}{
		{"top level", "kind,nextSyncToken", `{"kind":"calendar#events","nextSyncToken":"tok"}`},
		{"items ids", "items(id)", `{"items":[{"id":"a"},{"id":"b"}]}`},
		{"nested", "items(id,start(dateTime),attendees(email,self))",
			`{"items":[{"attendees":[{"email":"dana@example.com"},{"email":"me@example.com","self":true}],"id":"a","start":{"dateTime":"2026-11-23T09:00:00-05:00"}},{"id":"b"}]}`},
		{"path", "items/start/timeZone", `{"items":[{"start":{"timeZone":"America/New_York"}},{}]}`},
		{"missing fields are fine", "nextPageToken,items(location)", `{"items":[{},{}]}`},
		{"star", "*", compact(t, doc)},
		{"star in items", "items(*)", compact(t, `{"items":`+itemsOf(t, doc)+`}`)},
		{"sub-selection of a scalar", "kind(x)", `{"kind":"calendar#events"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := parseFields(tt.fields)
			if err != nil {
				t.Fatalf("parseFields(%q) = %v", tt.fields, err)
			}
			var tree any
			if err := json.Unmarshal([]byte(doc), &tree); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(sel.filter(tree))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != tt.want {
				t.Errorf("filter(%q) =\n%s\nwant\n%s", tt.fields, got, tt.want)
			}
		})
	}
}

// compact re-encodes a JSON document with sorted keys, as filter's output is.
func compact(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func itemsOf(t *testing.T, doc string) string {
	t.Helper()
	var v struct{ Items json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	return string(v.Items)
}

func TestTokensRoundTrip(t *testing.T) {
	st := syncToken{calendarID: "boss@example.com", seq: 42, epoch: 3}
	if got, ok := decodeSyncToken(encodeSyncToken(st)); !ok || got != st {
		t.Errorf("decodeSyncToken(encodeSyncToken(%+v)) = %+v, %v", st, got, ok)
	}
	pt := pageToken{snapshot: 7, offset: 250, page: 1}
	if got, ok := decodePageToken(encodePageToken(pt)); !ok || got != pt {
		t.Errorf("decodePageToken(encodePageToken(%+v)) = %+v, %v", pt, got, ok)
	}
	for _, bad := range []string{"", "!!", encodePageToken(pt)} {
		if _, ok := decodeSyncToken(bad); ok {
			t.Errorf("decodeSyncToken(%q) succeeded", bad)
		}
	}
	if _, ok := decodePageToken(encodeSyncToken(st)); ok {
		t.Error("decodePageToken accepted a sync token")
	}
}
