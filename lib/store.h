#ifndef OMS_STORE_H
#define OMS_STORE_H
/*
 * store: the only code that speaks SQL.  One SQLite file shared by every
 * command, created with its schema (share/schema) on first use and
 * migrated forward; WAL, a busy timeout, foreign keys on.
 *
 * Errors: functions returning int give 0 (or a documented count/enum) on
 * success and -1 after a diagnostic, with store_status() holding the exit
 * status to use (75 busy, 74 I/O, 70 anything unexpected).
 *
 * This header is the core: opening, transactions and savepoints, the run
 * log, events, rows, read snapshots.  Each subject has its own header:
 * store-import.h, store-alloc.h, store-route.h, store-release.h,
 * store-order.h, store-return.h, store-views.h, store-check.h,
 * store-scan.h, store-supply.h and store-sourcing.h; a caller includes
 * those it uses.
 */
#include <stdint.h>

#include "model.h"
#include "util.h"

struct store;

/* Where the store lives: path, else $OMS_DB, else ./oms.db. */
const char *store_path(const char *path);

/*
 * Open (creating and migrating unless readonly) the store at path.
 * Returns 0 and *st, or an exit status after a diagnostic.
 */
int store_open(struct store **st, const char *path, int busy_ms, int readonly);
void store_close(struct store *st);
/*
 * Before the first store_open: the process may then use several
 * connections, each in one thread at a time.  store_open_again opens
 * another read-only connection to st's store, for a worker thread.
 */
void store_threads(void);
int store_open_again(const struct store *st, struct store **again);
int store_status(const struct store *st);

/*
 * The one write transaction of a command run (BEGIN IMMEDIATE).
 * store_begin fails with exit 75 when the store was removed by
 * store_discard_new while it waited for the lock.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/*
 * A run that commits nothing (it failed, or a dry run) leaves no store it
 * made: when store_open created the file and no other run was committed
 * to it, remove it with its -wal and -shm, while the transaction holds
 * the write lock, and roll back: 1.  Else 0, nothing done.
 */
int store_discard_new(struct store *st);

/*
 * The run log, written in the run's own transaction, so that a run that
 * commits is on record with its end, and one that is killed or finds the
 * store busy leaves nothing: store_run_start (after store_begin) records
 * the command; store_run_end its end, exit status and counts (a JSON
 * object), before store_commit.  After store_run_start, store_rollback
 * undoes the work but keeps the run row, and the transaction open for
 * store_run_end and store_commit.
 */
int store_run_start(struct store *st, const char *command, int argc, char **argv);
int store_run_end(struct store *st, int exit_status, const char *counts_json);
/* The time the run started, "YYYY-MM-DDTHH:MM:SSZ". */
const char *store_run_time(const struct store *st);
/* This run's id (0 under --dry-run or before store_run_start). */
int64_t store_run_id(const struct store *st);

/* Append an event to the outbox; payload is a JSON object text. */
int store_event(struct store *st, const char *order_id, const char *type,
	const char *payload_json);
/* Append n events, many rows to a statement (for runs that write many). */
struct event_row {
	const char *order_id, *type, *payload;
};
int store_events(struct store *st, const struct event_row *e, int n);

/*
 * A savepoint inside the run's transaction, to undo one order's writes:
 * begun, then ended (its writes kept), or undone (and ended).  0 or -1.
 */
int store_savepoint_begin(struct store *st);
int store_savepoint_end(struct store *st);
int store_savepoint_undo(struct store *st);

/*
 * The check of a line's counts as they are written (oms(7), "Line
 * counts"): order_id's line line_no as the store now has it, by the rules
 * of line_counts_broken (model.h).  0 when it keeps them (or there is no
 * such line); else -1 after a diagnostic that names the line, the rule
 * and the counts, with store_status EX_SOFTWARE (oms made the write, and
 * oms is wrong, or the store was edited by other means), and the caller's
 * run rolls back as on any failed write.  A writer that can raise what a
 * line holds calls it once the line's writes are all done:
 * store_line_set and store_receipt_add do, and oms-route after each line
 * it places.  A release (routed to released) and a confirmation
 * (released to shipped, short or cancelled) move units and cannot raise
 * them (line_node's released and routed are never below 0);
 * oms-allocate's write-back sets allocated + backordered to the open
 * quantity it read (an assert in alloc-run.c's decide).
 */
int store_line_check(struct store *st, const char *order_id, int64_t line_no,
	const char *what);

/* Reading the event log (store-views.c). */
/* The last event's seq (0: none yet), or -1 after a diagnostic. */
int64_t store_event_last(struct store *st);
/*
 * An event as store_events_range reads it: its seq, and v[1..4] its at,
 * order_id (NULL: of no order), type and payload, each len[i] bytes (the
 * strings live until fn returns; v[0] is the caller's).
 */
struct store_event_row {
	int64_t seq;
	const char *v[5];
	size_t len[5];
};
/*
 * The events after seq `after` up to seq `upto`, of the types in types
 * (NULL or empty: any), by seq.  The log is only ever appended to, in seq order, so a
 * range below a seq once seen is the same in every later snapshot.  fn
 * returns 0 to go on, 1 to stop, -1 for a failure; 0 or -1.
 */
int store_events_range(struct store *st, int64_t after, int64_t upto,
	const struct strv *types, int (*fn)(void *ctx, struct store_event_row *e), void *ctx);

/* --- read snapshots (store-read.c) --- */
/*
 * One snapshot for all a view reads: a read transaction (BEGIN, and a
 * first read that fixes the snapshot now).  A writer that commits while
 * it is open changes nothing it reads; it never takes the write lock.
 * store_read_begin ends the one st had, if any; store_close ends it too.
 * 0, or -1 after a diagnostic.
 */
int store_read_begin(struct store *st);
void store_read_end(struct store *st);
/*
 * n more connections (store_threads) that read the snapshot st reads:
 * st's read transaction, if any, is ended (call it before reading
 * anything) and st and others[0..n-1] each begin one, proven to be of
 * the same snapshot (see store.c).  Returns 0 with the connections, for
 * the caller to store_close; or 0 with others all NULL when the store
 * kept changing while they began: st alone in a read transaction, and
 * the caller works in one thread.  Else an exit status after a
 * diagnostic (also st's store_status), and no read transaction.
 * Test hook (test build only): OMS_READ_RACE, OMS_READ_RACE_TIMES (see
 * store.c).
 */
int store_read_together(struct store *st, struct store **others, int n);
/* Take other's exit status as st's (a worker's failure is the view's). */
void store_status_from(struct store *st, const struct store *other);


#endif
