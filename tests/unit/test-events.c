/*
 * Unit tests of lib/events, the one queue of events oms-allocate and
 * oms-route write in batches: events reach the store in the order they
 * were added, across the batch boundary (EVENTS_BATCH), with their order
 * ids, types and payloads as given; after events_drop (a failure
 * elsewhere) nothing queued or added later is written.  On the smallest
 * store: a new one in a temporary directory.  Prints TAP-style
 * "ok"/"not ok" lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "events.h"
#include "store.h"

static int failures, count;

static void
check(int ok, const char *what)
{
	count++;
	if (!ok)
		failures++;
	printf("%s %d events: %s\n", ok ? "ok" : "not ok", count, what);
}

#define N (2 * EVENTS_BATCH + 7)	/* two full batches and some */

static const char *const ids[] = { "O1", "O2", NULL };

/* What the store holds: each event checked against what was added. */
struct seen {
	long n, wrong;
};

static int
event_row(void *ctx, struct store_event_row *e)
{
	struct seen *s = ctx;
	const char *id = ids[s->n % 3];
	char payload[32];

	snprintf(payload, sizeof payload, "{\"i\":%ld}", s->n);
	if ((id == NULL ? e->v[2] != NULL : e->v[2] == NULL || strcmp(e->v[2], id) != 0) ||
	    strcmp(e->v[3], s->n % 2 ? "test.odd" : "test.even") != 0 ||
	    strcmp(e->v[4], payload) != 0)
		s->wrong++;
	s->n++;
	return 0;
}

static void
cases(struct store *st)
{
	struct events q;
	struct seen s = { 0, 0 };
	char payload[32];
	int i, ret = 0;

	events_init(&q, st);
	for (i = 0; i < N && ret == 0; i++) {
		snprintf(payload, sizeof payload, "{\"i\":%d}", i);
		ret = events_add(&q, ids[i % 3], i % 2 ? "test.odd" : "test.even", payload);
	}
	check(ret == 0 && q.n == N - 2 * EVENTS_BATCH, "full batches are written as they fill");
	check(events_flush(&q) == 0 && q.n == 0, "the rest is written by events_flush");
	check(store_events_range(st, 0, INT64_MAX, NULL, event_row, &s) == 0 && s.n == N,
	    "every event is in the store, once");
	check(s.wrong == 0, "in the order added, with their order ids, types and payloads");

	events_add(&q, "O1", "test.dropped", "{}");
	events_drop(&q);
	check(q.n == 0, "events_drop lets go of what is queued");
	events_add(&q, "O1", "test.dropped", "{}");
	check(events_flush(&q) == 0 && store_event_last(st) == N,
	    "after a drop nothing more is written");
	events_release(&q);
}

int
main(void)
{
	char dir[] = "/tmp/oms-test-events.XXXXXX", path[64];
	struct store *st = NULL;

	diag_prog = "test-events";
	if (mkdtemp(dir) == NULL) {
		check(0, "a temporary directory for the store");
		return 1;
	}
	snprintf(path, sizeof path, "%s/oms.db", dir);
	if (store_open(&st, path, 1000, 0) == 0 && store_begin(st) == 0) {
		check(1, "a new store, a transaction");
		cases(st);
		store_rollback(st);
	} else {
		check(0, "a new store, a transaction");
	}
	if (st != NULL)
		store_close(st);
	unlink(path);
	snprintf(path, sizeof path, "%s/oms.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/oms.db-shm", dir);
	unlink(path);
	rmdir(dir);
	printf("1..%d\n", count);
	return failures != 0;
}
