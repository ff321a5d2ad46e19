package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// errNoItem is the Problem of a fix naming no item.
var errNoItem = errors.New("no item has that number")

// applyFix applies one fix inside a transaction. A fix that cannot apply
// (no such item, an owner for a decision) is returned with its Problem set,
// not as an error: the rest of the reply still counts. f.ID is the number
// the user typed, a row id if legacy (see legacyNumbers).
func applyFix(ctx context.Context, tx *sql.Tx, f meetinglog.Fix, legacy bool, now time.Time) (meetinglog.Fixed, error) {
	out := meetinglog.Fixed{Fix: f}
	if f.Op == meetinglog.FixUndoReply {
		return undoReply(ctx, tx, out, now)
	}
	it, err := itemTx(ctx, tx, f.ID, legacy)
	if errors.Is(err, errNoItem) {
		out.Problem = fmt.Sprintf("no item has the number %d", f.ID)
		return out, nil
	}
	if err != nil {
		return out, err
	}
	switch f.Op {
	case meetinglog.FixUndo:
		out.Item = it
		// Its number goes with it, never to be given again.
		_, err = tx.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, it.Row)
		return out, wrapFix(f, err)
	case meetinglog.FixOwner:
		if it.Kind != meetinglog.Action {
			out.Item, out.Problem = it, fmt.Sprintf("%d is a %s, and only action items have an owner", f.ID, it.Kind.Noun())
			return out, nil
		}
		it.Owner = f.Owner
	case meetinglog.FixDue:
		if it.Kind != meetinglog.Action {
			out.Item, out.Problem = it, fmt.Sprintf("%d is a %s, and only action items have a due date", f.ID, it.Kind.Noun())
			return out, nil
		}
		it.Due = f.Due
	case meetinglog.FixKind:
		if f.Kind == meetinglog.Action && it.Kind != meetinglog.Action {
			it.Owner = f.Owner
			if it.Owner == "" {
				it.Owner = "me"
			}
		}
		if f.Kind != meetinglog.Action {
			it.Owner, it.Due = "", time.Time{}
		}
		it.Kind = f.Kind
		if it.ID == 0 && it.Kind.Numbered() {
			// A decision or note (found by its row id in a reply to an
			// email from before numbers) becomes something to close:
			// it needs a number to be closed by. An item keeps the
			// number it has when it becomes a decision or a note, so
			// that the number the user just typed stays its own.
			if it.ID, err = nextNumber(ctx, tx); err != nil {
				return out, wrapFix(f, err)
			}
		}
	case meetinglog.FixText:
		it.Text = f.Text
	default:
		return out, fmt.Errorf("fix item %d: unknown op %q", f.ID, f.Op)
	}
	// The user has now said what the item is: no longer a guess.
	it.Inferred = false
	var number any
	if it.ID != 0 {
		number = it.ID
	}
	_, err = tx.ExecContext(ctx, `UPDATE items SET kind = ?, owner = ?, text = ?, due_at = ?, inferred = 0, number = ? WHERE id = ?`,
		string(it.Kind), it.Owner, it.Text, unixOrNull(it.Due), number, it.Row)
	out.Item = it
	return out, wrapFix(f, err)
}

// undoReply removes the items a reply added and reopens those it closed.
func undoReply(ctx context.Context, tx *sql.Tx, out meetinglog.Fixed, now time.Time) (meetinglog.Fixed, error) {
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

func wrapFix(f meetinglog.Fix, err error) error {
	if err != nil {
		return fmt.Errorf("apply %s to item %d: %w", f.Op, f.ID, err)
	}
	return nil
}

// itemTx reads the item numbered n (with row id n if legacy) inside a
// transaction.
func itemTx(ctx context.Context, tx *sql.Tx, n int64, legacy bool) (meetinglog.Item, error) {
	items, err := itemsTx(ctx, tx, byNumber(legacy), n)
	if err != nil {
		return meetinglog.Item{}, err
	}
	if len(items) == 0 {
		return meetinglog.Item{}, errNoItem
	}
	return items[0], nil
}

func itemsTx(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]meetinglog.Item, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	return scanItems(rows)
}
