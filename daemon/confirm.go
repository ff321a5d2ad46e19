package daemon

import (
	"context"
	netmail "net/mail"
	"time"

	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/mail"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/reply"
	"github.com/leadup/leadup/daemon/store"
)

// confirmExpiry is how long a confirmation is worth sending.
const confirmExpiry = 24 * time.Hour

// Confirm implements ingest.Confirmer: it queues, in the outbox, an email
// answering the user's reply in its thread with what was logged. Its
// Message-ID derives from the reply's, so a reply processed again (after a
// crash) is confirmed once.
func (c *composer) Confirm(ctx context.Context, msg *reply.Message, res ingest.Result) error {
	if res.Meeting == "" {
		// The outbox belongs to meetings; talking points for a boss with
		// no meeting ahead are logged without a confirmation.
		return nil
	}
	m, err := c.store.Meeting(ctx, res.Meeting)
	if err != nil {
		return err
	}
	boss := c.boss(m)
	d := render.ConfirmData{Boss: boss, Now: c.now(), Subject: msg.Subject, NotFound: res.Logged.NotFound, Unplaced: res.Parse.Unplaced}
	if res.Outcome == ingest.Logged {
		d.Meeting = c.renderMeeting(m, boss)
	} else {
		d.Meeting = render.Meeting{Location: c.cfg.Location}
	}
	for _, it := range res.Logged.Items {
		ri := renderItems([]store.Item{it})[0]
		switch it.Kind {
		case store.ItemDecision:
			d.Decisions = append(d.Decisions, ri)
		case store.ItemAction:
			d.Actions = append(d.Actions, ri)
		case store.ItemFeedback:
			d.Feedback = append(d.Feedback, ri)
		case store.ItemNote:
			d.Notes = append(d.Notes, ri)
		case store.ItemPoint:
			d.Topics = append(d.Topics, ri)
		}
	}
	closed, err := c.store.ItemsByID(ctx, res.Logged.Closed)
	if err != nil {
		return err
	}
	d.Closed = renderItems(closed)
	r, err := c.render.Confirm(d)
	if err != nil {
		return err
	}
	id := "leadup.confirm." + idHash(msg.MessageID) + "@" + mail.MessageIDDomain(c.cfg.Mail.From)
	now := c.now()
	em := mail.Message{
		From:      c.cfg.Mail.From,
		To:        []*netmail.Address{c.cfg.Mail.To},
		ReplyTo:   replyTo(c.cfg.Mail.ReplyTo, ""),
		Subject:   r.Subject,
		Text:      r.Text,
		HTML:      r.HTML,
		MessageID: id,
		InReplyTo: msg.MessageID,
		Date:      now,
		Headers:   map[string]string{"X-Leadup-Kind": outbox.KindConfirm},
	}
	body, err := em.Bytes()
	if err != nil {
		return err
	}
	_, err = c.store.Enqueue(ctx, outbox.Message{
		MessageID: id, MeetingKey: m.Key, Kind: outbox.KindConfirm, Variant: msg.MessageID, MeetingStart: m.Event.Start,
		NextAttempt: now, Expires: now.Add(confirmExpiry),
		EnvelopeFrom: c.cfg.Mail.From.Address, EnvelopeTo: []string{c.cfg.Mail.To.Address}, Subject: r.Subject, Body: body,
	})
	if err == nil && c.queued != nil {
		c.queued()
	}
	return err
}
