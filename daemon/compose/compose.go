// Package compose writes leadup's emails. For each job the scheduler
// dispatches (a brief, follow-up, notice, digest or catch-up) it gathers
// the meeting log, renders the templates, mints the reply token and encodes
// the message under a Message-ID derived from the job, with the Reply-To
// that brings a reply back; for each email ingest logs, it writes the
// confirmation threaded under it. Composer implements schedule.Composer and
// ingest.Confirmer.
package compose

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/mail"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// ReplyWindow is how long after a meeting a reply to its follow-up is
// accepted: the reply token expires then.
const ReplyWindow = 30 * 24 * time.Hour

// Store is what the composer reads from the state store: the meeting log,
// the meetings, and the outbox rows a notice is threaded under.
type Store interface {
	meetinglog.Reader
	// ClosedActionsBetween returns the action items with boss closed in
	// [from, to), in the order they were closed.
	ClosedActionsBetween(ctx context.Context, boss string, from, to time.Time) ([]meetinglog.Item, error)
	// CommitmentsDueBetween returns the user's action items with boss due
	// in [from, to), open or closed.
	CommitmentsDueBetween(ctx context.Context, boss string, from, to time.Time) ([]meetinglog.Item, error)
	// LoggedBetween returns the items of kind with boss logged in [from,
	// to), in the order they were logged.
	LoggedBetween(ctx context.Context, boss string, kind meetinglog.Kind, from, to time.Time) ([]meetinglog.Item, error)
	// ItemsByNumber returns the items with the given numbers, in number
	// order.
	ItemsByNumber(ctx context.Context, numbers []int64) ([]meetinglog.Item, error)
	// Feedback returns all the feedback from boss, applied or not, oldest
	// first.
	Feedback(ctx context.Context, boss string) ([]meetinglog.Item, error)
	Meeting(ctx context.Context, key string) (meeting.Meeting, error)
	Meetings(ctx context.Context, q store.Query) ([]meeting.Meeting, error)
	OutboxForMeetings(ctx context.Context, keys []string) (map[string][]outbox.Message, error)
	// BriefsSent returns how many briefs with boss were sent or are on
	// their way: it rotates the opening's coaching prompt.
	BriefsSent(ctx context.Context, boss string) (int, error)
}

// Options configure a Composer.
type Options struct {
	Config *config.Config
	Render *render.Renderer
	Store  Store
	Tokens *replytoken.Minter
	Now    func() time.Time // defaults to time.Now
	// Queued, if set, is called after a confirmation is queued: it kicks
	// the deliverer.
	Queued func()
}

// Composer writes the email for a job: it gathers the meeting log, renders
// the templates, mints the reply token, and encodes the message. It is safe
// for concurrent use.
type Composer struct {
	cfg    *config.Config
	render *render.Renderer
	store  Store
	tokens *replytoken.Minter
	now    func() time.Time
	queued func() // kicks the deliverer after a confirmation is queued
}

// The composer as the scheduler and the ingester see it.
var (
	_ schedule.Composer = (*Composer)(nil)
	_ ingest.Confirmer  = (*Composer)(nil)
)

// New returns a Composer.
func New(o Options) *Composer {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Composer{cfg: o.Config, render: o.Render, store: o.Store, tokens: o.Tokens, now: o.Now, queued: o.Queued}
}

// Compose implements schedule.Composer.
func (c *Composer) Compose(ctx context.Context, j schedule.Job) (outbox.Message, error) {
	m, _, err := c.compose(ctx, j)
	return m, err
}

// Preview composes the email for a job without queuing it, and returns
// the message and its rendered parts. Previewing needs no mail settings:
// it stands in for a missing mail.from or mail.to.
func (c *Composer) Preview(ctx context.Context, j schedule.Job) (outbox.Message, render.Rendered, error) {
	p := *c
	if p.cfg.Mail.From == nil || p.cfg.Mail.To == nil {
		cfg := *p.cfg
		if cfg.Mail.From == nil {
			cfg.Mail.From = &netmail.Address{Name: "leadup", Address: "leadup@localhost"}
		}
		if cfg.Mail.To == nil {
			cfg.Mail.To = &netmail.Address{Address: "you@localhost"}
		}
		p.cfg = &cfg
	}
	return p.compose(ctx, j)
}

// content renders a job's subject, text and HTML, and mints the reply token
// a brief or a follow-up carries.
func (c *Composer) content(ctx context.Context, j schedule.Job, now time.Time) (render.Rendered, string, error) {
	if j.Kind == outbox.KindDigest {
		d, err := c.digestData(ctx, j, now)
		var r render.Rendered
		if err == nil {
			r, err = c.render.Digest(d)
		}
		if err != nil {
			return r, "", fmt.Errorf("render digest for %s: %w", j.Variant, err)
		}
		return r, "", nil
	}
	if j.Kind == outbox.KindNudge {
		d, err := c.nudgeData(ctx, j, now)
		var r render.Rendered
		if err == nil {
			r, err = c.render.Nudge(d)
		}
		if err != nil {
			return r, "", fmt.Errorf("render nudge: %w", err)
		}
		return r, "", nil
	}
	if j.Kind == outbox.KindCatchup {
		r, err := c.render.Catchup(c.catchupData(j, now))
		if err != nil {
			return r, "", fmt.Errorf("render catch-up: %w", err)
		}
		return r, "", nil
	}
	boss := c.boss(j.Meeting)
	rm := c.renderMeeting(j.Meeting, boss)
	var (
		r     render.Rendered
		err   error
		token string
	)
	switch j.Kind {
	case outbox.KindBrief:
		token = c.mint(j)
		var d render.BriefData
		if d, err = c.briefData(ctx, j, rm, boss, now); err == nil {
			if err = c.aboutBoss(ctx, j.Meeting, &d, now); err == nil {
				r, err = c.render.Brief(d)
			}
		}
	case outbox.KindFollowup:
		token = c.mint(j)
		var d render.FollowupData
		if d, err = c.followupData(ctx, j, rm, boss, now); err == nil {
			r, err = c.render.Followup(d)
		}
	case outbox.KindNotice:
		var d render.NoticeData
		if d, err = c.noticeData(ctx, j, rm, boss, now); err == nil {
			r, err = c.render.Notice(d)
		}
	default:
		err = fmt.Errorf("unknown kind %q", j.Kind)
	}
	if err != nil {
		return r, "", fmt.Errorf("render %s for %s: %w", j.Kind, j.Meeting.Key, err)
	}
	return r, token, nil
}

// TopicAddress returns the install's secret address for talking points
// between meetings (config.Mail.TopicAddress), "" without one.
func (c *Composer) TopicAddress() string {
	return c.cfg.Mail.TopicAddress(ingest.TopicToken(c.tokens))
}

// mint returns the reply token of a brief or follow-up: valid until
// ReplyWindow after the meeting.
func (c *Composer) mint(j schedule.Job) string {
	return c.tokens.Mint(outbox.TokenSubject(j.Kind, j.Meeting.Key, j.Variant), j.Meeting.Event.End.Add(ReplyWindow))
}

// compose renders and encodes a job's email.
func (c *Composer) compose(ctx context.Context, j schedule.Job) (outbox.Message, render.Rendered, error) {
	if c.cfg.Mail.From == nil || c.cfg.Mail.To == nil {
		return outbox.Message{}, render.Rendered{}, errors.New("mail.from and mail.to must be set to send email")
	}
	now := c.now()
	r, token, err := c.content(ctx, j, now)
	if err != nil {
		return outbox.Message{}, r, err
	}
	msg := c.message(j.Kind, r, token, MessageID(j, token, mail.MessageIDDomain(c.cfg.Mail.From)), now)
	if j.Kind == outbox.KindNotice {
		// Thread the notice under the brief it corrects.
		if id, err := c.lastBriefID(ctx, j.Meeting.Key); err == nil {
			msg.InReplyTo = id
		}
	}
	body, err := msg.Bytes()
	if err != nil {
		return outbox.Message{}, r, fmt.Errorf("encode %s for %s: %w", j.Kind, j.Meeting.Key, err)
	}
	var skipped []outbox.Message
	for _, s := range j.Skipped {
		skipped = append(skipped, outbox.Message{
			// Never sent: an ID outside the kinds a reply can answer.
			MessageID:    "leadup.skipped." + idHash(s.Meeting.Key+"\x00"+s.Kind+"\x00"+s.Variant) + "@" + mail.MessageIDDomain(c.cfg.Mail.From),
			MeetingKey:   s.Meeting.Key,
			Kind:         s.Kind,
			Variant:      s.Variant,
			MeetingStart: s.Meeting.Event.Start,
			Late:         s.Late,
			NextAttempt:  now,
			Expires:      s.Expires,
			LastError:    "named in the catch-up " + msg.MessageID,
			EnvelopeFrom: c.cfg.Mail.From.Address,
			EnvelopeTo:   []string{c.cfg.Mail.To.Address},
			Subject:      "(not sent: " + r.Subject + ")",
		})
	}
	return outbox.Message{
		MessageID:    msg.MessageID,
		MeetingKey:   j.Meeting.Key,
		Kind:         j.Kind,
		Variant:      j.Variant,
		MeetingStart: j.Meeting.Event.Start,
		Late:         j.Late,
		ReplyToken:   token,
		NextAttempt:  now,
		Expires:      j.Expires,
		EnvelopeFrom: c.cfg.Mail.From.Address,
		EnvelopeTo:   []string{c.cfg.Mail.To.Address},
		Subject:      r.Subject,
		Body:         body,
		Skipped:      skipped,
	}, r, nil
}

// message is an email of kind from leadup to the user, with r's content,
// the Reply-To that brings token back, and the Message-ID id.
func (c *Composer) message(kind string, r render.Rendered, token, id string, now time.Time) mail.Message {
	return mail.Message{
		From:      c.cfg.Mail.From,
		To:        []*netmail.Address{c.cfg.Mail.To},
		ReplyTo:   c.cfg.Mail.ReplyAddress(token),
		Subject:   r.Subject,
		Text:      r.Text,
		HTML:      r.HTML,
		MessageID: id,
		Date:      now,
		Headers:   map[string]string{"X-Leadup-Kind": kind},
	}
}

// catchupData gathers the meetings a catch-up names, by boss in config
// order, each boss's earliest first.
func (c *Composer) catchupData(j schedule.Job, now time.Time) render.CatchupData {
	d := render.CatchupData{Now: now, Location: c.cfg.Location, Sent: c.cfg.Limits.OverdueFollowupsPerBoss,
		TopicAddress: c.TopicAddress()}
	if d.Sent <= 0 {
		d.Sent = config.DefaultOverdueFollowupsPerBoss
	}
	byBoss := map[string]int{}
	for _, s := range j.Skipped {
		i, ok := byBoss[s.Meeting.Boss]
		if !ok {
			i = len(d.Bosses)
			byBoss[s.Meeting.Boss] = i
			d.Bosses = append(d.Bosses, render.CatchupBoss{Boss: c.boss(s.Meeting)})
		}
		d.Bosses[i].Meetings = append(d.Bosses[i].Meetings, c.renderMeeting(s.Meeting, d.Bosses[i].Boss))
	}
	slices.SortStableFunc(d.Bosses, func(a, b render.CatchupBoss) int { return c.bossIndex(a.Boss.Name) - c.bossIndex(b.Boss.Name) })
	return d
}

// bossIndex is the place of the boss named in the configuration; -1 for
// one no longer there.
func (c *Composer) bossIndex(name string) int {
	return slices.IndexFunc(c.cfg.Bosses, func(b config.Boss) bool { return b.Name == name })
}

// MessageID derives a job's Message-ID from its meeting, kind and variant
// (a digest's from its kind and ISO week: it has no meeting), so that the
// same job always gets the same one and a resend is recognisable. A brief's
// or a follow-up's carries its reply token instead (itself derived from the
// same three), so that a reply's In-Reply-To brings the token back.
func MessageID(j schedule.Job, token, domain string) string {
	v := strings.NewReplacer("@", "-", "/", "-").Replace(j.Variant)
	if j.Kind == outbox.KindNudge {
		// Its variant names a boss and a meeting: the hash stands for it.
		v = ""
	}
	if v != "" {
		v = "." + v
	}
	if token != "" {
		if j.Kind == outbox.KindFollowup {
			// Follow-ups have one variant; their IDs stay as they were.
			v = ""
		}
		return "leadup." + j.Kind + v + "." + token + "@" + domain
	}
	h := idHash(j.Meeting.Key + "\x00" + j.Kind + "\x00" + j.Variant)
	return "leadup." + j.Kind + v + "." + h + "@" + domain
}

// idHash is the part of a Message-ID that stands for s: 80 bits of its
// SHA-256, in lowercase base32.
func idHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:10]))
}

func (c *Composer) lastBriefID(ctx context.Context, key string) (string, error) {
	rows, err := c.store.OutboxForMeetings(ctx, []string{key})
	if err != nil {
		return "", err
	}
	id := ""
	for _, m := range rows[key] {
		if m.Kind == outbox.KindBrief && m.State != outbox.StateFailed {
			id = m.MessageID
		}
	}
	if id == "" {
		return "", store.ErrNotFound
	}
	return id, nil
}

func (c *Composer) boss(m meeting.Meeting) render.Boss {
	for _, b := range c.cfg.Bosses {
		if b.Name == m.Boss {
			return render.Boss{Name: b.Name, Email: m.BossEmail, Style: b.Style, Priorities: b.Priorities,
				Stakeholders: b.Stakeholders, OneOnOneEvery: b.OneOnOneEvery, Autonomy: b.Autonomy, Updates: b.Updates}
		}
	}
	return render.Boss{Name: m.Boss, Email: m.BossEmail}
}

// renderMeeting is what the templates see of a meeting.
func (c *Composer) renderMeeting(m meeting.Meeting, boss render.Boss) render.Meeting {
	ev := m.Event
	rm := render.Meeting{
		Key:           m.Key,
		Title:         ev.Title,
		Start:         ev.Start,
		End:           ev.End,
		Location:      c.cfg.Location,
		OneOnOne:      m.OneOnOne,
		Place:         ev.Location,
		ConferenceURL: ev.ConferenceURL,
		CalendarURL:   ev.HTMLLink,
		Description:   ev.Description,
		BossDeclined:  m.BossDeclined,
	}
	if ev.TimeZone != "" && ev.TimeZone != c.cfg.Location.String() {
		if loc, err := time.LoadLocation(ev.TimeZone); err == nil && !sameOffsets(loc, c.cfg.Location, ev.Start) {
			rm.BossLocation = loc
		}
	}
	bossEmails := map[string]bool{strings.ToLower(m.BossEmail): true}
	for _, b := range c.cfg.Bosses {
		if b.Name == m.Boss {
			for _, e := range b.Emails {
				bossEmails[e] = true
			}
		}
	}
	for _, a := range ev.Attendees {
		if a.Self || a.Resource || bossEmails[strings.ToLower(a.Email)] {
			continue
		}
		rm.Others = append(rm.Others, render.Person{Name: a.Name, Email: a.Email})
	}
	for _, a := range ev.Attachments {
		rm.Attachments = append(rm.Attachments, render.Attachment{Title: a.Title, URL: a.URL})
	}
	return rm
}

// sameOffsets reports whether two zones agree at t: then naming the boss's
// zone would say nothing new.
func sameOffsets(a, b *time.Location, t time.Time) bool {
	_, oa := t.In(a).Zone()
	_, ob := t.In(b).Zone()
	return oa == ob
}

// briefData gathers a brief: the meeting, and what it carries over from
// the log (meetinglog.CarryOver).
func (c *Composer) briefData(ctx context.Context, j schedule.Job, rm render.Meeting, boss render.Boss, now time.Time) (render.BriefData, error) {
	d := render.BriefData{Meeting: rm, Boss: boss, Now: now, Lead: j.Lead, Late: j.Late, TopicAddress: c.TopicAddress()}
	co, err := meetinglog.CarryOver(ctx, c.store, j.Meeting, now)
	if err != nil {
		return d, err
	}
	d.OpenItems, d.ClosedSince, d.TalkingPoints = co.Open, co.ClosedSince, co.TalkingPoints
	if co.Last.Key != "" {
		d.LastMeeting, d.LastTitle = co.Last.Event.Start, co.Last.Event.Title
	}
	d.LastDecisions, d.LastFeedback, d.LastNotes = co.LastDecisions, co.LastFeedback, co.LastNotes
	d.OpenFeedback = co.OpenFeedback
	return d, c.opening(ctx, j.Meeting.Boss, &d)
}

// followupData gathers a follow-up: the meeting, its talking points (those
// that went to it, meetinglog.PointsFor, queued before it ended), and the
// open action items with the boss. The agenda the renderer reads off the
// meeting's description. What the reply does not mark raised or done stays
// open and goes on to the next meeting.
func (c *Composer) followupData(ctx context.Context, j schedule.Job, rm render.Meeting, boss render.Boss, now time.Time) (render.FollowupData, error) {
	d := render.FollowupData{Meeting: rm, Boss: boss, Now: now}
	var err error
	if d.OpenItems, err = c.store.OpenActions(ctx, j.Meeting.Boss); err != nil {
		return d, err
	}
	points, err := meetinglog.PointsFor(ctx, c.store, j.Meeting, now)
	if err != nil {
		return d, err
	}
	for _, p := range points {
		if p.Created.Before(j.Meeting.Event.End) {
			d.TalkingPoints = append(d.TalkingPoints, p)
		}
	}
	return d, nil
}

// digestData gathers the weekly digest of the job's week: the meetings
// with a boss from now (or the due time, for a preview ahead of it) to a
// week after the due time, and for each configured boss the open action
// items and what was closed and decided in the seven days up to the due
// time. Items logged with a boss no longer configured are left out.
func (c *Composer) digestData(ctx context.Context, j schedule.Job, now time.Time) (render.DigestData, error) {
	loc := c.cfg.Location
	from := j.Due.In(loc).AddDate(0, 0, -7)
	d := render.DigestData{Now: now, Location: loc, Due: j.Due, Late: j.Late, From: from}
	if c.cfg.Mail.To != nil {
		// The display name of mail.to signs the status updates.
		d.Me = c.cfg.Mail.To.Name
	}
	ms, err := c.store.Meetings(ctx, store.Query{From: later(now, j.Due), To: j.Due.In(loc).AddDate(0, 0, 7),
		Statuses: []meeting.Status{meeting.Active}})
	if err != nil {
		return d, err
	}
	for _, m := range ms {
		boss := c.boss(m)
		d.Meetings = append(d.Meetings, render.DigestMeeting{Meeting: c.renderMeeting(m, boss), Boss: boss})
	}
	for _, b := range c.cfg.Bosses {
		db := render.DigestBoss{Boss: render.Boss{Name: b.Name, Style: b.Style, Priorities: b.Priorities}}
		if len(b.Emails) > 0 {
			db.Boss.Email = b.Emails[0]
		}
		open, err := c.store.OpenActions(ctx, b.Name)
		if err != nil {
			return d, err
		}
		closed, err := c.store.ClosedActionsBetween(ctx, b.Name, from, j.Due)
		if err != nil {
			return d, err
		}
		decided, err := c.store.LoggedBetween(ctx, b.Name, meetinglog.Decision, from, j.Due)
		if err != nil {
			return d, err
		}
		feedback, err := c.store.Feedback(ctx, b.Name)
		if err != nil {
			return d, err
		}
		db.Open, db.Closed, db.Decisions, db.Feedback = open, closed, decided, feedback
		if db.Record, err = c.followRecord(ctx, b.Name, j.Due, now); err != nil {
			return d, err
		}
		d.Bosses = append(d.Bosses, db)
	}
	return d, nil
}

// followRecord counts the user's follow-through with boss in the month of
// due, up to now, and in the month before (in the user's zone).
func (c *Composer) followRecord(ctx context.Context, boss string, due, now time.Time) (render.FollowRecord, error) {
	var r render.FollowRecord
	t := due.In(c.cfg.Location)
	month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	this, err := c.store.CommitmentsDueBetween(ctx, boss, month, month.AddDate(0, 1, 0))
	if err != nil {
		return r, err
	}
	last, err := c.store.CommitmentsDueBetween(ctx, boss, month.AddDate(0, -1, 0), month)
	if err != nil {
		return r, err
	}
	r.This, r.Last = meetinglog.FollowThroughOf(this, now), meetinglog.FollowThroughOf(last, now)
	return r, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
