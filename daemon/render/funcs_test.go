package render

import (
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

func TestTimeFuncs(t *testing.T) {
	now := fixedNow(t) // Mon 23 Nov 2026 08:00, Berlin
	berlin := now.Location()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m int) time.Time { return time.Date(2026, time.November, d, h, m, 0, 0, berlin) }
	meeting := func(s, e time.Time, boss *time.Location) Meeting {
		return Meeting{Start: s, End: e, Location: berlin, BossLocation: boss}
	}
	tests := []struct {
		name, got, want string
	}{
		{"when", when(meeting(at(24, 10, 0), at(24, 10, 30), nil)), "Tue 24 Nov, 10:00–10:30"},
		{"when with no end", when(meeting(at(24, 10, 0), time.Time{}, nil)), "Tue 24 Nov, 10:00"},
		{"when over midnight", when(meeting(at(24, 23, 0), at(25, 1, 0), nil)), "Tue 24 Nov 23:00 – Wed 25 Nov 01:00"},
		{"when in UTC instants", when(meeting(at(24, 10, 0).UTC(), at(24, 10, 30).UTC(), nil)), "Tue 24 Nov, 10:00–10:30"},
		{"bossWhen New York", bossWhen(meeting(at(24, 16, 0), at(24, 16, 30), ny)), "10:00–10:30 in New York"},
		{"bossWhen, their day differs", bossWhen(meeting(at(24, 18, 0), at(24, 18, 30), tokyo)), "Wed 25 Nov, 02:00–02:30 in Tokyo"},
		{"bossWhen, same clock", bossWhen(meeting(at(24, 16, 0), at(24, 16, 30), paris)), ""},
		{"bossWhen, none", bossWhen(meeting(at(24, 16, 0), at(24, 16, 30), nil)), ""},
		{"dur 30 min", dur(30 * time.Minute), "30 min"},
		{"dur 1 h", dur(time.Hour), "1 h"},
		{"dur 1 h 30 min", dur(90 * time.Minute), "1 h 30 min"},
		{"dur 0", dur(0), ""},
		{"span 1 day", span(24 * time.Hour), "1 day"},
		{"span 1 hour", span(time.Hour), "1 hour"},
		{"span 90 minutes", span(90 * time.Minute), "1 hour 30 minutes"},
		{"span 30 hours", span(30 * time.Hour), "1 day 6 hours"},
		{"age same day", age(now, at(23, 0, 30)), ""},
		{"age yesterday late", age(now, at(22, 23, 0)), "1 day"},
		{"age 3 days", age(now, at(20, 9, 0)), "3 days"},
		{"age 13 days", age(now, at(10, 9, 0)), "13 days"},
		{"age 2 weeks", age(now, at(9, 9, 0)), "2 weeks"},
		{"age 3 weeks", age(now, at(2, 9, 0)), "3 weeks"},
		{"age 3 months", age(now, now.AddDate(0, -3, 0)), "3 months"},
		{"age 2 years", age(now, now.AddDate(-2, 0, -1)), "2 years"},
		{"ago today", ago(now, at(23, 7, 0)), "today"},
		{"ago yesterday", ago(now, at(22, 7, 0)), "yesterday"},
		{"ago 6 days", ago(now, at(17, 16, 0)), "6 days ago"},
		{"starts in 45 min", starts(now, at(23, 8, 45)), "starts in 45 min (08:45)"},
		{"starts now", starts(now, at(23, 8, 0)), "starts now"},
		{"started", starts(now, at(23, 7, 50)), "started 10 min ago"},
		{"started long ago", starts(now, at(23, 6, 0)), "started at 06:00"},
		{"today", starts(now, at(23, 16, 0)), "is today at 16:00"},
		{"tomorrow", starts(now, at(24, 16, 0)), "is tomorrow at 16:00"},
		{"this week", starts(now, at(26, 9, 30)), "is on Thursday at 09:30"},
		{"next week", starts(now, at(30, 9, 30)), "is on Mon 30 Nov at 09:30"},
		{"moved across days", moved(at(24, 16, 0), at(25, 14, 30)), "from Tue 24 Nov 16:00 to Wed 25 Nov 14:30"},
		{"moved within a day", moved(at(24, 16, 0), at(24, 17, 30)), "from 16:00 to 17:30 on Tue 24 Nov"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestDue(t *testing.T) {
	now := fixedNow(t)
	at := func(d, h int) time.Time { return time.Date(2026, time.November, d, h, 0, 0, 0, now.Location()) }
	tests := []struct {
		name    string
		item    meetinglog.Item
		want    string
		overdue bool
	}{
		{"no due date", meetinglog.Item{}, "", false},
		{"done", meetinglog.Item{Due: at(20, 0), Done: at(21, 0)}, "", false},
		{"earlier today", meetinglog.Item{Due: at(23, 0)}, "due today", false},
		{"tomorrow", meetinglog.Item{Due: at(24, 0)}, "due tomorrow", false},
		{"this week", meetinglog.Item{Due: at(27, 17)}, "due Fri", false},
		{"next week", meetinglog.Item{Due: at(30, 17)}, "due Mon 30 Nov", false},
		{"yesterday", meetinglog.Item{Due: at(22, 23)}, "1 day overdue", true},
		{"3 days ago", meetinglog.Item{Due: at(20, 12)}, "3 days overdue", true},
		{"3 weeks ago", meetinglog.Item{Due: at(2, 12)}, "3 weeks overdue", true},
		{"due in UTC late on the day before", meetinglog.Item{Due: time.Date(2026, time.November, 22, 23, 30, 0, 0, time.UTC)}, "due today", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := due(now, tt.item); got != tt.want {
				t.Errorf("due() = %q, want %q", got, tt.want)
			}
			if got := overdue(now, tt.item); got != tt.overdue {
				t.Errorf("overdue() = %t, want %t", got, tt.overdue)
			}
		})
	}
}

func TestNameFuncs(t *testing.T) {
	dana := Boss{Name: "Dana Whitfield", Email: "dana@example.com"}
	tests := []struct {
		name, got, want string
	}{
		{"first", first("Dana Whitfield"), "Dana"},
		{"first, surname first", first("Whitfield, Dana"), "Dana"},
		{"first, honorific", first("Dr. Dana Whitfield"), "Dana"},
		{"first, only an honorific-like name", first("Prof"), "Prof"},
		{"first, empty", first("  "), "your boss"},
		{"poss", poss("Dana"), "Dana's"},
		{"1:1", meetingName(Meeting{OneOnOne: true, Title: "Weekly"}, dana), "1:1 with Dana"},
		{"group", meetingName(Meeting{Title: "Q4 planning"}, dana), "Q4 planning with Dana"},
		{"group naming the boss", meetingName(Meeting{Title: "Dana <> team: roadmap"}, dana), "Dana <> team: roadmap"},
		{"group with no title", meetingName(Meeting{}, dana), "meeting with Dana"},
		{"ref 1:1", meetingRef(Meeting{OneOnOne: true}, dana), "your 1:1 with Dana"},
		{"people none", people(nil), ""},
		{"people one", people([]Person{{Name: "Priya"}}), "Priya"},
		{"people two", people([]Person{{Name: "Priya"}, {Email: "tom@example.com"}}), "Priya and tom@example.com"},
		{"people five", people([]Person{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}, {Name: "E"}}), "A, B, C, D and E"},
		{"people six", people([]Person{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}, {Name: "E"}, {Name: "F"}}), "A, B, C, D and 2 others"},
		{"owner me", owner(meetinglog.Item{Owner: "me"}, dana), "you"},
		{"owner boss", owner(meetinglog.Item{Owner: "boss"}, dana), "Dana"},
		{"owner other", owner(meetinglog.Item{Owner: "Priya Nair"}, dana), "Priya Nair"},
		{"normal owner, boss by first name", normalOwner("dana", dana), "boss"},
		{"normal owner, boss by address", normalOwner("Dana@Example.com", dana), "boss"},
		{"normal owner, empty", normalOwner("", dana), "me"},
		{"plural one", plural(1, "item", "items"), "1 item"},
		{"plural many", plural(0, "item", "items"), "0 items"},
		{"capfirst", capfirst("élan"), "Élan"},
		{"short", short(5, "abcdefgh"), "abcd…"},
		{"short fits", short(8, "abcdefgh"), "abcdefgh"},
		{"oneline", oneline("  a\r\n\tb\x00c  \u2028d "), "a bc d"},
		{"oneline simple", oneline("plain text"), "plain text"},
		{"subject", tidySubject("Prep:\r\n  x\n"), "Prep: x"},
		{"text tidy", tidyText("a  \n\n\n\nb\x07\n\n"), "a\n\nb\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://meet.google.com/abc-defg-hij", "https://meet.google.com/abc-defg-hij"},
		{" http://x.example/a?b=c ", "http://x.example/a?b=c"},
		{"mailto:dana@example.com", "mailto:dana@example.com"},
		{"HTTPS://X.EXAMPLE/", "HTTPS://X.EXAMPLE/"},
		{"javascript:alert(1)", ""},
		{"JavaScript:alert(1)", ""},
		{"data:text/html,<script>", ""},
		{"vbscript:x", ""},
		{"file:///etc/passwd", ""},
		{"//evil.example/", ""},
		{"/relative", ""},
		{"https://", ""},
		{"https://x.example/a b", ""},
		{"https://x.example/\n", "https://x.example/"},
		{"https://x.example/\x00", ""},
		{"mailto:", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := safeURL(tt.in); got != tt.want {
				t.Errorf("safeURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
