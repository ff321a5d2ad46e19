package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// errClosed is a connection the server closed while we waited for mail.
var errClosed = errors.New("the server closed the connection")

// watch runs one connection: it hands over the new messages, waits for more,
// and repeats until the connection fails or ctx ends. progressed reports
// whether it got as far as a full pass over the mailbox, which resets the
// reconnection backoff.
func (w *Watcher) watch(ctx context.Context) (progressed bool, err error) {
	s, err := w.connect(ctx)
	if err != nil {
		return false, err
	}
	defer s.logout()
	if err := s.selectMailbox(ctx, w.o.Mailbox, false); err != nil {
		return false, err
	}
	idle := w.o.Idle && s.caps.Has(imap.CapIdle)
	w.log.Info("watching mailbox", "idle", idle, "uidvalidity", s.uidValidity)
	for {
		// A pass is one step for the watchdog; waiting in IDLE is not.
		w.Probe.Enter(w.o.Clock.Now())
		retry, err := w.pass(ctx, s)
		w.Probe.Leave()
		if err != nil {
			return progressed, err
		}
		progressed = true
		if idle {
			err = w.idle(ctx, s, retry)
		} else {
			err = w.poll(ctx, s)
		}
		if err != nil {
			return progressed, err
		}
	}
}

// pass hands every message not yet dealt with to the Handler, in UID order,
// and moves the checkpoint along. retry reports whether the Handler asked
// for a message to be handed over again.
func (w *Watcher) pass(ctx context.Context, s *session) (retry bool, err error) {
	box := w.o.Mailbox
	savedValidity, last, err := w.checkpoints.LoadCheckpoint(ctx, box)
	if err != nil {
		return false, fmt.Errorf("load checkpoint: %w", err)
	}
	var uids []imap.UID
	if savedValidity == s.uidValidity {
		uids, err = s.search(ctx, "search new mail", &imap.SearchCriteria{
			UID: []imap.UIDSet{{{Start: imap.UID(last) + 1, Stop: 0}}},
		})
		if err != nil {
			return false, err
		}
		// "n:*" always includes the highest UID, even one below n (RFC 3501
		// §6.4.8), so with no new mail the search still answers one UID.
		uids = slices.DeleteFunc(uids, func(u imap.UID) bool { return uint32(u) <= last })
	} else {
		if uids, last, err = w.rescan(ctx, s, savedValidity); err != nil {
			return false, err
		}
	}

	// done is the checkpoint: every UID up to it was Handled or Ignored,
	// or is no longer in the mailbox. A Retry freezes it until the
	// message is dealt with; the messages after it are still handed over
	// now, and again on the next pass (the Handler deduplicates).
	done, frozen := last, false
	for chunk := range slices.Chunk(uids, fetchChunk) {
		metas, err := s.fetchMeta(ctx, chunk)
		if err != nil {
			return retry, err
		}
		for _, uid := range chunk {
			m, ok := metas[uid]
			if ok {
				d, err := w.deliver(ctx, s, m)
				if err != nil {
					return retry, err
				}
				if d == Retry {
					retry, frozen = true, true
				}
			}
			// A UID the FETCH did not return was expunged meanwhile.
			if frozen {
				continue
			}
			done = uint32(uid)
			if err := w.checkpoints.SaveCheckpoint(ctx, box, s.uidValidity, done); err != nil {
				return retry, fmt.Errorf("save checkpoint: %w", err)
			}
		}
	}
	return retry, nil
}

// rescan is the start when the checkpoint cannot be trusted: the first run,
// or a mailbox whose UIDVALIDITY changed (it was recreated, or the server
// renumbered it), so the saved UID means nothing. It looks at the last
// rescanWindow of mail by date, and records the new UIDVALIDITY with a
// checkpoint just below what it found, so that a crash before the end of
// the pass does not widen the next one to the whole mailbox.
func (w *Watcher) rescan(ctx context.Context, s *session, savedValidity uint32) (uids []imap.UID, base uint32, err error) {
	since := w.o.Clock.Now().Add(-rescanWindow)
	if savedValidity == 0 {
		w.log.Info("first look at the mailbox: handing over the last week's mail", "since", since.Format(time.DateOnly))
	} else {
		w.log.Warn("the mailbox's UIDVALIDITY changed: handing over the last week's mail again",
			"since", since.Format(time.DateOnly), "old_uidvalidity", savedValidity, "uidvalidity", s.uidValidity)
	}
	// SINCE compares dates, not times, in the server's time zone (RFC 9051
	// §6.4.4): the window is a day wider at most.
	uids, err = s.search(ctx, "search recent mail", &imap.SearchCriteria{Since: since})
	if err != nil {
		return nil, 0, err
	}
	switch {
	case len(uids) > 0:
		base = uint32(uids[0]) - 1
	case s.uidNext > 0:
		// Nothing recent: everything so far is behind us. Mail arriving
		// after the SELECT gets a UID from UIDNEXT on.
		base = uint32(s.uidNext) - 1
	default:
		// UIDNEXT is required (RFC 9051 §6.3.2) but not every server
		// sends it; "UID *" answers the highest UID.
		top, err := s.search(ctx, "search highest UID", &imap.SearchCriteria{
			UID: []imap.UIDSet{{{Start: 0, Stop: 0}}},
		})
		if err != nil {
			return nil, 0, err
		}
		if len(top) > 0 {
			base = uint32(top[len(top)-1])
		}
	}
	if err := w.checkpoints.SaveCheckpoint(ctx, w.o.Mailbox, s.uidValidity, base); err != nil {
		return nil, 0, fmt.Errorf("save checkpoint: %w", err)
	}
	return uids, base, nil
}

type meta struct {
	uid  imap.UID
	size int64
	date time.Time
}

// fetchMeta fetches the size and internal date of uids: what deciding
// whether to fetch the body needs.
func (s *session) fetchMeta(ctx context.Context, uids []imap.UID) (map[imap.UID]meta, error) {
	metas := make(map[imap.UID]meta, len(uids))
	err := s.do(ctx, "fetch sizes", func() error {
		bufs, err := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
			UID: true, RFC822Size: true, InternalDate: true,
		}).Collect()
		for _, b := range bufs {
			if b.UID != 0 {
				metas[b.UID] = meta{uid: b.UID, size: b.RFC822Size, date: b.InternalDate}
			}
		}
		return err
	})
	return metas, err
}

// fetchBody fetches the whole message with BODY.PEEK[], which unlike
// BODY[] does not set \Seen (RFC 9051 §6.4.5). It reads at most limit
// bytes: tooLarge is set if the server sends more than RFC822.SIZE
// promised. found is false if the message is gone.
func (s *session) fetchBody(ctx context.Context, uid imap.UID, limit int64) (raw []byte, tooLarge, found bool, err error) {
	section := &imap.FetchItemBodySection{Peek: true}
	err = s.do(ctx, "fetch message", func() error {
		cmd := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{
			UID: true, BodySection: []*imap.FetchItemBodySection{section},
		})
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				body, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || !body.MatchCommand(section) {
					continue
				}
				found = true
				if body.Literal == nil { // NIL: the server has no body for it
					continue
				}
				b, err := io.ReadAll(io.LimitReader(body.Literal, limit+1))
				if err != nil {
					return err
				}
				if int64(len(b)) > limit {
					tooLarge = true
					continue
				}
				raw = b
			}
		}
		return cmd.Close()
	})
	return raw, tooLarge, found, err
}

// deliver hands one message to the Handler and carries out its verdict.
func (w *Watcher) deliver(ctx context.Context, s *session, m meta) (Disposition, error) {
	msg := Message{UID: uint32(m.uid), Size: m.size, InternalDate: m.date}
	if m.size > w.o.MaxSize {
		msg.TooLarge = true
	} else {
		raw, tooLarge, found, err := s.fetchBody(ctx, m.uid, w.o.MaxSize)
		if err != nil {
			return Retry, err
		}
		if !found {
			return Ignore, nil // expunged since the size was fetched
		}
		msg.Raw, msg.TooLarge = raw, tooLarge
		if msg.Raw == nil && !msg.TooLarge {
			msg.Raw = []byte{}
		}
	}
	var d Disposition
	if perr := w.guard.Do(func() { d = w.o.Handler(ctx, msg) }); perr != nil {
		// A message that makes the Handler panic would make it panic on
		// every pass: leave it to the user, unread, rather than retry it
		// for ever. Panics that repeat stop the watcher.
		w.log.Error("the handler panicked; ignoring the message", "uid", m.uid)
		if err := w.guard.Err(); err != nil {
			return Retry, err
		}
		d = Ignore
	}
	if ctx.Err() != nil {
		// Shutting down: whatever the Handler said was said under a
		// cancelled context. The message is handed over again next run.
		return Retry, ctx.Err()
	}
	switch d {
	case Ignore:
		// Not ours: not even \Seen. The user reads it as if leadup were not
		// there.
	case Handled:
		if err := w.markHandled(ctx, s, m.uid); err != nil {
			return Retry, err
		}
	case Retry:
		w.log.Info("message to be handed over again", "uid", m.uid)
	default:
		w.log.Error("the handler returned an unknown disposition; treating it as Retry", "uid", m.uid, "disposition", d)
		d = Retry
	}
	return d, nil
}

// markHandled marks a handled message \Seen and moves it to
// ProcessedMailbox if one is set. A server that refuses the move (NO) is
// logged and the message left where it is: it is \Seen, and it is handled,
// so retrying it for ever would help no one.
func (w *Watcher) markHandled(ctx context.Context, s *session, uid imap.UID) error {
	set := imap.UIDSetNum(uid)
	err := s.do(ctx, "mark seen", func() error {
		return s.c.Store(set, &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen},
		}, nil).Close()
	})
	if err != nil || w.o.ProcessedMailbox == "" {
		return err
	}
	dest := w.o.ProcessedMailbox
	err = w.move(ctx, s, set, dest)
	if rejectedWith(err, imap.ResponseCodeTryCreate) {
		// RFC 9051 §7.1: TRYCREATE says the target does not exist and
		// creating it may help.
		w.log.Info("creating the processed mailbox", "processed_mailbox", dest)
		err = s.do(ctx, "create "+dest, func() error { return s.c.Create(dest, nil).Wait() })
		if err == nil {
			err = w.move(ctx, s, set, dest)
		}
	}
	if rejected(err) {
		w.log.Error("could not move a handled message; leaving it marked seen",
			"uid", uid, "processed_mailbox", dest, "err", err)
		return nil
	}
	return err
}

// move moves the message with MOVE (RFC 6851), or with COPY, \Deleted and
// UID EXPUNGE of that one UID (RFC 4315). With neither it does nothing:
// a plain EXPUNGE would also delete every message the user had marked
// \Deleted (imapclient.Client.Move falls back to exactly that, so it is
// called only when the server has MOVE).
func (w *Watcher) move(ctx context.Context, s *session, set imap.UIDSet, dest string) error {
	switch {
	case s.caps.Has(imap.CapMove):
		return s.do(ctx, "move to "+dest, func() error {
			_, err := s.c.Move(set, dest).Wait()
			return err
		})
	case s.caps.Has(imap.CapUIDPlus):
		if err := s.do(ctx, "copy to "+dest, func() error {
			_, err := s.c.Copy(set, dest).Wait()
			return err
		}); err != nil {
			return err
		}
		if err := s.do(ctx, "mark deleted", func() error {
			return s.c.Store(set, &imap.StoreFlags{
				Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted},
			}, nil).Close()
		}); err != nil {
			return err
		}
		return s.do(ctx, "expunge moved message", func() error { return s.c.UIDExpunge(set).Close() })
	default:
		if !s.warnedNoMove {
			s.warnedNoMove = true
			w.log.Warn("the server has neither MOVE nor UIDPLUS: handled messages stay in the mailbox, marked seen",
				"processed_mailbox", dest)
		}
		return nil
	}
}

// rejectedWith reports whether err is the server's NO or BAD with code.
func rejectedWith(err error, code imap.ResponseCode) bool {
	e, ok := errors.AsType[*imap.Error](err)
	return ok && e.Code == code
}

// poll waits Poll, then sends NOOP, which both checks that the connection
// is alive and lets the server report new mail (RFC 9051 §6.1.2); the next
// pass searches for it.
func (w *Watcher) poll(ctx context.Context, s *session) error {
	if err := w.sleep(ctx, w.o.Poll, "poll"); err != nil {
		return err
	}
	return s.do(ctx, "noop", func() error { return s.c.Noop().Wait() })
}

// idle waits in IDLE (RFC 2177) until the server reports new mail, ReIdle
// passes, or, when retry is set, Poll passes so that a message the Handler
// asked to retry is handed over again.
func (w *Watcher) idle(ctx context.Context, s *session, retry bool) error {
	// An EXISTS that came in during the pass may be for mail the pass
	// did not see: look again before settling down.
	select {
	case <-s.exists:
		return nil
	default:
	}
	var cmd *imapclient.IdleCommand
	if err := s.do(ctx, "idle", func() (err error) {
		cmd, err = s.c.Idle()
		return err
	}); err != nil {
		return err
	}
	reidle := w.o.Clock.NewTimer(w.o.ReIdle)
	defer reidle.Stop()
	var retryC <-chan time.Time
	if retry {
		t := w.o.Clock.NewTimer(w.o.Poll)
		defer t.Stop()
		retryC = t.C()
	}
	w.tracef("idle")
	var closed bool
	select {
	case <-ctx.Done():
	case <-s.exists:
	case <-reidle.C():
	case <-retryC:
	case <-s.c.Closed():
		closed = true
	}
	// DONE ends IDLE, and the server then completes the command. On
	// shutdown too, within the Timeout, so that LOGOUT follows cleanly.
	err := s.do(context.WithoutCancel(ctx), "end idle", func() error {
		if err := cmd.Close(); err != nil {
			return err
		}
		return cmd.Wait()
	})
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case closed:
		return errClosed
	}
	return err
}
