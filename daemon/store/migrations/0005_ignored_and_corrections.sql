-- Version 5: emails leadup did not act on, and replies that change the log
-- later (a reply to a confirmation corrects or undoes what was logged).

-- closed_by is the Message-ID of the reply that closed an item, so that
-- "undo" reopens what that reply closed.
ALTER TABLE items ADD COLUMN closed_by TEXT;

-- source is the line an item was read from, and inferred says leadup
-- guessed its kind or owner from the wording: the confirmation quotes the
-- line so that a wrong guess shows, and one reply line fixes it.
ALTER TABLE items ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN inferred INTEGER NOT NULL DEFAULT 0;

-- ignored_mail keeps the latest emails from the user that leadup did not
-- act on, with the reason, for `leadup status`. It is trimmed as it grows.
CREATE TABLE ignored_mail (
	id         INTEGER PRIMARY KEY,
	message_id TEXT NOT NULL,
	from_addr  TEXT NOT NULL,
	subject    TEXT NOT NULL,
	reason     TEXT NOT NULL,
	at         INTEGER NOT NULL
) STRICT;
