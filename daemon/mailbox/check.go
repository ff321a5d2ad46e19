package mailbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Delivered reports whether a message with this Message-ID is in the
// mailbox (UID SEARCH HEADER Message-ID), over a short-lived connection: the
// outbox asks it after a crash left it unsure whether a message went out.
// The angle brackets around messageID are optional.
func (w *Watcher) Delivered(ctx context.Context, messageID string) (bool, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(messageID), "<"), ">")
	if id == "" || strings.ContainsAny(id, "<> \t\r\n") {
		return false, fmt.Errorf("mailbox: malformed Message-ID %q", messageID)
	}
	s, err := w.connect(ctx)
	if err != nil {
		return false, fmt.Errorf("look for %s: %w", messageID, err)
	}
	defer s.logout()
	if err := s.selectMailbox(ctx, w.o.Mailbox, true); err != nil {
		return false, fmt.Errorf("look for %s: %w", messageID, err)
	}
	// HEADER matches a substring (RFC 9051 §6.4.4). With the brackets in
	// the key, "<a@x>" cannot match inside another id such as "<ba@x>".
	uids, err := s.search(ctx, "search Message-ID", &imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + id + ">"}},
	})
	if err != nil {
		return false, fmt.Errorf("look for %s: %w", messageID, err)
	}
	return len(uids) > 0, nil
}

// Check connects, logs in, opens the mailbox read-only (EXAMINE, which
// changes nothing) and reports whether the server supports IDLE. It is what
// `leadup check` runs to try the configuration.
func (w *Watcher) Check(ctx context.Context) (idle bool, err error) {
	s, err := w.connect(ctx)
	if err != nil {
		return false, fmt.Errorf("check %s: %w", w.addr, err)
	}
	defer s.logout()
	if err := s.selectMailbox(ctx, w.o.Mailbox, true); err != nil {
		return false, fmt.Errorf("check %s: %w", w.addr, err)
	}
	return s.caps.Has(imap.CapIdle), nil
}
