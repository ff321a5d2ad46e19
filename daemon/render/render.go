package render

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/templates"
)

// Person is someone on a meeting's guest list.
type Person struct{ Name, Email string }

// Meeting is the calendar event a brief, follow-up or notice is about.
type Meeting struct {
	Key   string
	Title string
	// Start and End are instants; templates see them in Location.
	Start, End time.Time
	// Location is the user's zone (the configured timezone).
	Location *time.Location
	// BossLocation is the event's own zone if it differs from the user's,
	// else nil.
	BossLocation *time.Location
	OneOnOne     bool
	// Others are the people other than the user and the boss (rooms
	// excluded).
	Others []Person
	// Place is the event's location text.
	Place string
	// ConferenceURL is the Meet/Zoom/Teams link.
	ConferenceURL string
	// CalendarURL links to the event in the calendar's web UI.
	CalendarURL string
	// Description is UNTRUSTED: text or HTML from whoever sent the
	// invitation. Templates must show it only through the description func.
	Description  string
	Attachments  []Attachment
	BossDeclined bool
}

// Attachment is a file attached to an event.
type Attachment struct{ Title, URL string }

// Boss is one of the user's bosses, as configured.
type Boss struct {
	Name  string // "Dana Whitfield"
	Email string
	// Style says how they like to be informed: free text from the config,
	// possibly several lines.
	Style      string
	Priorities []string
	// The working relationship, as configured (see config.Boss): the
	// people they listen to, the 1:1 cadence agreed (0 when unset), and
	// the autonomy and rhythm of updates agreed, in the user's words.
	Stakeholders  []string
	OneOnOneEvery time.Duration
	Autonomy      string
	Updates       string
}

// BriefData is what a prep brief is made from.
type BriefData struct {
	Meeting Meeting
	Boss    Boss
	Now     time.Time
	// Lead is how long before the meeting the brief is meant to arrive.
	Lead time.Duration
	// Late says the brief is sent late (after downtime).
	Late bool
	// TopicAddress is where talking points can be sent between meetings,
	// "" if there is none.
	TopicAddress string
	// OpenItems are the open action items with this boss, the user's and
	// theirs.
	OpenItems []meetinglog.Item
	// ClosedSince are the actions closed since the last meeting with this
	// boss: results worth reporting.
	ClosedSince []meetinglog.Item
	// LastMeeting is the start of the meeting "last time" is from: the last
	// meeting with this boss with something logged (meetinglog.LastTime),
	// zero if none. LastTitle is its title; LastDecisions, LastFeedback and
	// LastNotes were logged for it.
	LastMeeting   time.Time
	LastTitle     string
	LastDecisions []meetinglog.Item
	LastFeedback  []meetinglog.Item
	LastNotes     []meetinglog.Item
	// OpenFeedback is the feedback from this boss not yet applied, from
	// any meeting, oldest first: each brief shows it, with its number and
	// age, until the user replies "applied 4". Brief leaves it out of
	// LastFeedback and Learned, so that no feedback shows twice.
	OpenFeedback []meetinglog.Item
	// TalkingPoints are the open talking points that go to this meeting
	// (meetinglog.PointsFor): for a 1:1 those addressed to no other
	// meeting, for a group meeting those addressed to it.
	TalkingPoints []meetinglog.Item
	// WorksBest is how the user works best, in their words (config [me]),
	// "" when unset.
	WorksBest string
	// LastOneOnOne is the start of the last 1:1 with this boss before Now
	// (one they did not decline), zero if none is stored. With
	// Boss.OneOnOneEvery it tells whether the agreed cadence has slipped
	// (see CadenceSlipped).
	LastOneOnOne time.Time
	// Learned is what the boss asked for or valued lately, from the log:
	// their feedback and the decisions with them, newest first, at most
	// two, none of them already under "last time".
	Learned []meetinglog.Item
	// BriefsSent is how many briefs with this boss went out (or are on
	// their way) before this one. It rotates the opening's coaching
	// prompt (see Opening), so that the next brief has another one.
	BriefsSent int
	// opening is the Opening, worked out once by Renderer.Brief.
	opening *Opening
}

// FollowupData is what a follow-up template is made from.
type FollowupData struct {
	Meeting Meeting
	Boss    Boss
	Now     time.Time
	// OpenItems are listed with their ids so that the user can reply
	// "done 12".
	OpenItems []meetinglog.Item
	// TalkingPoints are the points that went to this meeting
	// (meetinglog.PointsFor), listed with their numbers so that the user
	// can reply "done 5" for each one raised; the others stay open and go
	// on to the next meeting.
	TalkingPoints []meetinglog.Item
	// Agenda is the agenda of the meeting's description, entry by entry.
	// Followup fills it in from Meeting.Description when it is nil.
	Agenda []string
}

// Notice changes.
const (
	ChangeCancelled = "cancelled"
	ChangeMoved     = "moved"
)

// NoticeData is what a notice of a cancelled or moved meeting is made from.
type NoticeData struct {
	Meeting  Meeting // as it is now
	Boss     Boss
	Now      time.Time
	Change   string    // ChangeCancelled or ChangeMoved
	OldStart time.Time // for ChangeMoved: the start the brief had
	// Next is, for ChangeCancelled, the next meeting with this boss still
	// on the calendar; nil if none is stored.
	Next *Meeting
	// Urgent are, for ChangeCancelled, what should not wait for Next: the
	// user's open action items with this boss that are overdue or due
	// soon, and the talking points that ask the boss for a decision (see
	// UrgentItems).
	Urgent []meetinglog.Item
	// BriefDue is, for ChangeMoved, when the brief for the new time goes
	// out, as the schedule plans it: at or before Now means with this
	// notice; zero means no new brief comes (each lead time's brief is
	// sent once). BriefLead is that brief's lead time.
	BriefDue  time.Time
	BriefLead time.Duration
}

// Rendered is one email, ready to be put into a MIME message.
type Rendered struct{ Subject, Text, HTML string }

// Renderer renders the emails from parsed templates. It is safe for
// concurrent use.
type Renderer struct {
	text *texttemplate.Template
	html *htmltemplate.Template
	desc *describer
	bufs sync.Pool // of *bytes.Buffer, to spare the garbage collector
	// headings are the follow-up's headings (FollowupHeadings).
	headings []string
}

// kinds returns the email kinds, each with a subject, a text and an HTML
// template.
func kinds() []string {
	return []string{"brief", "followup", "notice", "confirm", "digest", "catchup", "nudge"}
}

// New parses the embedded templates and then, if dir != "", every *.tmpl file
// in dir on top: a file with the same name replaces the built-in one and a
// {{define}} in a user file replaces the block of that name. Files named
// *.html.tmpl are HTML templates, *.txt.tmpl and *.subject.tmpl text ones.
//
// A missing or broken template is an error here, at start-up, never at send
// time: New also renders every kind with sample data, covering each optional
// section both present and absent, to catch execution errors such as a
// misspelled field.
func New(dir string) (*Renderer, error) {
	d := newDescriber()
	tf, hf := textFuncs(d), htmlFuncs(d)
	r := &Renderer{
		text: texttemplate.New("text").Funcs(tf).Option("missingkey=error"),
		html: htmltemplate.New("html").Funcs(hf).Option("missingkey=error"),
		desc: d,
	}
	if err := r.parseFS(templates.FS, "built-in template "); err != nil {
		return nil, err
	}
	if dir != "" {
		if err := r.parseFS(os.DirFS(dir), dir+string(filepath.Separator)); err != nil {
			return nil, err
		}
	}
	for _, k := range kinds() {
		for _, name := range []string{k + ".subject.tmpl", k + ".txt.tmpl"} {
			if t := r.text.Lookup(name); t == nil || t.Tree == nil {
				return nil, fmt.Errorf("template %s is missing", name)
			}
		}
		if t := r.html.Lookup(k + ".html.tmpl"); t == nil || t.Tree == nil {
			return nil, fmt.Errorf("template %s.html.tmpl is missing", k)
		}
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	h, err := r.followupHeadings()
	if err != nil {
		return nil, err
	}
	r.headings = h
	return r, nil
}

// FollowupHeadings returns the headings of the follow-up as the loaded
// templates write them, without their colons: "Decisions", "Action items",
// "Feedback", "Next time" with the built-in ones. The user answers under
// them; when they type inline into the quoted follow-up, the heading above
// each answer is what says what it is (reply.Options.TemplateHeadings), so
// a templates_dir that renames one must rename it there too.
func (r *Renderer) FollowupHeadings() []string { return slices.Clone(r.headings) }

// followupHeadings reads the headings off the text of the follow-up,
// rendered with sample data and no open items: each line that ends with a
// colon, in order, once.
func (r *Renderer) followupHeadings() ([]string, error) {
	d := SampleFollowup(time.Date(2026, time.November, 23, 8, 0, 0, 0, time.UTC))
	d.OpenItems, d.TalkingPoints, d.Agenda = nil, nil, []string{}
	out, err := r.Followup(d)
	if err != nil {
		return nil, fmt.Errorf("read the follow-up's headings: %w", err)
	}
	var hs []string
	for line := range strings.Lines(out.Text) {
		h, ok := strings.CutSuffix(strings.TrimSpace(line), ":")
		if h = strings.TrimSpace(h); ok && h != "" && !slices.Contains(hs, h) {
			hs = append(hs, h)
		}
	}
	return hs, nil
}

// parseFS adds every *.tmpl file at the top of fsys to the template sets.
// prefix is put before a file's name in errors.
func (r *Renderer) parseFS(fsys fs.FS, prefix string) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("read templates: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".tmpl") || strings.HasPrefix(name, ".") {
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read template %s%s: %w", prefix, name, err)
		}
		switch {
		case strings.HasSuffix(name, ".html.tmpl"):
			_, err = r.html.New(name).Parse(string(src))
		case strings.HasSuffix(name, ".txt.tmpl"), strings.HasSuffix(name, ".subject.tmpl"):
			_, err = r.text.New(name).Parse(string(src))
		default:
			err = errors.New("unknown kind of template: name it *.subject.tmpl, *.txt.tmpl or *.html.tmpl")
		}
		if err != nil {
			return fmt.Errorf("parse template %s%s: %w", prefix, name, err)
		}
	}
	return nil
}

// check renders every kind with sample data, each optional part of the
// templates both filled and empty, so that execution errors show at start-up.
func (r *Renderer) check() error {
	now := time.Date(2026, time.November, 23, 8, 0, 0, 0, time.UTC)
	full := SampleBrief(now)
	late := full
	late.Late = true
	declined := full
	declined.Meeting.BossDeclined = true
	declined.Meeting.OneOnOne = false
	declined.Meeting.BossLocation = nil
	briefs := append([]BriefData{full, late, declined, emptyBrief(full), withSampleProfile(full)}, lastTimeSamples(full)...)
	briefs = append(briefs, openingSamples(full)...)
	for _, d := range briefs {
		if _, err := r.Brief(d); err != nil {
			return fmt.Errorf("check brief with sample data: %w", err)
		}
	}
	f := SampleFollowup(now)
	noItems := f
	noItems.OpenItems, noItems.TalkingPoints, noItems.Meeting.Description = nil, nil, ""
	for _, d := range []FollowupData{f, noItems} {
		if _, err := r.Followup(d); err != nil {
			return fmt.Errorf("check followup with sample data: %w", err)
		}
	}
	moved := SampleNotice(now)
	cancelled := moved
	cancelled.Change = ChangeCancelled
	for _, d := range append([]NoticeData{moved, cancelled}, noticeSamples(now)...) {
		if _, err := r.Notice(d); err != nil {
			return fmt.Errorf("check notice with sample data: %w", err)
		}
	}
	c := SampleConfirm(now)
	topic := c
	topic.Kind, topic.Meeting = ConfirmTopics, Meeting{Location: c.Meeting.Location}
	tooLate := ConfirmData{Kind: ConfirmTooLate, Meeting: c.Meeting, Boss: c.Boss, Now: c.Now, Subject: "x", Why: "it is old"}
	dropped := c
	dropped.Dropped, dropped.Limit = 3, 100
	for _, d := range []ConfirmData{c, topic, SampleCorrection(now), tooLate, dropped, {Boss: c.Boss, Now: c.Now, Subject: "x"}} {
		if _, err := r.Confirm(d); err != nil {
			return fmt.Errorf("check confirm with sample data: %w", err)
		}
	}
	dg := SampleDigest(now)
	lateDigest := dg
	lateDigest.Late = true
	for _, d := range []DigestData{dg, lateDigest, emptyDigest(dg), {Now: now, Due: now, From: now}} {
		if _, err := r.Digest(d); err != nil {
			return fmt.Errorf("check digest with sample data: %w", err)
		}
	}
	nu := SampleNudge(now)
	missed := nu
	missed.Reason, missed.Missed = NudgeCancelled, []Missed{{Meeting: *nu.Last, Why: "cancelled"}, {Meeting: *nu.Last, Why: "declined by Dana"}}
	unseen := nu
	unseen.Last, unseen.Since, unseen.Every, unseen.Agreed = nil, now.AddDate(0, 0, -30), 0, false
	for _, d := range []NudgeData{nu, missed, unseen, {Now: now, Boss: nu.Boss}} {
		if _, err := r.Nudge(d); err != nil {
			return fmt.Errorf("check nudge with sample data: %w", err)
		}
	}
	cu := SampleCatchup(now)
	noTopic := cu
	noTopic.TopicAddress = ""
	for _, d := range []CatchupData{cu, noTopic, {Now: now}} {
		if _, err := r.Catchup(d); err != nil {
			return fmt.Errorf("check catchup with sample data: %w", err)
		}
	}
	return nil
}

// emptyBrief returns d with every optional part left empty: nothing logged,
// no description, attachments, place, links, other guests, style or
// priorities. The brief made from it has only the meeting and the opening.
func emptyBrief(d BriefData) BriefData {
	d.Meeting.Others = nil
	d.Meeting.Place = ""
	d.Meeting.ConferenceURL = ""
	d.Meeting.CalendarURL = ""
	d.Meeting.Description = ""
	d.Meeting.Attachments = nil
	d.Meeting.BossLocation = nil
	d.Boss.Style = ""
	d.Boss.Priorities = nil
	d.OpenItems, d.ClosedSince, d.LastDecisions, d.LastFeedback, d.TalkingPoints, d.OpenFeedback = nil, nil, nil, nil, nil, nil
	d.LastMeeting, d.LastTitle, d.LastNotes = time.Time{}, "", nil
	return d
}

// Brief renders the prep brief.
func (r *Renderer) Brief(d BriefData) (Rendered, error) {
	loc := zone(d.Meeting.Location)
	d.Meeting = prepMeeting(d.Meeting, loc)
	d.Boss = prepBoss(d.Boss)
	d.Now = d.Now.In(loc)
	d = prepFeedback(d, loc)
	d = prepLast(d, loc)
	d.OpenItems = prepItems(d.OpenItems, d.Boss, loc, byCreated)
	d.ClosedSince = prepItems(d.ClosedSince, d.Boss, loc, byDone)
	d.TalkingPoints = prepItems(d.TalkingPoints, d.Boss, loc, byCreated)
	d = prepProfile(d, loc)
	o := d.makeOpening()
	d.opening = &o
	return r.render("brief", d)
}

// Followup renders the follow-up template.
func (r *Renderer) Followup(d FollowupData) (Rendered, error) {
	loc := zone(d.Meeting.Location)
	d.Meeting = prepMeeting(d.Meeting, loc)
	d.Boss = prepBoss(d.Boss)
	d.Now = d.Now.In(loc)
	d.OpenItems = prepItems(d.OpenItems, d.Boss, loc, byCreated)
	d.TalkingPoints = prepItems(d.TalkingPoints, d.Boss, loc, byCreated)
	if d.Agenda == nil {
		d.Agenda = r.desc.agenda(d.Meeting.Description)
	}
	return r.render("followup", d)
}

// Notice renders the notice of a cancelled or moved meeting.
func (r *Renderer) Notice(d NoticeData) (Rendered, error) {
	loc := zone(d.Meeting.Location)
	d.Meeting = prepMeeting(d.Meeting, loc)
	d.Boss = prepBoss(d.Boss)
	d.Now = d.Now.In(loc)
	if !d.OldStart.IsZero() {
		d.OldStart = d.OldStart.In(loc)
	}
	d.Change = strings.ToLower(strings.TrimSpace(d.Change))
	d = prepNotice(d, loc)
	return r.render("notice", d)
}

// render executes the three templates of kind with data.
func (r *Renderer) render(kind string, data any) (Rendered, error) {
	b, _ := r.bufs.Get().(*bytes.Buffer)
	if b == nil {
		b = bytes.NewBuffer(make([]byte, 0, 32<<10))
	}
	defer func() {
		if b.Cap() <= 1<<20 {
			b.Reset()
			r.bufs.Put(b)
		}
	}()
	if err := r.text.ExecuteTemplate(b, kind+".subject.tmpl", data); err != nil {
		return Rendered{}, fmt.Errorf("render %s subject: %w", kind, err)
	}
	subject := tidySubject(b.String())
	b.Reset()
	if err := r.text.ExecuteTemplate(b, kind+".txt.tmpl", data); err != nil {
		return Rendered{}, fmt.Errorf("render %s text: %w", kind, err)
	}
	text := tidyText(b.String())
	b.Reset()
	if err := r.html.ExecuteTemplate(b, kind+".html.tmpl", data); err != nil {
		return Rendered{}, fmt.Errorf("render %s HTML: %w", kind, err)
	}
	html := string(append(bytes.TrimSpace(b.Bytes()), '\n'))
	return Rendered{Subject: subject, Text: text, HTML: html}, nil
}

// zone returns loc, or the local zone if it is nil.
func zone(loc *time.Location) *time.Location {
	if loc == nil {
		return time.Local
	}
	return loc
}

// prepMeeting returns a copy of m with its times in loc and its strings made
// safe to print. The description is left as it is: only the description func
// may show it.
func prepMeeting(m Meeting, loc *time.Location) Meeting {
	m.Location = loc
	m.Start, m.End = m.Start.In(loc), m.End.In(loc)
	if m.BossLocation != nil {
		_, a := m.Start.Zone()
		_, b := m.Start.In(m.BossLocation).Zone()
		if a == b {
			// Same clock time (Paris for a user in Berlin): nothing to add.
			m.BossLocation = nil
		}
	}
	// The tracker sanitises events as they arrive (calendar.Sanitize), but
	// a meeting stored before it did, or made elsewhere, gets the same
	// treatment here: a title's encoded-words decoded, hidden characters
	// gone, long text cut, and a video link only to a known service.
	m.Title = calendar.CleanText(calendar.DecodeWords(m.Title))
	m.Place = calendar.CleanText(m.Place)
	m.ConferenceURL = calendar.VideoURL(m.ConferenceURL)
	m.CalendarURL = oneline(m.CalendarURL)
	others := make([]Person, 0, len(m.Others))
	for _, p := range m.Others {
		p.Name, p.Email = calendar.CleanText(p.Name), oneline(p.Email)
		if p.Name != "" || p.Email != "" {
			others = append(others, p)
		}
	}
	m.Others = others
	atts := make([]Attachment, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		a.Title, a.URL = calendar.CleanText(a.Title), oneline(a.URL)
		if a.Title == "" {
			a.Title = a.URL
		} else if host := realHost(a.Title, a.URL); host != "" {
			// A title that shows another host, as a description's link may.
			a.Title += " (goes to " + host + ")"
		}
		if a.Title != "" {
			atts = append(atts, a)
		}
	}
	m.Attachments = atts
	return m
}

// prepBoss returns a copy of b with its strings made safe to print.
func prepBoss(b Boss) Boss {
	b.Name, b.Email = oneline(b.Name), oneline(b.Email)
	b.Style = strings.Join(splitLines(b.Style), "\n")
	ps := make([]string, 0, len(b.Priorities))
	for _, p := range b.Priorities {
		if p = oneline(p); p != "" {
			ps = append(ps, p)
		}
	}
	b.Priorities = ps
	return b
}

// Orders for prepItems.
const (
	byCreated = iota
	byDone
	byDue // by due date, so overdue first; those without one last
)

// prepItems returns a sorted copy of items with their times in loc, their
// texts on one line and their owners normalised to "me", "boss" or a name.
// Items with no text are left out.
func prepItems(items []meetinglog.Item, boss Boss, loc *time.Location, order int) []meetinglog.Item {
	if len(items) == 0 {
		return nil
	}
	out := make([]meetinglog.Item, 0, len(items))
	for _, it := range items {
		it.Text = oneline(it.Text)
		if it.Text == "" {
			continue
		}
		it.Source = oneline(it.Source)
		it.Kind = meetinglog.Kind(strings.ToLower(oneline(string(it.Kind))))
		it.Owner = normalOwner(oneline(it.Owner), boss)
		it.Created = it.Created.In(loc)
		if !it.Due.IsZero() {
			it.Due = it.Due.In(loc)
		}
		if !it.Done.IsZero() {
			it.Done = it.Done.In(loc)
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b meetinglog.Item) int {
		switch order {
		case byDone:
			if c := a.Done.Compare(b.Done); c != 0 {
				return c
			}
		case byDue:
			if a.Due.IsZero() != b.Due.IsZero() {
				if a.Due.IsZero() {
					return 1
				}
				return -1
			}
			if c := a.Due.Compare(b.Due); c != 0 {
				return c
			}
		}
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// normalOwner maps the ways a reply may name an owner to "me", "boss" or the
// name as written.
func normalOwner(owner string, boss Boss) string {
	switch strings.ToLower(owner) {
	case "", "me", "i", "myself", "mine":
		return "me"
	case "boss":
		return "boss"
	}
	if strings.EqualFold(owner, boss.Name) || strings.EqualFold(owner, firstName(boss.Name)) ||
		(boss.Email != "" && strings.EqualFold(owner, boss.Email)) {
		return "boss"
	}
	return owner
}
