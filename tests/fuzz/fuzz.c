/*
 * fuzz.c: one libFuzzer target per input path of oms, chosen at compile
 * time with -DFUZZ_<TARGET> (see tests/fuzz/README and the Makefile's
 * fuzz rules).
 *
 * Each execution feeds the bytes through the real reader (lib/input.c:
 * CSV, or JSON when the text starts with '[' or '{'; JSON Lines for the
 * jsonl target) and the real validation and store code, inside one
 * transaction on a real store that is rolled back afterwards.  The store
 * is made once per process in a temporary directory: the nodes, items,
 * inventory, customers and orders of tests/data, allocated, routed and
 * released, some released lines shipped, and one return authorised, so
 * that confirmations, changes and returns meet real ids.
 *
 * The -rejects variants take the same inputs with a rejects file
 * (/dev/null), so that bad rows are copied out and good ones kept.
 *
 * The input reaches the reader as a file: an in-memory file (memfd)
 * opened by its /proc/self/fd path, so nothing touches the disk.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sqlite3.h>

#include "alloc.h"
#include "diag.h"
#include "import.h"
#include "input.h"
#include "model.h"
#include "order.h"
#include "output.h"
#include "release.h"
#include "returns.h"
#include "route.h"
#include "store.h"

#ifndef OMS_SRCDIR
#error "build with -DOMS_SRCDIR=\"...\" (the source tree, for tests/data)"
#endif

static struct store *st;
static FILE *devnull;
static int memfd = -1;
static char mempath[64];
static char dir[] = "/tmp/oms-fuzz-XXXXXX";
static char dbpath[sizeof dir + 16];

static void die(const char *what) __attribute__((noreturn));

static void
die(const char *what)
{
	fprintf(stderr, "fuzz setup: %s failed\n", what);
	abort();
}

/*
 * A fresh connection for each step of the set-up, as each command is its
 * own process (the import's work table of keys seen lives as long as the
 * connection).
 */
static void
reopen(void)
{
	store_close(st);
	if (store_open(&st, dbpath, 0, 0) != 0)
		die("store_open");
}

static void
import_one(int kind, int delta, const char *file)
{
	struct import_opts o = { .kind = kind, .delta = delta, .max_rejects = -1 };
	struct import_counts n;
	char path[1024];
	char *files[1] = { path };

	snprintf(path, sizeof path, "%s/tests/data/%s", OMS_SRCDIR, file);
	reopen();
	if (store_begin(st) != 0 || import_files(st, &o, 1, files, &n) != 0 ||
	    store_commit(st) != 0)
		die(file);
}

/* Write text to a file in the temporary directory; returns its path. */
static char *
scratch(const char *name, const char *text)
{
	static char path[sizeof dir + 64];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
		die(name);
	return path;
}

/*
 * Hand over every other released line, in full, by a confirmation file:
 * shipped for ship and locker lines, picked_up for pickup and curbside
 * (the status the node would send; the other is refused).
 */
static void
ship_some(void)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	struct buf text = BUF_INIT;
	struct confirm_counts n;
	char *files[1];
	int i = 0;

	if (sqlite3_open(dbpath, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT r.release_id, r.line_no, r.qty, l.method "
	    "FROM release_line r JOIN order_line l USING (order_id, line_no) "
	    "ORDER BY r.release_id, r.line_no", -1, &s, NULL) != SQLITE_OK)
		die("reading releases");
	buf_adds(&text, "release_id,line_no,status,qty,carrier,tracking,at\n");
	while (sqlite3_step(s) == SQLITE_ROW)
		if (i++ % 2 == 0)
			buf_addf(&text, "%s,%lld,%s,%lld,UPS,1Z%d,%s\n",
			    (const char *)sqlite3_column_text(s, 0),
			    (long long)sqlite3_column_int64(s, 1),
			    method_handed_over((const char *)sqlite3_column_text(s, 3)) ?
			    "picked_up" : "shipped",
			    (long long)sqlite3_column_int64(s, 2), i, store_run_time(st));
	sqlite3_finalize(s);
	sqlite3_close(db);
	files[0] = scratch("confirm.csv", text.s);
	reopen();
	buf_release(&text);
	if (store_begin(st) != 0 || release_confirm(st, files, 1, INFMT_CSV, &n) != 0 ||
	    store_commit(st) != 0)
		die("confirming");
}

static void
returns_opts_init(struct returns_opts *o, enum returns_cmd cmd)
{
	memset(o, 0, sizeof *o);
	o->cmd = cmd;
	o->max_rejects = -1;
	o->window_days = RETURNS_WINDOW_DAYS;
	memcpy(o->fee, returns_default_fee, sizeof o->fee);
	o->input_format = INFMT_AUTO;
}

/* Authorise the return of one unit of the first shipped line. */
static void
authorise_one(void)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	struct buf text = BUF_INIT;
	struct returns_opts o;
	struct returns_counts n;
	char *files[1];

	if (sqlite3_open(dbpath, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT order_id, line_no FROM order_line "
	    "WHERE shipped > 0 ORDER BY order_id, line_no LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		die("reading shipped lines");
	buf_adds(&text, "order_id,line_no,qty,reason,channel,node_id\n");
	if (sqlite3_step(s) == SQLITE_ROW)
		buf_addf(&text, "%s,%lld,1,changed_mind,mail,DC1\n",
		    (const char *)sqlite3_column_text(s, 0),
		    (long long)sqlite3_column_int64(s, 1));
	sqlite3_finalize(s);
	sqlite3_close(db);
	files[0] = scratch("authorise.csv", text.s);
	reopen();
	buf_release(&text);
	returns_opts_init(&o, RETURNS_AUTHORIZE);
	if (store_begin(st) != 0 || returns_run(st, &o, 1, files, devnull, &n) != 0 ||
	    store_commit(st) != 0)
		die("authorising a return");
}

/* Say what the set-up made, once, so that a thin store shows. */
static void
report(void)
{
	static const char *const q[] = {
		"SELECT count(*) FROM order_line", "SELECT count(*) FROM release_line",
		"SELECT count(*) FROM order_line WHERE shipped > 0",
		"SELECT count(*) FROM rma_line"
	};
	long long n[4] = { 0 };
	sqlite3 *db;
	int i;

	if (sqlite3_open(dbpath, &db) != SQLITE_OK)
		die("reading the store");
	for (i = 0; i < 4; i++) {
		sqlite3_stmt *s;

		if (sqlite3_prepare_v2(db, q[i], -1, &s, NULL) != SQLITE_OK)
			die(q[i]);
		if (sqlite3_step(s) == SQLITE_ROW)
			n[i] = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	fprintf(stderr, "fuzz setup: %lld order lines, %lld released, %lld shipped, "
	    "%lld returns authorised\n", n[0], n[1], n[2], n[3]);
	if (n[1] == 0 || n[2] == 0 || n[3] == 0)
		die("a store with releases, shipments and a return");
}

static void
cleanup(void)
{
	char path[sizeof dbpath + 8];

	store_close(st);
	st = NULL;
	snprintf(path, sizeof path, "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", dbpath);
	unlink(path);
	unlink(dbpath);
	snprintf(path, sizeof path, "%s/confirm.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/authorise.csv", dir);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct alloc_opts ao = { 0 };
	struct alloc_counts an;
	struct route_opts ro;
	struct route_counts rn;
	struct release_opts lo = { .max = -1 };
	struct release_counts ln;
	struct release_files *lf = NULL;

	diag_prog = "oms-fuzz";
	diag_verbosity = -1;
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		die("opening /dev/null");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	snprintf(dbpath, sizeof dbpath, "%s/oms.db", dir);
	atexit(cleanup);
	import_one(KIND_NODES, 0, "nodes.csv");
	import_one(KIND_ITEMS, 0, "items.csv");
	import_one(KIND_INVENTORY, 0, "inventory.csv");
	import_one(KIND_CUSTOMERS, 0, "customers.csv");
	import_one(KIND_POSTAL, 0, "postal.csv");
	import_one(KIND_RATES, 0, "rates.csv");
	import_one(KIND_ORDERS, 0, "orders.csv");
	import_one(KIND_ORDERS, 0, "lines.csv");
	reopen();
	if (store_begin(st) != 0 || alloc_run(st, &ao, devnull, &an) != 0 ||
	    store_commit(st) != 0)
		die("allocating");
	memset(&ro, 0, sizeof ro);
	route_policy(&ro, "balanced");
	ro.max_splits = -1;
	ro.day = "2026-11-27";
	reopen();
	if (store_begin(st) != 0 || route_run(st, &ro, devnull, &rn) != 0 ||
	    store_commit(st) != 0)
		die("routing");
	lo.day = "2026-11-27";
	reopen();
	if (store_begin(st) != 0 || release_run(st, &lo, devnull, &lf, &ln) != 0 ||
	    release_files_close(lf, 0) != 0 || store_commit(st) != 0)
		die("releasing");
	ship_some();
	authorise_one();
	report();
	reopen();
	if ((memfd = memfd_create("fuzz-input", 0)) < 0)
		die("memfd_create");
	snprintf(mempath, sizeof mempath, "/proc/self/fd/%d", memfd);
	return 0;
}

/* The input as a file: its path. */
static char *
input_file(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ftruncate(memfd, 0) != 0 || lseek(memfd, 0, SEEK_SET) != 0)
		abort();
	while (done < size) {
		ssize_t n = write(memfd, data + done, size - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return mempath;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *files[1];

	files[0] = input_file(data, size);
	if (store_begin(st) != 0)
		abort();
#if defined(FUZZ_IMPORT)
	{
		struct import_opts o = { .kind = FUZZ_IMPORT, .max_rejects = -1 };
		struct import_counts n;

#ifdef FUZZ_DELTA
		o.delta = 1;
#endif
#ifdef FUZZ_JSONL
		o.input_format = INFMT_JSONL;
#endif
#ifdef FUZZ_REJECTS
		o.rejects = "/dev/null";	/* good rows kept, bad rows copied out */
#endif
		import_files(st, &o, 1, files, &n);
	}
#elif defined(FUZZ_CONFIRM)
	{
		struct confirm_counts n;

		release_confirm(st, files, 1, INFMT_AUTO, &n);
	}
#elif defined(FUZZ_CHANGES)
	{
		struct order_opts o = { .action = -1, .reason = "", .by = "fuzz" };
		struct order_counts n;

#ifdef FUZZ_REJECTS
		o.rejects = "/dev/null";
#endif
		order_change_files(st, &o, 1, files, &n);
	}
#elif defined(FUZZ_RETURNS)
	{
		struct returns_opts o;
		struct returns_counts n;

		returns_opts_init(&o, FUZZ_RETURNS);
#ifdef FUZZ_REJECTS
		o.rejects = "/dev/null";
#endif
		returns_run(st, &o, 1, files, devnull, &n);
	}
#else
#error "no FUZZ_ target chosen"
#endif
	store_rollback(st);
	return 0;
}
