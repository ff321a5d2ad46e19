package compose

import (
	"context"
	"time"

	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/mail"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/reply"
)

// confirmExpiry is how long a confirmation is worth sending.
const confirmExpiry = 24 * time.Hour

// Confirmation implements ingest.Confirmer: it writes the email answering
// the user's reply in its thread with what was logged, what was guessed and
// from which line, and what was fixed, for the outbox. Its Message-ID
// derives from the reply's, so a reply processed again is confirmed once.
// It carries a reply token of its own: a reply to it corrects the log. It
// runs inside the transaction that logs the reply, and reads only what was
// committed before (the meeting, items closed earlier).
func (c *Composer) Confirmation(ctx context.Context, msg *reply.Message, res ingest.Result) (outbox.Message, bool, error) {
	if res.Meeting == "" || c.cfg.Mail.From == nil || c.cfg.Mail.To == nil {
		// The outbox belongs to meetings; talking points for a boss with
		// no meeting ahead are logged without a confirmation. Without
		// [mail] there is no one to confirm to.
		return outbox.Message{}, false, nil
	}
	m, err := c.store.Meeting(ctx, res.Meeting)
	if err != nil {
		return outbox.Message{}, false, err
	}
	boss := c.boss(m)
	d := render.ConfirmData{Boss: boss, Now: c.now(), Subject: msg.Subject, Why: res.Why, Dropped: res.Dropped, Limit: ingest.MaxItems,
		NotFound: res.Logged.NotFound, Unplaced: res.Parse.Unplaced, Meeting: c.renderMeeting(m, boss)}
	switch res.Outcome {
	case ingest.Topics:
		d.Kind = render.ConfirmTopics
		if res.Answers.Kind != outbox.KindBrief {
			// Queued for the next meeting, whichever it turns out to be.
			d.Meeting = render.Meeting{Location: c.cfg.Location}
		}
	case ingest.Corrected:
		d.Kind = render.ConfirmCorrected
	case ingest.TooLate:
		d.Kind = render.ConfirmTooLate
	default:
		d.Kind = render.ConfirmLogged
	}
	for _, it := range res.Logged.Items {
		if it.Inferred {
			d.Guessed = append(d.Guessed, it)
			continue
		}
		switch it.Kind {
		case meetinglog.Decision:
			d.Decisions = append(d.Decisions, it)
		case meetinglog.Action:
			d.Actions = append(d.Actions, it)
		case meetinglog.Feedback:
			d.Feedback = append(d.Feedback, it)
		case meetinglog.Note:
			d.Notes = append(d.Notes, it)
		case meetinglog.Point:
			d.Topics = append(d.Topics, it)
		}
	}
	for i, f := range res.Logged.Fixed {
		fx := render.Fix{Op: f.Op, Item: f.Item, Removed: f.Removed, Reopened: f.Reopened, Problem: f.Problem}
		if i < len(res.Parse.Corrections) {
			fx.Source = res.Parse.Corrections[i].Source
		}
		d.Fixes = append(d.Fixes, fx)
	}
	// Items closed by this reply and earlier ones were all committed
	// before it: only their done time is not, and the template does not
	// show it.
	closed, err := c.store.ItemsByNumber(ctx, res.Logged.Closed)
	if err != nil {
		return outbox.Message{}, false, err
	}
	d.Closed = closed
	already, err := c.store.ItemsByNumber(ctx, res.Logged.AlreadyClosed)
	if err != nil {
		return outbox.Message{}, false, err
	}
	d.AlreadyClosed = already
	// The texts of what the reply closes or applies are read as they
	// stand before its transaction commits: closing changes no text.
	if d.Applied, err = c.store.ItemsByNumber(ctx, res.Logged.Applied); err != nil {
		return outbox.Message{}, false, err
	}
	if d.AlreadyApplied, err = c.store.ItemsByNumber(ctx, res.Logged.AlreadyApplied); err != nil {
		return outbox.Message{}, false, err
	}
	d.NotFeedback = res.Logged.NotFeedback
	r, err := c.render.Confirm(d)
	if err != nil {
		return outbox.Message{}, false, err
	}

	// The Message-ID carries the token, so that a reply brings it back
	// even without a reply_to address. Both derive from the reply alone
	// (its Message-ID, and its Date or the meeting's end for the expiry), so
	// a reply processed again gets the same confirmation, queued once.
	now := c.now()
	id := "leadup.confirm." + idHash(msg.MessageID) + "@" + mail.MessageIDDomain(c.cfg.Mail.From)
	token := ""
	if res.Outcome != ingest.TooLate {
		base := m.Event.End
		if msg.Date.Before(now.Add(time.Hour)) { // not a wrong clock's far future
			base = later(msg.Date, base)
		}
		token = c.tokens.Mint(outbox.TokenSubject(outbox.KindConfirm, m.Key, msg.MessageID), base.Add(ReplyWindow))
		id = "leadup.confirm." + token + "@" + mail.MessageIDDomain(c.cfg.Mail.From)
	}
	em := c.message(outbox.KindConfirm, r, token, id, now)
	em.InReplyTo = msg.MessageID
	if res.Answers.MessageID != "" {
		// The leadup email the user answered heads the thread.
		em.References = []string{res.Answers.MessageID}
	}
	body, err := em.Bytes()
	if err != nil {
		return outbox.Message{}, false, err
	}
	return outbox.Message{
		MessageID: id, MeetingKey: m.Key, Kind: outbox.KindConfirm, Variant: msg.MessageID, MeetingStart: m.Event.Start,
		ReplyToken: token, NextAttempt: now, Expires: now.Add(confirmExpiry),
		EnvelopeFrom: c.cfg.Mail.From.Address, EnvelopeTo: []string{c.cfg.Mail.To.Address}, Subject: r.Subject, Body: body,
	}, true, nil
}

// Queued implements ingest.Confirmer: it kicks the deliverer.
func (c *Composer) Queued() {
	if c.queued != nil {
		c.queued()
	}
}
