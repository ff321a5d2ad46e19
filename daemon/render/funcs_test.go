package render

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// TestMeetingName: a meeting is named by its own title, so that two
// meetings with the boss on one day differ, with the boss named once, and
// with the old "1:1 with Dana" when the title adds nothing.
func TestMeetingName(t *testing.T) {
	dana := Boss{Name: "Dana Whitfield", Email: "dana@example.com"}
	long := "Quarterly business review of the EMEA billing migration programme and the hiring plan"
	tests := []struct {
		name     string
		m        Meeting
		boss     Boss
		want     string // meetingName
		wantRef  string // meetingRef
		wantSame bool   // meetingRef is meetingName
	}{
		{name: "1:1 with a title", m: Meeting{OneOnOne: true, Title: "Budget sync"}, want: "Budget sync (1:1 with Dana)", wantSame: true},
		{name: "1:1 with no title", m: Meeting{OneOnOne: true}, want: "1:1 with Dana", wantRef: "your 1:1 with Dana"},
		{name: "1:1 titled 1:1", m: Meeting{OneOnOne: true, Title: "1:1"}, want: "1:1 with Dana", wantRef: "your 1:1 with Dana"},
		{name: "1:1 titled 1-1 with the boss", m: Meeting{OneOnOne: true, Title: "1-1 with Dana"}, want: "1:1 with Dana", wantRef: "your 1:1 with Dana"},
		{name: "1:1 titled one-on-one", m: Meeting{OneOnOne: true, Title: "One-on-one"}, want: "1:1 with Dana", wantRef: "your 1:1 with Dana"},
		{name: "1:1 titled with both names only", m: Meeting{OneOnOne: true, Title: "Dana / me"}, want: "1:1 with Dana", wantRef: "your 1:1 with Dana"},
		{name: "1:1 titled spaces", m: Meeting{OneOnOne: true, Title: "  \t "}, want: "1:1 with Dana", wantRef: "your 1:1 with Dana"},
		{name: "1:1 whose title says 1:1", m: Meeting{OneOnOne: true, Title: "Weekly 1:1"}, want: "Weekly 1:1 with Dana", wantSame: true},
		{name: "1:1 whose title names the boss", m: Meeting{OneOnOne: true, Title: "Dana / Alex weekly 1:1"}, want: "Dana / Alex weekly 1:1", wantSame: true},
		{name: "title names the boss by surname", m: Meeting{OneOnOne: true, Title: "Whitfield <> Alex"}, want: "Whitfield <> Alex", wantSame: true},
		{name: "title with the name inside a word", m: Meeting{OneOnOne: true, Title: "Dancing lessons"}, want: "Dancing lessons (1:1 with Dana)", wantSame: true},
		{name: "group", m: Meeting{Title: "Q4 planning"}, want: "Q4 planning with Dana", wantSame: true},
		{name: "group naming the boss", m: Meeting{Title: "Dana <> team: roadmap"}, want: "Dana <> team: roadmap", wantSame: true},
		{name: "group with no title", m: Meeting{}, want: "meeting with Dana", wantRef: "your meeting with Dana"},
		{name: "group titled 1:1", m: Meeting{Title: "1:1"}, want: "1:1 with Dana", wantRef: "your 1:1 with Dana"},
		{name: "group titled meeting", m: Meeting{Title: "Meeting"}, want: "meeting with Dana", wantRef: "your meeting with Dana"},
		{name: "long title cut at a word", m: Meeting{OneOnOne: true, Title: long},
			want: "Quarterly business review of the EMEA billing migration… (1:1 with Dana)", wantSame: true},
		{name: "long word cut", m: Meeting{Title: strings.Repeat("x", 100)}, want: strings.Repeat("x", 59) + "… with Dana", wantSame: true},
		{name: "boss without a name", m: Meeting{OneOnOne: true, Title: "Budget sync"}, boss: Boss{Email: "x@example.com"},
			want: "Budget sync (1:1 with your boss)", wantSame: true},
		{name: "boss without a name, no title", m: Meeting{OneOnOne: true}, boss: Boss{Email: "x@example.com"},
			want: "1:1 with your boss", wantRef: "your 1:1 with your boss"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.boss
			if b.Name == "" && b.Email == "" {
				b = dana
			}
			if got := meetingName(tt.m, b); got != tt.want {
				t.Errorf("meetingName(%q) = %q, want %q", tt.m.Title, got, tt.want)
			}
			want := tt.wantRef
			if tt.wantSame {
				want = tt.want
			}
			if got := meetingRef(tt.m, b); got != want {
				t.Errorf("meetingRef(%q) = %q, want %q", tt.m.Title, got, want)
			}
			if n := utf8.RuneCountInString(tt.want); n > titleLength+20 {
				t.Errorf("meetingName(%q) is %d characters long", tt.m.Title, n)
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
