// Package ingest turns the user's emails into the meeting log: a reply to a
// follow-up becomes decisions, action items, feedback, notes and talking
// points for its meeting; an email to the reply address that answers no
// follow-up becomes talking points for the next meeting with a boss.
//
// Only the user may log. A reply counts when it carries a reply token that
// verifies (in a plus-address, In-Reply-To or References) and comes from an
// address in mail.accept_from. Anything else, including a forged From with a
// stolen token, automatic replies and leadup's own emails, is ignored and
// logged, and never answered: an attacker learns nothing.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/reply"
	"github.com/leadup/leadup/daemon/reply/grammar"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/store"
)

// TemplateHeadings are the follow-up template's headings, for replies typed
// inline into the quoted template.
var TemplateHeadings = []string{"Decisions", "Action items", "Feedback", "Next time"}

// Outcomes of Ingest.
const (
	Logged    = "logged"    // a reply to a follow-up, logged
	Topics    = "topics"    // talking points for the next meeting, logged
	Duplicate = "duplicate" // processed before: nothing done
	Ignored   = "ignored"   // not the user's reply: left alone
)

// Result says what Ingest did with an email.
type Result struct {
	Outcome   string
	Why       string // for Ignored
	MessageID string
	Meeting   string // meeting key, for Logged
	Boss      string
	Parse     grammar.Log
	Logged    store.Logged
}

// Store is what ingestion needs from the state store.
type Store interface {
	FollowupByToken(ctx context.Context, token string) (outbox.Message, error)
	Meeting(ctx context.Context, key string) (meeting.Meeting, error)
	ReplySeen(ctx context.Context, messageID string) (bool, error)
	RecordReply(ctx context.Context, r store.Reply, items []store.Item, done []int64, pointsRaisedBefore time.Time) (store.Logged, error)
	Meetings(ctx context.Context, q store.Query) ([]meeting.Meeting, error)
}

// Confirmer queues the confirmation of a logged email.
type Confirmer interface {
	Confirm(ctx context.Context, msg *reply.Message, res Result) error
}

// Options configure an Ingester.
type Options struct {
	Config  *config.Config
	Store   Store
	Tokens  *replytoken.Minter
	Confirm Confirmer // nil: no confirmations
	Now     func() time.Time
	Log     *slog.Logger
}

// Ingester processes emails. It is safe for concurrent use.
type Ingester struct{ o Options }

// New returns an Ingester.
func New(o Options) *Ingester {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Ingester{o: o}
}

// Ingest processes one email. It returns an error only when the email may be
// the user's and processing failed in a way a retry can fix (the store); an
// email that is not the user's, or cannot be read, is an Ignored result.
func (in *Ingester) Ingest(ctx context.Context, raw []byte) (Result, error) {
	cfg := in.o.Config
	msg, err := reply.Extract(raw, reply.Options{MaxSize: cfg.Reply.MaxSize, Deadline: cfg.Reply.TimeLimit, TemplateHeadings: TemplateHeadings})
	if err != nil {
		in.o.Log.Warn("email not read", "err", err, "bytes", len(raw))
		return Result{Outcome: Ignored, Why: err.Error()}, nil
	}
	res := Result{MessageID: msg.MessageID}
	ignore := func(why string, level slog.Level) (Result, error) {
		res.Outcome, res.Why = Ignored, why
		in.o.Log.Log(ctx, level, "email ignored", "why", why, "message_id", msg.MessageID, "from", fromAddress(msg))
		return res, nil
	}
	switch {
	case msg.Auto:
		return ignore("automatic message: "+msg.AutoReason, slog.LevelInfo)
	case cfg.Mail.From != nil && strings.EqualFold(fromAddress(msg), cfg.Mail.From.Address) || msg.Header["X-Leadup-Kind"] != nil:
		return ignore("sent by leadup", slog.LevelDebug)
	case msg.MessageID == "":
		return ignore("no Message-ID", slog.LevelWarn)
	}

	// Which follow-up does it answer? Any verified token will do; a token
	// for a follow-up we never sent is as good as forged.
	follow, token, tokenErr := in.followup(ctx, msg)
	if tokenErr != nil && !errors.Is(tokenErr, errNoToken) {
		return res, tokenErr
	}
	if !slices.Contains(cfg.Mail.AcceptFrom, fromAddress(msg)) {
		why := "sender not in mail.accept_from"
		if token != "" {
			why = "valid reply token but sender not in mail.accept_from"
		}
		return ignore(why, slog.LevelWarn)
	}
	if seen, err := in.o.Store.ReplySeen(ctx, msg.MessageID); err != nil {
		return res, err
	} else if seen {
		res.Outcome = Duplicate
		return res, nil
	}
	if token != "" {
		return in.logReply(ctx, msg, follow, res)
	}
	if isTopicEmail(msg, cfg) {
		return in.logTopics(ctx, msg, res)
	}
	if tokenErr != nil && msg.InReplyTo != "" {
		return ignore("a reply, but to no follow-up of leadup's with a valid token", slog.LevelWarn)
	}
	return ignore("not a reply to a follow-up and not addressed to the reply address", slog.LevelDebug)
}

var errNoToken = errors.New("no valid reply token")

// followup finds the follow-up that msg answers through a reply token.
func (in *Ingester) followup(ctx context.Context, msg *reply.Message) (outbox.Message, string, error) {
	var places []string
	places = append(places, msg.DeliveredTo...)
	places = append(places, msg.To...)
	places = append(places, msg.Cc...)
	places = append(places, msg.InReplyTo)
	places = append(places, msg.References...)
	now := in.o.Now()
	forged := 0
	for _, p := range places {
		for _, tok := range replytoken.Candidates(p) {
			ref, _, err := in.o.Tokens.Verify(tok, now)
			if err != nil {
				if errors.Is(err, replytoken.ErrForged) || errors.Is(err, replytoken.ErrExpired) {
					forged++
					in.o.Log.Warn("reply token rejected", "err", err, "message_id", msg.MessageID)
				}
				continue
			}
			f, err := in.o.Store.FollowupByToken(ctx, tok)
			if errors.Is(err, store.ErrNotFound) {
				in.o.Log.Warn("reply token verifies but names no follow-up", "message_id", msg.MessageID)
				continue
			}
			if err != nil {
				return outbox.Message{}, "", err
			}
			if replytoken.Ref(f.MeetingKey) != ref {
				in.o.Log.Warn("reply token names another meeting", "message_id", msg.MessageID)
				continue
			}
			return f, tok, nil
		}
	}
	return outbox.Message{}, "", errNoToken
}

func (in *Ingester) logReply(ctx context.Context, msg *reply.Message, follow outbox.Message, res Result) (Result, error) {
	m, err := in.o.Store.Meeting(ctx, follow.MeetingKey)
	if err != nil {
		return res, err
	}
	parsed := grammar.Parse(msg.Text, grammar.Options{BossNames: []string{m.Boss}, Now: replyDate(msg, in.o.Now()), Location: in.o.Config.Location})
	items := toItems(parsed, in.o.Config.Location)
	done := make([]int64, len(parsed.Done))
	for i, id := range parsed.Done {
		done[i] = int64(id)
	}
	logged, err := in.o.Store.RecordReply(ctx, store.Reply{MessageID: msg.MessageID, MeetingKey: m.Key, Boss: m.Boss,
		Subject: msg.Subject, Received: replyDate(msg, in.o.Now())}, items, done, m.Event.Start)
	if errors.Is(err, store.ErrDuplicate) {
		res.Outcome = Duplicate
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Outcome, res.Meeting, res.Boss, res.Parse, res.Logged = Logged, m.Key, m.Boss, parsed, logged
	in.o.Log.Info("reply logged", "meeting", m.Key, "boss", m.Boss, "message_id", msg.MessageID,
		"items", len(logged.Items), "closed", len(logged.Closed), "unplaced", len(parsed.Unplaced))
	in.confirm(ctx, msg, res)
	return res, nil
}

// isTopicEmail reports an email of talking points: its subject starts with
// "topic:" or "agenda:", or it is addressed to the reply address.
func isTopicEmail(msg *reply.Message, cfg *config.Config) bool {
	s := strings.ToLower(strings.TrimSpace(msg.Subject))
	if strings.HasPrefix(s, "topic:") || strings.HasPrefix(s, "topics:") || strings.HasPrefix(s, "agenda:") {
		return true
	}
	base := replyBase(cfg.Mail.ReplyTo)
	if base == "" {
		return false
	}
	return slices.Contains(msg.To, base) || slices.Contains(msg.DeliveredTo, base)
}

// replyBase is the reply address without its token: what an email of
// talking points is sent to ("me+leadup-{token}@x" → "me+leadup@x").
func replyBase(replyTo string) string {
	if replyTo == "" {
		return ""
	}
	s := strings.NewReplacer("-{token}", "", ".{token}", "", "{token}", "").Replace(replyTo)
	return strings.ToLower(s)
}

func (in *Ingester) logTopics(ctx context.Context, msg *reply.Message, res Result) (Result, error) {
	cfg := in.o.Config
	boss, next, err := in.topicBoss(ctx, msg.Subject)
	if err != nil {
		return res, err
	}
	parsed := grammar.Parse(msg.Text, grammar.Options{BossNames: []string{boss}, Now: replyDate(msg, in.o.Now()), Location: cfg.Location})
	// The subject is a point when it says so ("topic: …"), or when the
	// body has none; otherwise it is just a subject.
	var points []string
	subject, prefixed := topicInSubject(msg.Subject, boss)
	if prefixed && subject != "" {
		points = append(points, subject)
	}
	var rest grammar.Log
	for _, it := range parsed.Items {
		if it.Kind == grammar.Note || it.Kind == grammar.Topic {
			points = append(points, it.Text)
		} else {
			rest.Items = append(rest.Items, it)
		}
	}
	if len(points) == 0 && len(rest.Items) == 0 && subject != "" {
		points = append(points, subject)
	}
	var items []store.Item
	for _, p := range points {
		items = append(items, store.Item{Kind: store.ItemPoint, Text: p})
	}
	// Anything else it says (decisions, actions…) is logged as such.
	items = append(items, toItems(rest, cfg.Location)...)
	logged, err := in.o.Store.RecordReply(ctx, store.Reply{MessageID: msg.MessageID, Boss: boss, Subject: msg.Subject,
		Received: replyDate(msg, in.o.Now())}, items, nil, time.Time{})
	if errors.Is(err, store.ErrDuplicate) {
		res.Outcome = Duplicate
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Outcome, res.Boss, res.Parse, res.Logged = Topics, boss, parsed, logged
	if next != nil {
		res.Meeting = next.Key
	}
	in.o.Log.Info("talking points queued", "boss", boss, "message_id", msg.MessageID, "items", len(logged.Items))
	in.confirm(ctx, msg, res)
	return res, nil
}

// topicInSubject returns the talking point a subject carries, and whether
// it starts with "topic:", "topics:" or "agenda:": "topic: Dana: the Q2
// budget" → "the Q2 budget", true. A subject that only names the boss
// carries none.
func topicInSubject(subject, boss string) (string, bool) {
	s := strings.TrimSpace(subject)
	prefixed := false
	for _, prefix := range []string{"topics:", "topic:", "agenda:"} {
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			s, prefixed = strings.TrimSpace(s[len(prefix):]), true
			break
		}
	}
	if name, rest, ok := strings.Cut(s, ":"); ok && isName(name, boss) {
		s = strings.TrimSpace(rest)
	}
	if isName(s, boss) {
		return "", prefixed
	}
	return s, prefixed
}

// isName reports whether s is the boss's full or first name.
func isName(s, boss string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, boss) || strings.EqualFold(s, firstName(boss))
}

// topicBoss picks the boss talking points are for: the one named in the
// subject, else the one of the next meeting, else the first configured.
func (in *Ingester) topicBoss(ctx context.Context, subject string) (string, *meeting.Meeting, error) {
	bosses := in.o.Config.Bosses
	s := strings.ToLower(subject)
	named := ""
	for _, b := range bosses {
		if strings.Contains(s, strings.ToLower(b.Name)) || containsWord(s, strings.ToLower(firstName(b.Name))) {
			named = b.Name
			break
		}
	}
	ms, err := in.o.Store.Meetings(ctx, store.Query{From: in.o.Now(), Statuses: []meeting.Status{meeting.Active}})
	if err != nil {
		return "", nil, err
	}
	for i := range ms {
		if named == "" || ms[i].Boss == named {
			return ms[i].Boss, &ms[i], nil
		}
	}
	if named != "" {
		return named, nil, nil
	}
	return bosses[0].Name, nil, nil
}

func (in *Ingester) confirm(ctx context.Context, msg *reply.Message, res Result) {
	if in.o.Confirm == nil || !in.o.Config.Reply.Confirm {
		return
	}
	if err := in.o.Confirm.Confirm(ctx, msg, res); err != nil {
		in.o.Log.Error("could not queue the confirmation", "message_id", msg.MessageID, "err", err)
	}
}

// toItems turns a parse into log items; due dates become the end of that
// day in loc.
func toItems(p grammar.Log, loc *time.Location) []store.Item {
	items := make([]store.Item, 0, len(p.Items))
	for _, a := range p.Items {
		it := store.Item{Kind: string(a.Kind), Owner: a.Owner, Text: a.Text}
		if a.Due != nil {
			it.Due = time.Date(a.Due.Year, a.Due.Month, a.Due.Day, 23, 59, 0, 0, loc)
		}
		items = append(items, it)
	}
	return items
}

// replyDate is when the reply was written: its Date, unless that is
// missing or in the future (a wrong clock), then now.
func replyDate(msg *reply.Message, now time.Time) time.Time {
	if msg.Date.IsZero() || msg.Date.After(now.Add(time.Hour)) {
		return now
	}
	return msg.Date
}

func fromAddress(msg *reply.Message) string {
	if msg.From == nil {
		return ""
	}
	return strings.ToLower(msg.From.Address)
}

func firstName(name string) string {
	f, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return f
}

func containsWord(s, w string) bool {
	if w == "" {
		return false
	}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127) }) {
		if f == w {
			return true
		}
	}
	return false
}

// Describe is a one-line summary of a result, for logs and `leadup ingest`.
func (r Result) Describe() string {
	switch r.Outcome {
	case Logged:
		return fmt.Sprintf("logged %d items and closed %d, from the meeting with %s (%s)", len(r.Logged.Items), len(r.Logged.Closed), r.Boss, r.Meeting)
	case Topics:
		return fmt.Sprintf("queued %d items for the next meeting with %s", len(r.Logged.Items), r.Boss)
	case Duplicate:
		return "already processed"
	}
	return "ignored: " + r.Why
}
