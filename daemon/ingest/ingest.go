// Package ingest turns the user's emails into the meeting log: a reply to a
// follow-up becomes decisions, action items, feedback, notes and talking
// points for its meeting; a reply to a prep brief becomes talking points for
// that meeting; a reply to a confirmation corrects what was logged; an email
// to the reply address that answers none of these becomes talking points
// for the next meeting with a boss.
//
// Only the user may log. A reply counts when it carries a reply token that
// verifies (in a plus-address, In-Reply-To or References) and comes from an
// address in mail.accept_from. Anything else, including a forged From with a
// stolen token, automatic replies and leadup's own emails, is ignored and
// logged, and never answered: an attacker learns nothing. leadup's own
// emails are told by their own marks (X-Leadup-Kind, the Message-ID
// namespace), never by From: with Gmail and most providers the user's
// replies and leadup's emails come from the same address.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/mail"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/reply"
	"github.com/leadup/leadup/daemon/reply/grammar"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/store"
)

// ExpiredGrace is how long after a meeting a reply whose token has expired
// is still logged: the token proves the reply answers leadup's email, and a
// user catching up on old mail should not lose their notes.
const ExpiredGrace = 60 * 24 * time.Hour

// MaxFixes bounds the corrections read from one reply.
const MaxFixes = 100

// MaxItems bounds the items logged from one email; the confirmation says
// how many more there were.
const MaxItems = 100

// topicSubject is what the install's topic token stands for, and
// topicExpiry its expiry: the topic address does not change.
const topicSubject = "topics\x00"

var topicExpiry = time.Date(2100, time.January, 1, 0, 0, 0, 0, time.UTC)

// TopicToken is the install's secret topic token: mail to the topic address
// that carries it (config.Mail.TopicAddress) adds talking points without
// answering any of leadup's emails. Only the key's holder can make it.
func TopicToken(tokens *replytoken.Minter) string {
	return tokens.Mint(topicSubject, topicExpiry)
}

// Outcomes of Ingest.
const (
	Logged    = "logged"    // a reply to a follow-up, logged
	Topics    = "topics"    // talking points for a meeting, logged
	Corrected = "corrected" // a reply to a confirmation: fixes applied
	TooLate   = "too late"  // a reply to an email about a meeting long past: nothing logged, the user is told
	Duplicate = "duplicate" // processed before: nothing done
	Ignored   = "ignored"   // not the user's reply: left alone
)

// Result says what Ingest did with an email.
type Result struct {
	Outcome   string
	Why       string // for Ignored and TooLate
	MessageID string
	Meeting   string // meeting key, for Logged, Topics (when known), Corrected and TooLate
	// MeetingName is the meeting as the user knows it, for Logged: its
	// title and start in the user's zone ("Budget sync, Tue 24 Nov 10:00").
	MeetingName string
	Boss        string
	// Answers is the leadup email the reply answers, when it answers one.
	Answers outbox.Message
	Parse   grammar.Log
	Logged  meetinglog.Logged
	// Dropped is how many items past MaxItems were not logged.
	Dropped int
}

// Store is what ingestion needs from the state store.
type Store interface {
	SentByToken(ctx context.Context, token string) (outbox.Message, error)
	Meeting(ctx context.Context, key string) (meeting.Meeting, error)
	ReplySeen(ctx context.Context, messageID string) (bool, error)
	ReplyByID(ctx context.Context, messageID string) (meetinglog.Reply, error)
	RecordReply(ctx context.Context, rec meetinglog.Record) (meetinglog.Logged, error)
	RecordIgnored(ctx context.Context, m store.IgnoredMail) error
	Meetings(ctx context.Context, q store.Query) ([]meeting.Meeting, error)
}

// Confirmer writes the confirmation of a processed email.
type Confirmer interface {
	// Confirmation returns the email that confirms res, and false when
	// there is none to send. It is called inside the transaction that
	// logs the email, so it must read only what was committed before.
	Confirmation(ctx context.Context, msg *reply.Message, res Result) (outbox.Message, bool, error)
	// Queued is told that a confirmation is in the outbox.
	Queued()
}

// Options configure an Ingester.
type Options struct {
	Config  *config.Config
	Store   Store
	Tokens  *replytoken.Minter
	Confirm Confirmer // nil: no confirmations
	Now     func() time.Time
	Log     *slog.Logger
	// TemplateHeadings are the headings of the follow-up the templates
	// write (render.Renderer.FollowupHeadings), for replies typed inline
	// into the quoted follow-up.
	TemplateHeadings []string
}

// Ingester processes emails. It is safe for concurrent use.
type Ingester struct {
	o     Options
	topic string // the topic token
}

// New returns an Ingester.
func New(o Options) *Ingester {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Ingester{o: o, topic: TopicToken(o.Tokens)}
}

// Ingest processes one email. It returns an error only when the email may be
// the user's and processing failed in a way a retry can fix (the store); an
// email that is not the user's, or cannot be read, is an Ignored result.
//
// Every email from the user that is not acted on is logged at info or warn
// with its reason and remembered for `leadup status`; mail from anyone else
// is logged at debug, unless it claims to answer leadup (a forgery, then a
// warning).
func (in *Ingester) Ingest(ctx context.Context, raw []byte) (Result, error) {
	cfg := in.o.Config
	msg, err := reply.Extract(raw, reply.Options{MaxSize: cfg.Reply.MaxSize, Deadline: cfg.Reply.TimeLimit, TemplateHeadings: in.o.TemplateHeadings})
	if err != nil {
		in.o.Log.Warn("email not read", "err", err, "bytes", len(raw))
		return Result{Outcome: Ignored, Why: err.Error()}, nil
	}
	res := Result{MessageID: msg.MessageID}
	from := fromAddress(msg)
	user := slices.Contains(cfg.Mail.AcceptFrom, from)
	// ignore logs and returns an Ignored result. The user's emails are
	// logged at least at info and kept for `leadup status`, as is any
	// email that claims to answer leadup; others are everyday mail in a
	// shared inbox, at debug.
	ignore := func(why string, level slog.Level, claimsLeadup bool) (Result, error) {
		res.Outcome, res.Why = Ignored, why
		if user || claimsLeadup {
			level = max(level, slog.LevelInfo)
		}
		in.o.Log.Log(ctx, level, "email ignored", "why", why, "message_id", msg.MessageID, "from", from)
		if user || claimsLeadup {
			in.remember(ctx, msg, why)
		}
		return res, nil
	}
	if kind, own := in.ownKind(msg); own {
		// Not remembered: in a Gmail-style setup every email leadup sends
		// lands in the watched mailbox.
		res.Outcome, res.Why = Ignored, strings.Join(strings.Fields("leadup's own "+kind+" email"), " ")
		in.o.Log.Info("email ignored", "why", res.Why, "message_id", msg.MessageID)
		return res, nil
	}
	if msg.Auto {
		return ignore("automatic message: "+msg.AutoReason, slog.LevelDebug, false)
	}
	if msg.MessageID == "" {
		return ignore("no Message-ID", slog.LevelWarn, false)
	}

	// Which leadup email does it answer? A token that does not verify, or
	// names nothing leadup sent, ends here: it never falls through to the
	// talking-point path.
	ans, err := in.answered(ctx, msg)
	switch {
	case errors.Is(err, errBadToken):
		return ignore("answers a leadup email, but its reply token does not verify (altered, or from another installation)", slog.LevelWarn, true)
	case errors.Is(err, errUnknownToken):
		return ignore("its reply token verifies but names no email leadup sent (was the state directory reset?)", slog.LevelWarn, true)
	case err != nil:
		return res, err
	}
	if !user {
		if ans.token != "" || ans.topic {
			return ignore("valid reply token but sender not in mail.accept_from", slog.LevelWarn, true)
		}
		return ignore("sender not in mail.accept_from", slog.LevelDebug, ans.kind != "")
	}
	// A From the trusted server found forged is not the user's, token or no.
	verdict := authenticate(msg, cfg.IMAP.TrustedAuthservID)
	if verdict == authFail {
		return ignore("DKIM or DMARC failed for the sender's domain ("+cfg.IMAP.TrustedAuthservID+"): a forged From", slog.LevelWarn, true)
	}
	if seen, err := in.o.Store.ReplySeen(ctx, msg.MessageID); err != nil {
		return res, err
	} else if seen {
		res.Outcome = Duplicate
		in.o.Log.Info("email already processed", "message_id", msg.MessageID)
		return res, nil
	}
	if ans.token != "" {
		return in.answer(ctx, msg, ans, res)
	}
	// An email that answers nothing of leadup's is authenticated by more
	// than its From: the secret topic address, or the trusted server's
	// DKIM or DMARC pass. Either way it adds talking points only.
	switch {
	case ans.topic:
		return in.logTopics(ctx, msg, res, nil)
	case isTopicEmail(msg, cfg) && verdict == authPass:
		return in.logTopics(ctx, msg, res, nil)
	case isTopicEmail(msg, cfg):
		return ignore("talking points by email must go to your topic address (leadup status shows it), or pass DKIM or DMARC at imap.trusted_authserv_id", slog.LevelWarn, true)
	}
	if ans.kind != "" {
		return ignore(fmt.Sprintf("a reply to leadup's %s, which takes no replies (replies to briefs, follow-ups and confirmations do)", ans.kind), slog.LevelInfo, true)
	}
	return ignore("not a reply to a leadup email, not addressed to the reply address, and no \"topic:\" subject", slog.LevelInfo, false)
}

// remember keeps an ignored email for `leadup status`. Failing to is not
// worth failing the email for.
func (in *Ingester) remember(ctx context.Context, msg *reply.Message, why string) {
	err := in.o.Store.RecordIgnored(ctx, store.IgnoredMail{MessageID: msg.MessageID, From: fromAddress(msg),
		Subject: truncate(msg.Subject, 200), Reason: why, At: in.o.Now()})
	if err != nil {
		in.o.Log.Error("could not remember an ignored email", "message_id", msg.MessageID, "err", err)
	}
}

// ownKind reports an email leadup sent, by its own marks: the X-Leadup-Kind
// field, or a Message-ID in leadup's namespace ("leadup.KIND.…@domain of
// mail.from"). Its Auto-Submitted field would also stop it, a step later.
func (in *Ingester) ownKind(msg *reply.Message) (string, bool) {
	kind, ok := in.leadupKind(msg.MessageID)
	if v := msg.Header["X-Leadup-Kind"]; len(v) > 0 {
		// Any value marks it; only a known one is worth repeating.
		if k := strings.ToLower(strings.TrimSpace(v[0])); knownKind(k) {
			kind = k
		}
		return kind, true
	}
	return kind, ok
}

// leadupKind returns the kind of a Message-ID of leadup's, and false for
// any other ID.
func (in *Ingester) leadupKind(id string) (string, bool) {
	rest, ok := cutPrefixFold(id, "leadup.")
	if !ok {
		return "", false
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 || !strings.EqualFold(rest[at+1:], mail.MessageIDDomain(in.o.Config.Mail.From)) {
		return "", false
	}
	kind, _, _ := strings.Cut(rest[:at], ".")
	if kind = strings.ToLower(kind); knownKind(kind) {
		return kind, true
	}
	return "", false
}

// knownKind reports one of the kinds of email leadup sends.
func knownKind(kind string) bool {
	switch kind {
	case outbox.KindBrief, outbox.KindFollowup, outbox.KindNotice, outbox.KindConfirm, outbox.KindDigest, outbox.KindCatchup,
		outbox.KindNudge:
		return true
	}
	return false
}

// answer is the leadup email a reply answers.
type answer struct {
	sent    outbox.Message // found by its token
	token   string         // "" when no token verified
	expired bool           // the token is authentic but past its expiry
	kind    string         // the kind of a leadup Message-ID the reply references, token or not
	topic   bool           // addressed to the topic address
}

var (
	errBadToken     = errors.New("reply token does not verify")
	errUnknownToken = errors.New("reply token names no email leadup sent")
)

// answered finds the leadup email msg answers: through a reply token in
// In-Reply-To or References (leadup's Message-IDs carry it) or in an
// address of leadup's reply domain (its plus-tag does). The direct parent
// (In-Reply-To) is tried first. A token whose MAC fails, or a reference to a
// follow-up (whose IDs always carry one) with none, is errBadToken, unless
// another reference verifies.
func (in *Ingester) answered(ctx context.Context, msg *reply.Message) (answer, error) {
	var a answer
	var places []string
	tampered := false
	for _, id := range append([]string{msg.InReplyTo}, msg.References...) {
		kind, ok := in.leadupKind(id)
		if !ok {
			continue
		}
		a.kind = kind
		cands := replytoken.Candidates(id)
		if len(cands) == 0 && kind == outbox.KindFollowup {
			// Follow-up IDs have always carried their token.
			tampered = true
		}
		places = append(places, cands...)
	}
	replyDomain := domainOf(in.o.Config.Mail.ReplyTo)
	if replyDomain == "" && in.o.Config.Mail.From != nil {
		replyDomain = domainOf(in.o.Config.Mail.From.Address)
	}
	for _, addr := range slices.Concat(msg.DeliveredTo, msg.To, msg.Cc) {
		if replyDomain != "" && strings.EqualFold(domainOf(addr), replyDomain) {
			local, _, _ := strings.Cut(addr, "@")
			places = append(places, replytoken.Candidates(local)...)
		}
	}
	now := in.o.Now()
	unknown := false
	for _, tok := range places {
		if tok == in.topic {
			a.topic = true
			continue
		}
		ref, _, err := in.o.Tokens.Verify(tok, now)
		expired := errors.Is(err, replytoken.ErrExpired)
		switch {
		case errors.Is(err, replytoken.ErrMalformed):
			continue
		case err != nil && !expired:
			in.o.Log.Warn("reply token rejected", "err", err, "message_id", msg.MessageID)
			tampered = true
			continue
		}
		sent, err := in.o.Store.SentByToken(ctx, tok)
		if errors.Is(err, store.ErrNotFound) {
			unknown = true
			continue
		}
		if err != nil {
			return a, err
		}
		if replytoken.Ref(outbox.TokenSubject(sent.Kind, sent.MeetingKey, sent.Variant)) != ref {
			in.o.Log.Warn("reply token names another email", "message_id", msg.MessageID)
			tampered = true
			continue
		}
		a.sent, a.token, a.expired, a.kind = sent, tok, expired, sent.Kind
		return a, nil
	}
	switch {
	case tampered:
		return a, errBadToken
	case unknown:
		return a, errUnknownToken
	}
	return a, nil
}

// answer logs a reply to a brief, follow-up or confirmation, or, for a
// meeting long past, tells the user why nothing was logged.
func (in *Ingester) answer(ctx context.Context, msg *reply.Message, a answer, res Result) (Result, error) {
	res.Answers = a.sent
	m, err := in.o.Store.Meeting(ctx, a.sent.MeetingKey)
	if err != nil {
		return res, err
	}
	if a.expired {
		age := in.o.Now().Sub(m.Event.End)
		if age > ExpiredGrace {
			res.Outcome, res.Meeting, res.Boss = TooLate, m.Key, m.Boss
			res.Why = fmt.Sprintf("it answers an email about a meeting that ended %d days ago; replies are read for %d days",
				int(age.Hours()/24), int(ExpiredGrace.Hours()/24))
			in.o.Log.Warn("reply not logged", "why", res.Why, "message_id", msg.MessageID, "meeting", m.Key)
			in.remember(ctx, msg, res.Why)
			// Recorded with nothing logged, so that it is answered once.
			return in.record(ctx, msg, res, meetinglog.Record{
				Reply: meetinglog.Reply{MessageID: msg.MessageID, MeetingKey: m.Key, Boss: m.Boss, Subject: msg.Subject, Received: replyDate(msg, in.o.Now())},
			}, nil)
		}
		in.o.Log.Info("reply token expired, but the meeting is recent enough: logging it", "message_id", msg.MessageID, "meeting", m.Key)
	}
	switch a.sent.Kind {
	case outbox.KindBrief:
		return in.logTopics(ctx, msg, res, &m)
	case outbox.KindConfirm:
		return in.logCorrections(ctx, msg, m, res)
	}
	return in.logReply(ctx, msg, m, res)
}

// grammarOptions are the parse options for a reply about m (nil: no
// meeting), written at when.
func (in *Ingester) grammarOptions(boss string, m *meeting.Meeting, when time.Time) grammar.Options {
	cfg := in.o.Config
	o := grammar.Options{BossNames: []string{boss}, Now: when, Location: cfg.Location}
	if cfg.Reply.DateOrder == config.MonthFirst {
		o.DateOrder = grammar.MonthFirst
	}
	if m != nil {
		for _, a := range m.Event.Attendees {
			if a.Self || a.Resource || strings.EqualFold(a.Email, m.BossEmail) {
				continue
			}
			if a.Name != "" {
				o.People = append(o.People, a.Name+" <"+a.Email+">")
			} else {
				o.People = append(o.People, a.Email)
			}
		}
	}
	return o
}

func (in *Ingester) logReply(ctx context.Context, msg *reply.Message, m meeting.Meeting, res Result) (Result, error) {
	when := replyDate(msg, in.o.Now())
	parsed := grammar.Parse(msg.Text, in.grammarOptions(m.Boss, &m, when))
	res.Outcome, res.Meeting, res.Boss, res.Parse = Logged, m.Key, m.Boss, parsed
	res.MeetingName = m.Event.Title + ", " + m.Event.Start.In(in.o.Config.Location).Format("Mon 2 Jan 15:04")
	res, err := in.record(ctx, msg, res, meetinglog.Record{
		Reply: meetinglog.Reply{MessageID: msg.MessageID, MeetingKey: m.Key, Boss: m.Boss, Subject: msg.Subject, Received: when},
		Items: toItems(parsed, in.o.Config.Location), Done: doneIDs(parsed),
		// "7 due Fri": the new date the follow-up asks of an open item.
		Fixes:   toFixes(parsed.Corrections, msg.MessageID, in.o.Config.Location),
		Answers: res.Answers.ID,
	}, appliedIDs(parsed))
	if err != nil || res.Outcome == Duplicate {
		return res, err
	}
	in.o.Log.Info("reply logged", "meeting", m.Key, "boss", m.Boss, "message_id", msg.MessageID,
		"items", len(res.Logged.Items), "closed", len(res.Logged.Closed), "applied", len(res.Logged.Applied), "unplaced", len(parsed.Unplaced))
	return res, nil
}

// record stores what an email logged, with its confirmation queued in the
// same transaction (unless [reply] confirm is off), and returns res with
// what was logged, or as a Duplicate. applied are the numbers of the
// feedback the email says was applied ("applied 4").
func (in *Ingester) record(ctx context.Context, msg *reply.Message, res Result, rec meetinglog.Record, applied []int64) (Result, error) {
	rec.Applied = applied
	if in.o.Confirm != nil && in.o.Config.Reply.Confirm {
		rec.Confirmation = func(l meetinglog.Logged) (outbox.Message, bool) {
			r := res
			r.Logged = l
			m, ok, err := in.o.Confirm.Confirmation(ctx, msg, r)
			if err != nil {
				// The log matters more than its confirmation.
				in.o.Log.Error("could not write the confirmation", "message_id", msg.MessageID, "err", err)
				return m, false
			}
			return m, ok
		}
	}
	if n := len(rec.Items); n > MaxItems {
		res.Dropped = n - MaxItems
		rec.Items = rec.Items[:MaxItems]
		in.o.Log.Warn("too many items in one email: the rest not logged", "message_id", msg.MessageID, "items", n, "logged", MaxItems)
	}
	logged, err := in.o.Store.RecordReply(ctx, rec)
	if errors.Is(err, store.ErrDuplicate) {
		res.Outcome = Duplicate
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Logged = logged
	if logged.Confirmed {
		in.o.Confirm.Queued()
	}
	return res, nil
}

// logCorrections applies a reply to a confirmation: its correction lines fix
// what the confirmed email logged (or any item, by number), and whatever
// else it says is logged like the email it answers.
func (in *Ingester) logCorrections(ctx context.Context, msg *reply.Message, m meeting.Meeting, res Result) (Result, error) {
	orig, err := in.o.Store.ReplyByID(ctx, res.Answers.Variant)
	if errors.Is(err, store.ErrNotFound) {
		// The confirmed email's row is gone only if the database was
		// replaced; its meeting still says where new items go.
		orig = meetinglog.Reply{MessageID: res.Answers.Variant, MeetingKey: m.Key, Boss: m.Boss}
	} else if err != nil {
		return res, err
	}
	when := replyDate(msg, in.o.Now())
	var mp *meeting.Meeting
	if orig.MeetingKey != "" {
		mp = &m
	}
	opts := in.grammarOptions(orig.Boss, mp, when)
	opts.Confirmation = true
	parsed := grammar.Parse(msg.Text, opts)
	// A meeting still ahead: notes about it are things to raise, as they
	// were in the email confirmed.
	items := meetinglog.Ahead(toItems(parsed, in.o.Config.Location), m, when)
	fixes := toFixes(parsed.Corrections, orig.MessageID, in.o.Config.Location)
	res.Outcome, res.Meeting, res.Boss, res.Parse = Corrected, m.Key, orig.Boss, parsed
	res, err = in.record(ctx, msg, res, meetinglog.Record{
		Reply: meetinglog.Reply{MessageID: msg.MessageID, MeetingKey: orig.MeetingKey, Boss: orig.Boss, Subject: msg.Subject, Received: when},
		Items: items, Done: doneIDs(parsed), Fixes: fixes, Answers: res.Answers.ID,
	}, appliedIDs(parsed))
	if err != nil || res.Outcome == Duplicate {
		return res, err
	}
	in.o.Log.Info("corrections applied", "meeting", m.Key, "boss", orig.Boss, "message_id", msg.MessageID,
		"fixes", len(res.Logged.Fixed), "items", len(res.Logged.Items), "closed", len(res.Logged.Closed))
	return res, nil
}

// toFixes turns the grammar's corrections into the store's fixes, at most
// MaxFixes of them; due dates become the end of that day in loc.
func toFixes(cs []grammar.Correction, replyID string, loc *time.Location) []meetinglog.Fix {
	var out []meetinglog.Fix
	for _, c := range cs[:min(len(cs), MaxFixes)] {
		f := meetinglog.Fix{Op: string(c.Op), ID: int64(c.ID), Owner: c.Owner, Kind: meetinglog.Kind(c.Kind), Text: c.Text}
		switch c.Op {
		case grammar.SetDue:
			f.Op = meetinglog.FixDue
			if c.Due != nil {
				f.Due = endOfDay(*c.Due, loc)
			}
		case grammar.SetOwner:
			f.Op = meetinglog.FixOwner
		case grammar.SetKind:
			f.Op = meetinglog.FixKind
		case grammar.SetText:
			f.Op = meetinglog.FixText
		case grammar.Undo:
			f.Op = meetinglog.FixUndo
		case grammar.UndoReply:
			f.Op, f.Reply = meetinglog.FixUndoReply, replyID
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}

// doneIDs are the numbers the reply closes, as typed: the store reads them
// as items' numbers, or as the row ids an email from before numbers showed
// (meetinglog.Record.Answers).
func doneIDs(p grammar.Log) []int64 {
	done := make([]int64, len(p.Done))
	for i, id := range p.Done {
		done[i] = int64(id)
	}
	return done
}

// appliedIDs are the numbers of the feedback the reply says was applied,
// as typed, read like doneIDs.
func appliedIDs(p grammar.Log) []int64 {
	out := make([]int64, len(p.Applied))
	for i, id := range p.Applied {
		out[i] = int64(id)
	}
	return out
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

// logTopics queues talking points: from a reply to a brief, for its
// meeting (m); from an email to the reply address, for the next meeting with
// the boss its subject names (m nil).
func (in *Ingester) logTopics(ctx context.Context, msg *reply.Message, res Result, m *meeting.Meeting) (Result, error) {
	cfg := in.o.Config
	var (
		boss string
		next *meeting.Meeting
		key  string // the meeting the points are for; "" for the next one
	)
	if m != nil {
		boss, next, key = m.Boss, m, m.Key
	} else {
		var err error
		if boss, next, err = in.topicBoss(ctx, msg.Subject); err != nil {
			return res, err
		}
	}
	when := replyDate(msg, in.o.Now())
	parsed := grammar.Parse(msg.Text, in.grammarOptions(boss, next, when))
	// The subject is a point when it says so ("topic: …"), or when the
	// body has none; otherwise it is just a subject. A reply to a brief
	// has the brief's subject: never a point.
	var items []meetinglog.Item
	subject, prefixed := topicInSubject(msg.Subject, boss)
	if m != nil {
		subject = ""
	}
	if prefixed && subject != "" {
		items = append(items, meetinglog.Item{Kind: meetinglog.Point, Text: subject, Source: oneLine(msg.Subject)})
	}
	// In a reply to a brief, notes are points and anything else it says
	// (decisions, actions…) is logged as such. An email that answers
	// nothing of leadup's adds talking points only: it proves less than a
	// reply token does, so it never decides, assigns or closes anything.
	done, applied := doneIDs(parsed), appliedIDs(parsed)
	// A subject addressed to a meeting ("topic: [roadmap review] …")
	// addresses the points in the body too, unless one names its own.
	tag, _ := meetinglog.PointTag(subject)
	for _, it := range toItems(parsed, cfg.Location) {
		if it.Kind == meetinglog.Note || m == nil {
			it = meetinglog.Item{Kind: meetinglog.Point, Text: it.Text, Source: it.Source}
		}
		if own, _ := meetinglog.PointTag(it.Text); it.Kind == meetinglog.Point && tag != "" && own == "" {
			it.Text = "[" + tag + "] " + it.Text
		}
		items = append(items, it)
	}
	if m == nil {
		done, applied = nil, nil
	}
	if len(items) == 0 && subject != "" {
		items = append(items, meetinglog.Item{Kind: meetinglog.Point, Text: subject, Source: oneLine(msg.Subject)})
	}
	res.Outcome, res.Boss, res.Parse = Topics, boss, parsed
	if next != nil {
		res.Meeting = next.Key
	}
	res, err := in.record(ctx, msg, res, meetinglog.Record{
		Reply: meetinglog.Reply{MessageID: msg.MessageID, MeetingKey: key, Boss: boss, Subject: msg.Subject, Received: when},
		Items: items, Done: done, Answers: res.Answers.ID,
	}, applied)
	if err != nil || res.Outcome == Duplicate {
		return res, err
	}
	in.o.Log.Info("talking points queued", "boss", boss, "meeting", key, "message_id", msg.MessageID, "items", len(res.Logged.Items))
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

// toItems turns a parse into log items; due dates become the end of that
// day in loc.
func toItems(p grammar.Log, loc *time.Location) []meetinglog.Item {
	items := make([]meetinglog.Item, 0, len(p.Items))
	for _, a := range p.Items {
		it := meetinglog.Item{Kind: meetinglog.Kind(a.Kind), Owner: a.Owner, Text: a.Text, Source: a.Source, Inferred: a.Inferred}
		if a.Due != nil {
			it.Due = endOfDay(*a.Due, loc)
		}
		items = append(items, it)
	}
	return items
}

// endOfDay is when an item due on d is late: 23:59 that day in loc.
func endOfDay(d grammar.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 0, 0, loc)
}

// domainOf is the domain of an address, lower-cased; "" without one.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(addr[at+1:]))
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// oneLine is s on one line, with runs of white space made one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
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
		name := r.MeetingName
		if name == "" {
			name = r.Meeting
		}
		return fmt.Sprintf("logged %d items and closed %d, from the meeting with %s (%s)", len(r.Logged.Items), len(r.Logged.Closed), r.Boss, name)
	case Topics:
		return fmt.Sprintf("queued %d items for the next meeting with %s", len(r.Logged.Items), r.Boss)
	case Corrected:
		return fmt.Sprintf("applied %d corrections, logged %d items and closed %d, for %s", len(r.Logged.Fixed), len(r.Logged.Items), len(r.Logged.Closed), r.Boss)
	case TooLate:
		return "not logged: " + r.Why
	case Duplicate:
		return "already processed"
	}
	return "ignored: " + r.Why
}
