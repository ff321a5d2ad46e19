package daemon

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
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// ReplyWindow is how long after a meeting a reply to its follow-up is
// accepted: the reply token expires then.
const ReplyWindow = 30 * 24 * time.Hour

// closedLookback is how far back "closed since the last meeting" reaches
// when there was no earlier meeting with the boss.
const closedLookback = 14 * 24 * time.Hour

// composer writes the email for a job: it gathers the meeting log, renders
// the templates, mints the reply token, and encodes the message.
type composer struct {
	cfg    *config.Config
	render *render.Renderer
	store  *store.Store
	tokens *replytoken.Minter
	now    func() time.Time
	queued func() // kicks the deliverer after a confirmation is queued
}

// Compose implements schedule.Composer.
func (c *composer) Compose(ctx context.Context, j schedule.Job) (outbox.Message, error) {
	m, _, err := c.compose(ctx, j)
	return m, err
}

// content renders a job's subject, text and HTML, and mints the reply token
// a brief or a follow-up carries.
func (c *composer) content(ctx context.Context, j schedule.Job, now time.Time) (render.Rendered, string, error) {
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
			r, err = c.render.Brief(d)
		}
	case outbox.KindFollowup:
		token = c.mint(j)
		var open []store.Item
		if open, err = c.store.OpenActions(ctx, j.Meeting.Boss); err == nil {
			r, err = c.render.Followup(render.FollowupData{Meeting: rm, Boss: boss, Now: now, OpenItems: renderItems(open)})
		}
	case outbox.KindNotice:
		r, err = c.render.Notice(render.NoticeData{Meeting: rm, Boss: boss, Now: now, Change: j.Change, OldStart: j.OldStart})
	default:
		err = fmt.Errorf("unknown kind %q", j.Kind)
	}
	if err != nil {
		return r, "", fmt.Errorf("render %s for %s: %w", j.Kind, j.Meeting.Key, err)
	}
	return r, token, nil
}

// topicAddress is the install's secret address for talking points.
func (c *composer) topicAddress() string {
	return c.cfg.Mail.TopicAddress(ingest.TopicToken(c.tokens))
}

// mint returns the reply token of a brief or follow-up: valid until
// ReplyWindow after the meeting.
func (c *composer) mint(j schedule.Job) string {
	return c.tokens.Mint(outbox.TokenSubject(j.Kind, j.Meeting.Key, j.Variant), j.Meeting.Event.End.Add(ReplyWindow))
}

// compose renders and encodes a job's email.
func (c *composer) compose(ctx context.Context, j schedule.Job) (outbox.Message, render.Rendered, error) {
	if c.cfg.Mail.From == nil || c.cfg.Mail.To == nil {
		return outbox.Message{}, render.Rendered{}, errors.New("mail.from and mail.to must be set to send email")
	}
	now := c.now()
	r, token, err := c.content(ctx, j, now)
	if err != nil {
		return outbox.Message{}, r, err
	}
	msg := mail.Message{
		From:      c.cfg.Mail.From,
		To:        []*netmail.Address{c.cfg.Mail.To},
		ReplyTo:   c.cfg.Mail.ReplyAddress(token),
		Subject:   r.Subject,
		Text:      r.Text,
		HTML:      r.HTML,
		MessageID: MessageID(j, token, mail.MessageIDDomain(c.cfg.Mail.From)),
		Date:      now,
		Headers:   map[string]string{"X-Leadup-Kind": j.Kind},
	}
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

// catchupData gathers the meetings a catch-up names, by boss in config
// order, each boss's earliest first.
func (c *composer) catchupData(j schedule.Job, now time.Time) render.CatchupData {
	d := render.CatchupData{Now: now, Location: c.cfg.Location, Sent: c.cfg.Limits.OverdueFollowupsPerBoss,
		TopicAddress: c.topicAddress()}
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
func (c *composer) bossIndex(name string) int {
	return slices.IndexFunc(c.cfg.Bosses, func(b config.Boss) bool { return b.Name == name })
}

// MessageID derives a job's Message-ID from its meeting, kind and variant
// (a digest's from its kind and ISO week: it has no meeting), so that the
// same job always gets the same one and a resend is recognisable. A brief's
// or a follow-up's carries its reply token instead (itself derived from the
// same three), so that a reply's In-Reply-To brings the token back.
func MessageID(j schedule.Job, token, domain string) string {
	v := strings.NewReplacer("@", "-", "/", "-").Replace(j.Variant)
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

func (c *composer) lastBriefID(ctx context.Context, key string) (string, error) {
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

func (c *composer) boss(m meeting.Meeting) render.Boss {
	for _, b := range c.cfg.Bosses {
		if b.Name == m.Boss {
			return render.Boss{Name: b.Name, Email: m.BossEmail, Style: b.Style, Priorities: b.Priorities}
		}
	}
	return render.Boss{Name: m.Boss, Email: m.BossEmail}
}

// renderMeeting is what the templates see of a meeting.
func (c *composer) renderMeeting(m meeting.Meeting, boss render.Boss) render.Meeting {
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

func (c *composer) briefData(ctx context.Context, j schedule.Job, rm render.Meeting, boss render.Boss, now time.Time) (render.BriefData, error) {
	d := render.BriefData{Meeting: rm, Boss: boss, Now: now, Lead: j.Lead, Late: j.Late, TopicAddress: c.topicAddress()}
	open, err := c.store.OpenActions(ctx, j.Meeting.Boss)
	if err != nil {
		return d, err
	}
	d.OpenItems = renderItems(open)
	since := now.Add(-closedLookback)
	prev, ok, err := c.store.PreviousMeeting(ctx, j.Meeting.Boss, j.Meeting.Event.Start)
	if err != nil {
		return d, err
	}
	if ok {
		d.LastMeeting = prev.Event.Start
		since = prev.Event.Start
		for _, k := range []struct {
			kind string
			dst  *[]render.Item
		}{{store.ItemDecision, &d.LastDecisions}, {store.ItemFeedback, &d.LastFeedback}} {
			items, err := c.store.MeetingItems(ctx, prev.Key, k.kind)
			if err != nil {
				return d, err
			}
			*k.dst = renderItems(items)
		}
	}
	closed, err := c.store.ClosedActionsSince(ctx, j.Meeting.Boss, since)
	if err != nil {
		return d, err
	}
	d.ClosedSince = renderItems(closed)
	points, err := c.store.OpenTalkingPoints(ctx, j.Meeting.Boss)
	if err != nil {
		return d, err
	}
	d.TalkingPoints = renderItems(points)
	return d, nil
}

// digestData gathers the weekly digest of the job's week: the meetings
// with a boss from now (or the due time, for a preview ahead of it) to a
// week after the due time, and for each configured boss the open action
// items and what was closed and decided in the seven days up to the due
// time. Items logged with a boss no longer configured are left out.
func (c *composer) digestData(ctx context.Context, j schedule.Job, now time.Time) (render.DigestData, error) {
	loc := c.cfg.Location
	from := j.Due.In(loc).AddDate(0, 0, -7)
	d := render.DigestData{Now: now, Location: loc, Due: j.Due, Late: j.Late, From: from}
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
		decided, err := c.store.LoggedBetween(ctx, b.Name, store.ItemDecision, from, j.Due)
		if err != nil {
			return d, err
		}
		db.Open, db.Closed, db.Decisions = renderItems(open), renderItems(closed), renderItems(decided)
		d.Bosses = append(d.Bosses, db)
	}
	return d, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func renderItems(items []store.Item) []render.Item {
	out := make([]render.Item, len(items))
	for i, it := range items {
		out[i] = renderItem(it)
	}
	return out
}

func renderItem(it store.Item) render.Item {
	return render.Item{ID: it.ID, Kind: it.Kind, Owner: it.Owner, Text: it.Text, Created: it.Created, Due: it.Due, Done: it.Done,
		Source: it.Source, Inferred: it.Inferred}
}
