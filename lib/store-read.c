/*
 * store-read: read snapshots, one connection's (store_read_begin) or
 * several connections' on one snapshot (store_read_together).
 */
#include <stdlib.h>

#include "diag.h"
#include "store-int.h"

static const char read_what[] = "starting to read the store";

int
store_read_begin(struct store *st)
{
	int64_t v;

	store_read_end(st);
	/*
	 * BEGIN alone takes no snapshot: the first read does.  The schema
	 * version is a read of the database header, so the snapshot is the
	 * store as it is now.
	 */
	if (store_exec(st, "BEGIN", read_what) != 0)
		return -1;
	st->in_read = 1;
	if (store_once_int(st, "PRAGMA schema_version", &v, read_what) != 0) {
		store_read_end(st);
		return -1;
	}
	return 0;
}

void
store_read_end(struct store *st)
{
	sqlite3_stmt *s = NULL;

	if (!st->in_read)
		return;
	/* a statement still stepping would keep the snapshot past the COMMIT */
	while ((s = sqlite3_next_stmt(st->db, s)) != NULL)
		if (sqlite3_stmt_busy(s))
			sqlite3_reset(s);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_read = 0;
}

void
store_status_from(struct store *st, const struct store *other)
{
	st->status = store_status(other);
}

/*
 * A test hook, like OMS_KILL_AFTER (compiled only into the test build):
 * OMS_READ_RACE is SQL that store_read_together commits, from a
 * connection of its own, in the window between its two reads of
 * data_version (after st and all the other connections but the last have
 * begun reading), at the first OMS_READ_RACE_TIMES (default 1) of its
 * tries.  Unset, it costs nothing.
 */
#ifdef OMS_TEST_HOOKS
static void
read_race(struct store *st, int try)
{
	const char *race = getenv("OMS_READ_RACE"), *times = getenv("OMS_READ_RACE_TIMES");
	sqlite3 *db;
	char *err = NULL;

	if (race == NULL || *race == '\0' || try >= (times ? atoi(times) : 1))
		return;
	if (sqlite3_open_v2(st->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    (sqlite3_busy_timeout(db, st->busy_ms),
	    sqlite3_exec(db, race, NULL, NULL, &err)) != SQLITE_OK)
		diag_error("OMS_READ_RACE: %s", err ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	sqlite3_close(db);
}
#else
#define read_race(st, try) ((void)(st), (void)(try))
#endif

#define READ_TRIES 3

/*
 * Several connections on one snapshot, without sqlite3_snapshot_* (not in
 * this SQLite) and without the write lock (the reader may not be allowed
 * to write).  The last connection, P, reads PRAGMA data_version outside
 * any transaction (dv0); then st and every other connection BEGIN and
 * make their first read, which fixes each one's snapshot; last, P
 * BEGINs and reads data_version again (dv1) as its first read, which
 * fixes P's snapshot.  SQLite promises that two reads of data_version on
 * one connection differ if any other connection committed between them
 * (in WAL mode a commit changes the WAL index header, which a reader
 * compares when it begins, and the pager counts the change).  So when
 * dv0 == dv1, nothing was committed from P's first read to P's second,
 * and every connection's snapshot was taken in that interval: they all
 * see the same store.  A spurious difference only costs a try.
 */
int
store_read_together(struct store *st, struct store **others, int n)
{
	struct store *p;
	int64_t dv0, dv1;
	int i, try, status = 0;

	for (i = 0; i < n; i++)
		others[i] = NULL;
	for (i = 0; i < n && status == 0; i++)
		status = store_open_again(st, &others[i]);
	if (status != 0)
		goto fail;
	p = n > 0 ? others[n - 1] : NULL;
	for (try = 0; p != NULL && try < READ_TRIES; try++) {
		store_read_end(st);
		for (i = 0; i < n; i++)
			store_read_end(others[i]);
		if (store_once_int(p, "PRAGMA data_version", &dv0, read_what) != 0) {
			status = store_status(p);
			goto fail;
		}
		if (store_read_begin(st) != 0) {
			status = store_status(st);
			goto fail;
		}
		for (i = 0; i < n - 1; i++)
			if (store_read_begin(others[i]) != 0) {
				status = store_status(others[i]);
				goto fail;
			}
		read_race(st, try);
		if (store_exec(p, "BEGIN", read_what) != 0) {
			status = store_status(p);
			goto fail;
		}
		p->in_read = 1;
		if (store_once_int(p, "PRAGMA data_version", &dv1, read_what) != 0) {
			status = store_status(p);
			goto fail;
		}
		if (dv0 == dv1)
			return 0;
		if (try + 1 < READ_TRIES)
			diag_info("%s: the store changed while its readers began; again", st->path);
	}
	/* the store keeps changing (or n is 0): st reads alone */
	if (p != NULL)
		diag_info("%s: the store keeps changing: one reader", st->path);
	for (i = 0; i < n; i++) {
		store_close(others[i]);
		others[i] = NULL;
	}
	if (store_read_begin(st) != 0)
		return store_status(st);
	return 0;
fail:
	for (i = 0; i < n; i++) {
		store_close(others[i]);
		others[i] = NULL;
	}
	store_read_end(st);
	st->status = status;
	return status;
}

