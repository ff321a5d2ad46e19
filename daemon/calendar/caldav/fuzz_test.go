package caldav

import (
	"strings"
	"testing"
)

// FuzzReadMultistatus feeds arbitrary bytes to the multistatus reader and
// reads every response's path, status and properties, as a poll and a
// REPORT do: never a panic, whatever a server sends.
func FuzzReadMultistatus(f *testing.F) {
	f.Add(`<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">` +
		`<d:response><d:href>/me/work/</d:href><d:propstat><d:prop><d:sync-token>t1</d:sync-token><cs:getctag>"1"</cs:getctag>` +
		`</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`)
	f.Add(`<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/me/work/a.ics</d:href>` +
		`<d:propstat><d:prop><d:getetag>"e"</d:getetag><c:calendar-data>BEGIN:VCALENDAR&#13;
END:VCALENDAR</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>` +
		`<d:response><d:href>/me/work/b.ics</d:href><d:status>HTTP/1.1 403 Forbidden</d:status></d:response></d:multistatus>`)
	f.Add(`<?xml version="1.0" encoding="latin1"?><d:multistatus xmlns:d="DAV:"/>`)
	f.Fuzz(func(t *testing.T, data string) {
		_ = readMultistatus(strings.NewReader(data), func(r *davResponse) error {
			_, _, _ = r.path(), r.code(), r.prop()
			p := r.prop()
			_, _ = p.isCalendar(), p.comps()
			return nil
		})
	})
}
