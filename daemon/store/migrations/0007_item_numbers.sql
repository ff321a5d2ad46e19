-- Version 7: items get short numbers. The numbers the user sees and types
-- ("done 7", "7 owner Priya") were row ids, shared with every kind, so
-- action items went 7, 12, 33. Now the things that can be closed (action
-- items, feedback and talking points) are numbered 1, 2, 3… in one sequence
-- per install; decisions and notes take no number, unless they were
-- guessed from the wording, so that the user can fix a wrong guess by its
-- number.
ALTER TABLE items ADD COLUMN number INTEGER;

-- Existing items are numbered in the order they were logged.
UPDATE items SET number = n.number
	FROM (SELECT id, row_number() OVER (ORDER BY id) AS number FROM items
		WHERE kind IN ('action', 'feedback', 'point') OR inferred = 1) AS n
	WHERE items.id = n.id;

CREATE UNIQUE INDEX items_by_number ON items (number) WHERE number IS NOT NULL;

-- item_numbers holds, in its one row, the last number given, so that a
-- number is never given twice, even after "undo" removed its item; and
-- legacy_before, the first outbox id written with numbers: emails below it
-- showed row ids, and a number in a reply to one of them is read as a row
-- id, so that "done 12" typed under an old follow-up closes what it showed
-- as 12.
CREATE TABLE item_numbers (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	last          INTEGER NOT NULL,
	legacy_before INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO item_numbers (id, last, legacy_before)
	SELECT 1, coalesce((SELECT max(number) FROM items), 0),
		CASE WHEN EXISTS (SELECT 1 FROM items) THEN coalesce((SELECT max(id) FROM outbox), 0) + 1 ELSE 0 END;
