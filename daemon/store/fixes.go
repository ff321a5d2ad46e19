package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Ops of a Fix.
const (
	FixOwner     = "owner"      // set an action's owner
	FixDue       = "due"        // set or clear an action's due date
	FixKind      = "kind"       // make the item another kind
	FixText      = "text"       // replace the item's text
	FixUndo      = "undo"       // remove the item
	FixUndoReply = "undo reply" // remove what one reply logged, reopen what it closed
)

// Fix is one correction of the log, written in reply to a confirmation.
type Fix struct {
	Op    string
	ID    int64     // the item; 0 for FixUndoReply
	Owner string    // FixOwner; FixKind to an action ("me" if empty)
	Due   time.Time // FixDue; zero clears the date
	Kind  string    // FixKind
	Text  string    // FixText
	Reply string    // FixUndoReply: the Message-ID of the reply to undo
}

// Fixed is what became of a Fix.
type Fixed struct {
	Fix
	// Item is the item after the fix (before it, for FixUndo).
	Item Item
	// Removed and Reopened are what FixUndoReply took back.
	Removed, Reopened []Item
	// Problem says why the fix was not applied; "" when it was.
	Problem string
}

// errNoItem is the Problem of a fix naming no item.
var errNoItem = errors.New("no item has that number")

// applyFix applies one fix inside a transaction. A fix that cannot apply
// (no such item, an owner for a decision) is returned with its Problem set,
// not as an error: the rest of the reply still counts.
func applyFix(ctx context.Context, tx *sql.Tx, f Fix, now time.Time) (Fixed, error) {
	out := Fixed{Fix: f}
	if f.Op == FixUndoReply {
		return undoReply(ctx, tx, out, now)
	}
	it, err := itemTx(ctx, tx, f.ID)
	if errors.Is(err, errNoItem) {
		out.Problem = fmt.Sprintf("no item has the number %d", f.ID)
		return out, nil
	}
	if err != nil {
		return out, err
	}
	switch f.Op {
	case FixUndo:
		out.Item = it
		_, err = tx.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, it.ID)
		return out, wrapFix(f, err)
	case FixOwner:
		if it.Kind != ItemAction {
			out.Item, out.Problem = it, fmt.Sprintf("%d is a %s, and only action items have an owner", it.ID, kindName(it.Kind))
			return out, nil
		}
		it.Owner = f.Owner
	case FixDue:
		if it.Kind != ItemAction {
			out.Item, out.Problem = it, fmt.Sprintf("%d is a %s, and only action items have a due date", it.ID, kindName(it.Kind))
			return out, nil
		}
		it.Due = f.Due
	case FixKind:
		if f.Kind == ItemAction && it.Kind != ItemAction {
			it.Owner = f.Owner
			if it.Owner == "" {
				it.Owner = "me"
			}
		}
		if f.Kind != ItemAction {
			it.Owner, it.Due = "", time.Time{}
		}
		it.Kind = f.Kind
	case FixText:
		it.Text = f.Text
	default:
		return out, fmt.Errorf("fix item %d: unknown op %q", f.ID, f.Op)
	}
	// The user has now said what the item is: no longer a guess.
	it.Inferred = false
	_, err = tx.ExecContext(ctx, `UPDATE items SET kind = ?, owner = ?, text = ?, due_at = ?, inferred = 0 WHERE id = ?`,
		it.Kind, it.Owner, it.Text, unixOrNull(it.Due), it.ID)
	out.Item = it
	return out, wrapFix(f, err)
}

// undoReply removes the items a reply added and reopens those it closed.
func undoReply(ctx context.Context, tx *sql.Tx, out Fixed, now time.Time) (Fixed, error) {
	var err error
	if out.Removed, err = itemsTx(ctx, tx, `reply_id = ? ORDER BY id`, out.Reply); err != nil {
		return out, err
	}
	if out.Reopened, err = itemsTx(ctx, tx, `closed_by = ? ORDER BY id`, out.Reply); err != nil {
		return out, err
	}
	if len(out.Removed)+len(out.Reopened) == 0 {
		out.Problem = "that email logged nothing that is still there to undo"
		return out, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM items WHERE reply_id = ?`, out.Reply); err != nil {
		return out, wrapFix(out.Fix, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE items SET done_at = NULL, closed_by = NULL WHERE closed_by = ?`, out.Reply)
	return out, wrapFix(out.Fix, err)
}

func wrapFix(f Fix, err error) error {
	if err != nil {
		return fmt.Errorf("apply %s to item %d: %w", f.Op, f.ID, err)
	}
	return nil
}

// itemTx reads one item inside a transaction.
func itemTx(ctx context.Context, tx *sql.Tx, id int64) (Item, error) {
	items, err := itemsTx(ctx, tx, `id = ?`, id)
	if err != nil {
		return Item{}, err
	}
	if len(items) == 0 {
		return Item{}, errNoItem
	}
	return items[0], nil
}

func itemsTx(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]Item, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	return scanItems(rows)
}

// kindName is how a kind reads in a sentence.
func kindName(kind string) string {
	switch kind {
	case ItemAction:
		return "action item"
	case ItemPoint:
		return "talking point"
	}
	return kind
}
