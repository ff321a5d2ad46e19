// Package store keeps leadup's state in an embedded SQLite database (pure Go,
// through modernc.org/sqlite, no cgo): the meetings with a boss and the
// invitations awaiting an answer, the calendar sync cursors, the outbox, the
// meeting log (items and the replies that logged them), the emails ignored,
// and the mailbox checkpoint.
//
// # On disk
//
// The database is leadup.db in the state directory (0700), with its -wal and
// -shm files, all mode 0600; Open creates the file before SQLite does, so
// that SQLite gives the other two its mode, and makes an existing one private
// with a warning. It runs in WAL mode with synchronous=FULL (a committed
// outbox row survives power loss), _txlock=immediate (writers queue on
// busy_timeout instead of failing on upgrade), a 512 KiB page cache per
// connection and one idle connection. A write that finds the disk full says
// so with the path (ErrDiskFull).
//
// # Schema
//
// schema.sql is the schema of a new database; migrations/NNNN_*.sql bring an
// older one to the same place, in order, in one transaction, versioned by
// PRAGMA user_version (migrate.go). TestMigrationsMatchSchema checks that the
// two agree. SQLite cannot alter a CHECK, so a migration that adds an outbox
// kind or state rebuilds the table. A database newer than the binary, or
// with a version leadup never writes, is refused.
//
//   - 0001: meetings and the calendar sync state;
//   - 0002: the outbox and the meeting log (items);
//   - 0003: replies (each processed email, by Message-ID), items' link to
//     their reply, the mailbox checkpoint, and confirmations in the outbox;
//   - 0004: the weekly digest in the outbox, the first kind with no meeting,
//     one a week;
//   - 0005: on items, the reply that closed one (for undo), the line it was
//     read from and whether it was guessed; ignored_mail;
//   - 0006: the catch-up after downtime and the skipped follow-ups it names;
//     invitations;
//   - 0007: items' numbers, the ones the user sees and types: 1, 2, 3… over
//     actions, feedback, talking points and guessed items, never given
//     twice (the counter item_numbers), existing items numbered in the
//     order they were logged; a reply to an email written before reads the
//     row ids it showed;
//   - 0008: indexes for a brief's "last time", one boss's meetings by start
//     and replies by meeting;
//   - 0009: nudges in the outbox, of no meeting, one per gap with a boss;
//     an index of the meetings held, by boss and start.
//
// Meetings are never deleted: a cancelled one keeps its row, because the
// emails sent and the items logged refer to it.
//
// # Reading only
//
// OpenReadOnly opens the database for the commands that only report
// (status, items, log, preview, meetings -offline): no migration, no chmod,
// no file created, every write refused with ErrReadOnly. readonly.go says
// how it reads beside a running daemon and in a read-only directory.
package store
