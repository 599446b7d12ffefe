#include <assert.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "diag.h"
#include "store-int.h"

/* share/schema, compiled in by the Makefile (share/sql2c.sh) */
extern const char *const schema_migrations[];
extern const int schema_version;

/*
 * Every statement oms runs, in one table: a second backend replaces this
 * file, not the commands.  Parameters are always bound, never formatted.
 */
enum sid {
	S_RUN_START, S_RUN_END, S_EVENT,
	S_ITEM_INS, S_ITEM_UPD, S_NODE_INS, S_NODE_UPD,
	S_CUST_INS, S_CUST_UPD, S_POSTAL_INS, S_POSTAL_UPD,
	S_RATE_INS, S_RATE_UPD, S_ORDER_INS, S_ORDER_UPD,
	S_LINE_INS, S_LINE_UPD, S_ORDER_PROBE, S_LINE_PROBE,
	S_INV_GET, S_INV_PUT, S_DELTA_GET, S_DELTA_ADD,
	S_NODES, S_SKUS, S_SEEN_INS, S_SEEN_GET,
	S_VIEW_INVENTORY, S_VIEW_INVENTORY_BY_SKU, S_VIEW_ALLOCATED,
	S_VIEW_LINES, S_VIEW_RUNS,
	S_VIEW_FK, S_VIEW_NO_LINES, S_VIEW_INTEGRITY,
	S_ALLOC_NODES, S_ALLOC_STOCK, S_ALLOC_KEPT, S_ALLOC_ORDERS,
	S_SCOPE_HAS, S_SCOPE_ADD, S_LINE_ALLOC,
	S_COUNT
};

#define ITEM_COLS "description, unit_price, unit_cost, weight_kg, ship_alone, " \
	"vendor_node, ordering_cost, holding_rate, lead_time_days, active"
#define ITEM_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11"
#define NODE_COLS "type, name, postal_code, country, lat, lon, can_ship, " \
	"can_pickup, can_curbside, accepts_returns, capacity_per_day, " \
	"handling_cost, processing_days, safety_stock, active, address1, city, region"
#define NODE_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, " \
	"?17, ?18, ?19"
#define ORDER_COLS "channel, customer_id, created_at, priority, promise_date, " \
	"ship_name, ship_address1, ship_city, ship_region, ship_postal_code, " \
	"ship_country, ship_lat, ship_lon, ship_complete, shipping_charge"
#define ORDER_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16"
#define LINE_COLS "sku, qty, unit_price, discount, method, pickup_node"
#define LINE_VALS "?3, ?4, ?5, ?6, ?7, ?8"

/* Reserved quantity per node and sku: routed or released there, not shipped. */
#define RESERVED_CTE "WITH r AS MATERIALIZED (SELECT ln.node_id, l.sku, " \
	"SUM(ln.routed + ln.released) AS q FROM line_node ln " \
	"JOIN order_line l USING (order_id, line_no) GROUP BY ln.node_id, l.sku) "
/*
 * The same for the views: the line_node rows with work first (a plain
 * scan), then their skus, so that a line long shipped costs no lookup.
 */
#define VIEW_RESERVED_CTE "WITH w AS MATERIALIZED (SELECT order_id, line_no, node_id, " \
	"routed + released AS q, routed FROM line_node WHERE routed + released > 0), " \
	"r AS MATERIALIZED (SELECT w.node_id, l.sku, SUM(w.q) AS q, SUM(w.routed) AS rt " \
	"FROM w JOIN order_line l USING (order_id, line_no) GROUP BY w.node_id, l.sku) "
/*
 * node, sku, on_hand, safety, reserved, active, the routed part of
 * reserved, and who may draw on the stock: the node's type and methods,
 * the item's vendor, whether the node can be located
 */
#define INVENTORY_SELECT "SELECT i.node_id, i.sku, i.on_hand, " \
	"COALESCE(i.safety_stock, n.safety_stock), COALESCE(r.q, 0), n.active, " \
	"COALESCE(r.rt, 0), n.type, n.can_ship, n.can_pickup, n.can_curbside, " \
	"it.vendor_node, " NODE_LOCATED " " \
	"FROM inventory i JOIN node n USING (node_id) " NODE_PLACE_JOIN \
	"LEFT JOIN item it ON it.sku = i.sku " \
	"LEFT JOIN r ON r.node_id = i.node_id AND r.sku = i.sku "

/* An upsert in two statements: insert when new, else update when changed. */
#define PUT(table, key, keyvals, cols, vals) \
	"INSERT INTO " table " (" key ", " cols ") VALUES (" keyvals ", " vals ") " \
	"ON CONFLICT DO NOTHING", \
	"UPDATE " table " SET (" cols ") = (" vals ") WHERE (" key ") = (" keyvals ") " \
	"AND (" cols ") IS NOT (" vals ")"

/* The same, also setting a mark column that the update does not compare. */
#define PUT_MARKED(table, key, keyvals, cols, vals, mark, markval) \
	"INSERT INTO " table " (" key ", " cols ", " mark ") VALUES (" keyvals ", " vals \
	", " markval ") ON CONFLICT DO NOTHING", \
	"UPDATE " table " SET (" cols ", " mark ") = (" vals ", " markval ") WHERE (" key \
	") = (" keyvals ") AND (" cols ") IS NOT (" vals ")"

static const char *const sql[S_COUNT] = {
	[S_RUN_START] = "INSERT INTO run (command, argv, user, started_at) VALUES (?1, ?2, ?3, ?4)",
	[S_RUN_END] = "UPDATE run SET ended_at = ?2, exit_status = ?3, counts = ?4 WHERE run_id = ?1",
	[S_EVENT] = "INSERT INTO event (at, order_id, type, payload, run_id) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_ITEM_INS] = PUT("item", "sku", "?1", ITEM_COLS, ITEM_VALS),
	[S_NODE_INS] = PUT("node", "node_id", "?1", NODE_COLS, NODE_VALS),
	[S_CUST_INS] = PUT("customer", "customer_id", "?1", "name, email, phone, tier",
	    "?2, ?3, ?4, ?5"),
	[S_POSTAL_INS] = PUT("postal", "country, postal_code", "?1, ?2", "lat, lon", "?3, ?4"),
	[S_RATE_INS] = PUT("rate", "max_km", "?1", "base_cost, per_kg, transit_days",
	    "?2, ?3, ?4"),
	/* ?17 / ?9: this run's mark */
	[S_ORDER_INS] = PUT_MARKED("orders", "order_id", "?1", ORDER_COLS, ORDER_VALS,
	    "import_run", "?17"),
	[S_LINE_INS] = PUT_MARKED("order_line", "order_id, line_no", "?1, ?2", LINE_COLS,
	    LINE_VALS, "import_run", "?9"),
	[S_ORDER_PROBE] =
	    "SELECT import_run IS ?17, (" ORDER_COLS ") IS (" ORDER_VALS "), created_at, "
	    "EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = ?1 AND "
	    "(l.allocated > 0 OR l.shipped > 0 OR l.cancelled > 0)) "
	    "OR EXISTS (SELECT 1 FROM line_node ln WHERE ln.order_id = ?1) "
	    "FROM orders WHERE order_id = ?1",
	[S_LINE_PROBE] =
	    "SELECT import_run IS ?9, (" LINE_COLS ") IS (" LINE_VALS ") "
	    "FROM order_line WHERE order_id = ?1 AND line_no = ?2",
	[S_INV_GET] = "SELECT on_hand, safety_stock, as_of FROM inventory "
	    "WHERE node_id = ?1 AND sku = ?2",
	[S_INV_PUT] = "INSERT INTO inventory (node_id, sku, on_hand, safety_stock, as_of) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET on_hand = excluded.on_hand, "
	    "safety_stock = excluded.safety_stock, as_of = excluded.as_of",
	[S_DELTA_GET] = "SELECT run_id FROM delta_file WHERE digest = ?1",
	[S_DELTA_ADD] = "INSERT OR REPLACE INTO delta_file (digest, run_id, applied_at, name) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[S_NODES] = "SELECT node_id, type, can_ship, can_pickup, can_curbside, active FROM node",
	[S_SKUS] = "SELECT sku, unit_price FROM item",
	[S_SEEN_INS] = "INSERT INTO temp.seen (k, h, line) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT DO NOTHING",
	[S_SEEN_GET] = "SELECT h, line FROM temp.seen WHERE k = ?1",
	[S_VIEW_INVENTORY] = VIEW_RESERVED_CTE INVENTORY_SELECT
	    "WHERE " IN_LIST("i.node_id", "?1") " AND " IN_LIST("i.sku", "?2") " "
	    "ORDER BY i.node_id, i.sku",
	[S_VIEW_INVENTORY_BY_SKU] = VIEW_RESERVED_CTE INVENTORY_SELECT
	    "WHERE " IN_LIST("i.sku", "?1") " ORDER BY i.sku, i.node_id",
	[S_VIEW_ALLOCATED] =
	    "SELECT sku, SUM(allocated) FROM order_line WHERE allocated > 0 "
	    "AND " IN_LIST("sku", "?1") " GROUP BY sku ORDER BY sku",
	[S_VIEW_LINES] =
	    "SELECT l.order_id, l.line_no, l.sku, l.qty, l.allocated, l.shipped, l.cancelled, "
	    "l.returned, l.backordered, l.backorder_reason, COALESCE(SUM(ln.routed), 0), "
	    "COALESCE(SUM(ln.released), 0), group_concat(ln.node_id, ';') "
	    "FROM order_line l LEFT JOIN line_node ln USING (order_id, line_no) "
	    "WHERE (?1 IS NULL OR l.order_id = ?1) AND (?2 IS NULL OR l.sku = ?2) "
	    "AND (?3 IS NULL AND ?5 IS NULL AND ?6 IS NULL OR EXISTS (SELECT 1 FROM orders o "
	    "WHERE o.order_id = l.order_id AND (?3 IS NULL OR o.channel = ?3) "
	    "AND (?5 IS NULL OR o.created_at >= ?5) AND (?6 IS NULL OR o.created_at < ?6))) "
	    "AND (?4 IS NULL OR EXISTS (SELECT 1 FROM line_node x WHERE x.order_id = l.order_id "
	    "AND x.line_no = l.line_no AND x.node_id = ?4)) "
	    "GROUP BY l.order_id, l.line_no ORDER BY l.order_id, l.line_no",
	[S_VIEW_RUNS] =
	    "SELECT run_id, command, argv, user, started_at, ended_at, exit_status, counts "
	    "FROM run WHERE (?1 IS NULL OR started_at >= ?1) AND (?2 IS NULL OR started_at < ?2) "
	    "ORDER BY run_id",
	[S_VIEW_FK] = "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check",
	[S_VIEW_NO_LINES] = "SELECT order_id FROM orders o WHERE NOT EXISTS "
	    "(SELECT 1 FROM order_line l WHERE l.order_id = o.order_id) ORDER BY order_id",
	[S_VIEW_INTEGRITY] = "SELECT integrity_check FROM pragma_integrity_check",
	[S_ALLOC_NODES] = "SELECT n.node_id, n.type, n.active, n.can_ship, n.can_pickup, "
	    "n.can_curbside, " NODE_PLACE_CODE ", " NODE_PLACE_COUNTRY " "
	    "FROM node n " NODE_PLACE_JOIN "ORDER BY n.node_id",
	[S_ALLOC_STOCK] = RESERVED_CTE "SELECT i.sku, it.vendor_node, i.node_id, i.on_hand, "
	    "COALESCE(i.safety_stock, n.safety_stock), COALESCE(r.q, 0) "
	    "FROM inventory i JOIN node n USING (node_id) JOIN item it USING (sku) "
	    "LEFT JOIN r ON r.node_id = i.node_id AND r.sku = i.sku",
	/* held orders keep what they hold and get nothing new */
	[S_ALLOC_KEPT] = "SELECT sku, method, pickup_node, allocated FROM order_line "
	    "WHERE allocated > 0 AND ((?1 IS NOT NULL AND order_id NOT IN "
	    "(SELECT order_id FROM temp.scope)) OR order_id IN (SELECT order_id FROM order_hold))",
	/*
	 * In key order, a plain scan: alloc.c sorts the orders by the order
	 * of service itself, cheaper than a sort of every line here.
	 */
	[S_ALLOC_ORDERS] =
	    "SELECT o.order_id, o.priority, o.promise_date, o.created_at, o.ship_complete, "
	    SHIP_TO_CODE ", " SHIP_TO_COUNTRY " FROM orders o " SHIP_TO_JOIN
	    "WHERE (?1 IS NULL OR o.order_id IN (SELECT order_id FROM temp.scope)) "
	    "AND NOT EXISTS (SELECT 1 FROM order_hold h WHERE h.order_id = o.order_id) "
	    "ORDER BY o.order_id",
	[S_SCOPE_HAS] = "SELECT 1 FROM orders WHERE order_id = ?1",
	[S_SCOPE_ADD] = "INSERT OR IGNORE INTO temp.scope (order_id) VALUES (?1)",
	/*
	 * One row a statement: a 32-row UPDATE ... FROM (VALUES ...) costs
	 * more.  ?6: the run's time, its events' (SET_BACKORDERED).
	 */
	[S_LINE_ALLOC] = "UPDATE order_line SET allocated = ?3, backorder_reason = ?5, "
	    SET_BACKORDERED("?4", "?6") " WHERE order_id = ?1 AND line_no = ?2",

};

/*
 * The update half of each PUT pair sits right after its insert.  For
 * orders and lines the mark is set by the update but not compared, so an
 * unchanged row stays untouched.
 */
#define UPD(ins) ((enum sid)((ins) + 1))

/* The multi-row statements (see write_rows). */
enum { M_ORDERS, M_LINES, M_EVENTS, M_COUNT };

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[S_COUNT];
	int status;
	int in_tx;
	int in_read;	/* in a read transaction of store_read_begin */
	int in_work;	/* inside the savepoint that follows the run row */
	int seen_ready;
	int created;	/* store_open made the file (store_discard_new) */
	int immutable;	/* read as it is: see reader_files */
	int64_t run_id;
	int busy_ms;
	char run_time[21];
	sqlite3_stmt *multi[M_COUNT][2];	/* [M_*][CHUNK rows, 1 row] */
	/* store_sql's cache: open addressing on the SQL text's address */
	struct sql_slot { const char *sql; sqlite3_stmt *s; } *cache;
	size_t ncache, capcache;
};

static int run(struct store *st, sqlite3_stmt *s, const char *what);
static int exec(struct store *st, const char *text, const char *what);
static int64_t query_int(struct store *st, sqlite3_stmt *s, const char *what);

/* This run's mark on the rows it imports (a dry run has no run row). */
static int64_t
import_mark(const struct store *st)
{
	return st->run_id > 0 ? st->run_id : -1;
}

/*
 * Fault injection for the crash tests (tests/reliability/crash.sh),
 * compiled only into the test build (OMS_TEST_HOOKS, oms(7) "Test
 * builds"): the environment is read once, in store_open, and unless it
 * asks for a kill nothing is installed.  A shipped command has none of it.
 *   OMS_KILL_AFTER=N  SIGKILL this process at the Nth tick of SQLite's
 *                     progress handler (a tick is KILL_TICK virtual machine
 *                     instructions): somewhere in the middle of the SQL.
 *                     If the run ends first, store_close says on standard
 *                     error how many ticks it took, so that a harness can
 *                     spread its kill points over the run.
 *   OMS_KILL_AT=commit     SIGKILL just before the COMMIT of the run;
 *   OMS_KILL_AT=committed  just after it (before the run log is closed and
 *                          any -o file is renamed into place).
 */
#ifdef OMS_TEST_HOOKS
#define KILL_TICK 100
static long kill_after, kill_ticks;
static const char *kill_at;

static int
kill_tick(void *unused)
{
	(void)unused;
	if (++kill_ticks >= kill_after)
		raise(SIGKILL);
	return 0;
}

static void
kill_here(const char *point)
{
	if (kill_at != NULL && strcmp(kill_at, point) == 0)
		raise(SIGKILL);
}

static void
kill_setup(sqlite3 *db)
{
	const char *v = getenv("OMS_KILL_AFTER");

	kill_at = getenv("OMS_KILL_AT");
	if (v != NULL && (kill_after = strtol(v, NULL, 10)) > 0)
		sqlite3_progress_handler(db, KILL_TICK, kill_tick, NULL);
}

/* A run that was to be killed by ticks and ended first says how long it was. */
static void
kill_report(void)
{
	if (kill_after > 0)
		fprintf(stderr, "%s: OMS_KILL_AFTER: %ld ticks, no kill\n", diag_prog, kill_ticks);
}
#else
#define kill_setup(db) ((void)(db))
#define kill_here(point) ((void)(point))
#define kill_report() ((void)0)
#endif

const char *
store_path(const char *path)
{
	const char *env;

	if (path != NULL && *path != '\0')
		return path;
	if ((env = getenv("OMS_DB")) != NULL && *env != '\0')
		return env;
	return "oms.db";
}

int
store_status(const struct store *st)
{
	return st->status ? st->status : EX_SOFTWARE;
}

/* Map a SQLite failure to an exit status and say what happened. */
static int
fail(struct store *st, int rc, const char *what)
{
	int ext = sqlite3_extended_errcode(st->db);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		diag_error("%s: store is busy (another oms command holds it); try again later",
		    st->path);
		st->status = EX_TEMPFAIL;
		break;
	case SQLITE_NOTADB:
		diag_error("%s: not an oms store (file is not a SQLite database)", st->path);
		st->status = EX_IOERR;
		break;
	case SQLITE_READONLY:
		diag_error("%s: store is read-only: %s", st->path, sqlite3_errmsg(st->db));
		st->status = EX_IOERR;
		break;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_PERM: {
		/* the system's reason, when a system call failed: "Permission denied" */
		int err = (rc & 0xff) == SQLITE_CORRUPT ? 0 : sqlite3_system_errno(st->db);

		diag_error("%s: %s: %s%s%s%s", st->path, what, sqlite3_errmsg(st->db),
		    err ? " (" : "", err ? strerror(err) : "", err ? ")" : "");
		st->status = EX_IOERR;
		break;
	}
	default:
		diag_error("%s: %s: %s (sqlite error %d)", st->path, what,
		    sqlite3_errmsg(st->db), ext);
		st->status = EX_SOFTWARE;
	}
	return -1;
}

static sqlite3_stmt *
stmt(struct store *st, enum sid id)
{
	int rc;

	if (st->stmt[id] != NULL) {
		sqlite3_reset(st->stmt[id]);
		sqlite3_clear_bindings(st->stmt[id]);
		return st->stmt[id];
	}
	rc = sqlite3_prepare_v3(st->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
	    &st->stmt[id], NULL);
	if (rc != SQLITE_OK) {
		fail(st, rc, "preparing a statement");
		return NULL;
	}
	return st->stmt[id];
}

static size_t
slot_of(const char *text, size_t cap)
{
	return (size_t)(((uintptr_t)text >> 3) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

sqlite3_stmt *
store_sql(struct store *st, const char *text)
{
	struct sql_slot *sl;
	size_t i, j;
	int rc;

	if (st->capcache > 0) {
		for (i = slot_of(text, st->capcache); st->cache[i].sql != NULL;
		    i = (i + 1) & (st->capcache - 1))
			if (st->cache[i].sql == text) {
				sqlite3_reset(st->cache[i].s);
				sqlite3_clear_bindings(st->cache[i].s);
				return st->cache[i].s;
			}
	}
	if (2 * (st->ncache + 1) > st->capcache) {
		size_t cap = st->capcache ? 2 * st->capcache : 64;
		struct sql_slot *t = xcalloc(cap, sizeof *t);

		for (j = 0; j < st->capcache; j++) {
			if (st->cache[j].sql == NULL)
				continue;
			for (i = slot_of(st->cache[j].sql, cap); t[i].sql != NULL;
			    i = (i + 1) & (cap - 1))
				;
			t[i] = st->cache[j];
		}
		free(st->cache);
		st->cache = t;
		st->capcache = cap;
	}
	for (i = slot_of(text, st->capcache); st->cache[i].sql != NULL;
	    i = (i + 1) & (st->capcache - 1))
		;
	sl = &st->cache[i];
	rc = sqlite3_prepare_v3(st->db, text, -1, SQLITE_PREPARE_PERSISTENT, &sl->s, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(sl->s);
		sl->s = NULL;
		store_fail(st, rc, "preparing a statement");
		return NULL;
	}
	sl->sql = text;
	st->ncache++;
	return sl->s;
}

int
store_fail(struct store *st, int rc, const char *what)
{
	return fail(st, rc, what);
}

int
store_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	return run(st, s, what);
}

/* A line's counts, routed and released summed over its nodes. */
static const char sql_line_counts[] =
    "SELECT l.qty, l.allocated, COALESCE(SUM(ln.routed), 0), COALESCE(SUM(ln.released), 0), "
    "l.shipped, l.cancelled, l.returned, l.backordered FROM order_line l "
    "LEFT JOIN line_node ln ON ln.order_id = l.order_id AND ln.line_no = l.line_no "
    "WHERE l.order_id = ?1 AND l.line_no = ?2";

int
store_line_check(struct store *st, const char *order_id, int64_t line_no, const char *what)
{
	sqlite3_stmt *s = store_sql(st, sql_line_counts);
	struct line_qty q;
	unsigned broken;
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return fail(st, rc, what);
	}
	q.qty = sqlite3_column_int64(s, 0);
	q.allocated = sqlite3_column_int64(s, 1);
	q.routed = sqlite3_column_int64(s, 2);
	q.released = sqlite3_column_int64(s, 3);
	q.shipped = sqlite3_column_int64(s, 4);
	q.cancelled = sqlite3_column_int64(s, 5);
	q.returned = sqlite3_column_int64(s, 6);
	q.backordered = sqlite3_column_int64(s, 7);
	/* no such line: nothing to check */
	broken = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : line_counts_broken(&q);
	sqlite3_reset(s);
	if (broken == 0)
		return 0;
	diag_error("%s: %s: order \"%s\" line %lld: refused: it would break %s: qty %lld, "
	    "allocated %lld, routed %lld, released %lld, shipped %lld, cancelled %lld, "
	    "returned %lld, backordered %lld (oms(7), \"Line counts\")", st->path, what,
	    order_id, (long long)line_no, line_rule_name(broken & -broken), (long long)q.qty, (long long)q.allocated,
	    (long long)q.routed, (long long)q.released, (long long)q.shipped,
	    (long long)q.cancelled, (long long)q.returned, (long long)q.backordered);
	st->status = EX_SOFTWARE;
	return -1;
}

int
store_exec(struct store *st, const char *text, const char *what)
{
	return exec(st, text, what);
}

int64_t
store_int(struct store *st, sqlite3_stmt *s, const char *what)
{
	return query_int(st, s, what);
}

int
store_each(struct store *st, sqlite3_stmt *s, store_typed_fn fn, void *ctx,
    const char *what)
{
	struct store_row row;
	int rc, stop = 0;

	row.s = s;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, &row);
	sqlite3_reset(s);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : fail(st, rc, what);
}

int
store_changes(struct store *st)
{
	return sqlite3_changes(st->db);
}

int
store_cur_next(struct store *st, struct store_cur *c, const char *what)
{
	int rc = sqlite3_step(c->s);

	c->row = rc == SQLITE_ROW;
	if (c->row) {
		c->k = (const char *)sqlite3_column_text(c->s, 0);
		c->n = c->two ? sqlite3_column_int64(c->s, 1) : 0;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	sqlite3_reset(c->s);
	return store_fail(st, rc, what);
}

int64_t
store_run_id(const struct store *st)
{
	return st->run_id;
}

/* Bind helpers: NULL text binds SQL NULL. */
static void
btext(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void
bint(sqlite3_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(s, i, v);
}

static void
breal(sqlite3_stmt *s, int i, double v)
{
	sqlite3_bind_double(s, i, v);
}

/* Step a statement that returns no rows; 0 or -1. */
static int
run(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(st, rc, what);
	return 0;
}

static int
exec(struct store *st, const char *text, const char *what)
{
	int rc = sqlite3_exec(st->db, text, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : fail(st, rc, what);
}

static int
user_version(struct store *st, int *v)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(st, rc, "reading the schema version");
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return fail(st, rc, "reading the schema version");
	}
	*v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static int
count_tables(struct store *st, int *n)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return fail(st, rc, "reading the schema");
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : fail(st, rc, "reading the schema");
}

/*
 * Bring the schema to schema_version, one migration at a time, all in one
 * transaction; the version is re-read under the write lock so that two
 * commands starting on a new store do not both create it.
 */
static int
migrate(struct store *st)
{
	int v, ntables, i;
	char pragma[64];

	if (user_version(st, &v) != 0)
		return -1;
	if (v == schema_version)
		return 0;
	if (v > schema_version) {
		diag_error("%s: store has schema version %d, newer than this oms "
		    "understands (%d); upgrade oms", st->path, v, schema_version);
		st->status = EX_SOFTWARE;
		return -1;
	}
	if (exec(st, "BEGIN IMMEDIATE", "locking the store to create its schema") != 0)
		return -1;
	if (user_version(st, &v) != 0 || count_tables(st, &ntables) != 0)
		goto fail;
	if (v == 0 && ntables > 0) {
		diag_error("%s: a SQLite database, but not an oms store; refusing to touch it",
		    st->path);
		st->status = EX_IOERR;
		goto fail;
	}
	for (i = v; i < schema_version; i++) {
		if (exec(st, schema_migrations[i], "migrating the schema") != 0)
			goto fail;
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if (exec(st, pragma, "migrating the schema") != 0)
			goto fail;
	}
	if (exec(st, "COMMIT", "migrating the schema") != 0)
		goto fail;
	if (v > 0)
		diag_info("%s: schema migrated from version %d to %d", st->path, v,
		    schema_version);
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * What the file at path is: FILE_FOREIGN when it is there and holds
 * something, but not a SQLite header (SQLite takes a file shorter than
 * its header for an empty database and would write the store over it;
 * such a file is someone else's); FILE_WAL for a SQLite database in WAL
 * mode (header bytes 18 and 19 are 2); else FILE_OTHER, also when it
 * cannot be read (SQLite will say why).
 */
enum { FILE_OTHER, FILE_FOREIGN, FILE_WAL };

static int
file_kind(const char *path, const struct stat *sb)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char head[20];
	size_t n;
	FILE *fp;

	if (!S_ISREG(sb->st_mode) || sb->st_size == 0)
		return FILE_OTHER;
	if ((fp = fopen(path, "rb")) == NULL)
		return FILE_OTHER;
	n = fread(head, 1, sizeof head, fp);
	fclose(fp);
	if (n < sizeof magic || memcmp(head, magic, sizeof magic) != 0)
		return FILE_FOREIGN;
	return n == sizeof head && head[18] == 2 && head[19] == 2 ? FILE_WAL : FILE_OTHER;
}

/*
 * Who may read the store (oms(7), "Who may read the store").  It holds
 * customers' names and addresses: a new store is made 0640 (less what the
 * umask takes away), for its owner to write and a group of reporting
 * users to read.  SQLite gives the -wal and -shm files the store's owner
 * when root makes them, and its mode less the umask; store_files_mode
 * gives them the store's mode whatever the umask.  Writers keep them
 * beside the store when they close it (SQLITE_FCNTL_PERSIST_WAL): SQLite
 * reads a WAL database read-only, without writing anything, when they are
 * there and readable, so a reporting user needs no write permission on
 * the directory.  A reader never makes them for someone else
 * (reader_files).
 */
#define STORE_MODE 0640

static const char *const side_files[] = { "-wal", "-shm" };
#define NSIDE (sizeof side_files / sizeof *side_files)

static char *
side_path(const char *path, int i)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s%s", path, side_files[i]);
	return b.s;
}

/* Make the store's file, 0640 less the umask: 1 made, 0 there already or not made here. */
static int
create_store_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, STORE_MODE);

	if (fd < 0)
		return 0;	/* there already, or SQLite will say why not */
	close(fd);
	return 1;
}

/*
 * Give the -wal and -shm files the store's mode, those the process may
 * change (its own, or any when root); with fresh, only those that were
 * not there before (fresh[i] 1).  Paths, not descriptors: closing a
 * descriptor of a file would drop the POSIX locks SQLite holds on it.
 */
static void
store_files_mode(const struct store *st, const int *fresh)
{
	struct stat db, sb;
	uid_t me = geteuid();
	size_t i;
	char *p;

	if (stat(st->path, &db) != 0)
		return;
	for (i = 0; i < NSIDE; i++) {
		if (fresh != NULL && !fresh[i])
			continue;
		p = side_path(st->path, (int)i);
		if (stat(p, &sb) == 0 && (sb.st_mode & 0777) != (db.st_mode & 0777) &&
		    (sb.st_uid == me || me == 0) && chmod(p, db.st_mode & 0777) != 0)
			diag_warn("%s: cannot give it the store's mode: %s", p, strerror(errno));
		free(p);
	}
}

/*
 * 1 when the file system that holds the file of db is itself read-only,
 * not only the mount the path goes through (a read-only bind mount of a
 * writable one): its super options in /proc/self/mountinfo start with
 * "ro".  Then nothing can write the store, through any mount.  0 when it
 * is writable somewhere, or when that cannot be told.
 */
static int
fs_frozen(const struct stat *db)
{
	FILE *fp = fopen("/proc/self/mountinfo", "r");
	char *line = NULL, *p;
	size_t cap = 0;
	unsigned maj, min;
	int frozen = 0, found = 0, k;

	if (fp == NULL)
		return 0;
	/* id parent major:minor root point options [optional...] - type source super */
	while (!found && getline(&line, &cap, fp) > 0) {
		if (sscanf(line, "%*d %*d %u:%u", &maj, &min) != 2 ||
		    maj != major(db->st_dev) || min != minor(db->st_dev) ||
		    (p = strstr(line, " - ")) == NULL)
			continue;
		found = 1;
		for (k = 0, p += 3; k < 2 && (p = strchr(p, ' ')) != NULL; k++)
			p++;
		frozen = p != NULL && strncmp(p, "ro", 2) == 0 && strchr(", \n", p[2]) != NULL;
	}
	free(line);
	fclose(fp);
	return frozen;
}

/*
 * Before a reader opens a WAL store: SQLite would make a missing -wal or
 * -shm file, as the reader, and leave it there, owned by the reader and
 * in the way of the store's owner.  When one is missing: on a file system
 * that is read-only itself nothing can write the store, and nothing was
 * written since its last writer closed it (a writer's -wal stays): read
 * it as it is (immutable, SQLite's word for "safe only if nothing can
 * change it"); through a read-only mount of a writable one, a writer may
 * come: refused; as the store's owner, or root (SQLite gives them to the
 * owner), let SQLite make them (missing[i] says which); anyone else is
 * refused.  0, or an exit status after a diagnostic.
 */
static int
reader_files(struct store *st, const struct stat *db, int *missing)
{
	struct statvfs fs;
	uid_t me = geteuid();
	size_t i;
	int any = 0;
	char *p;

	for (i = 0; i < NSIDE; i++) {
		p = side_path(st->path, (int)i);
		missing[i] = access(p, F_OK) != 0 && errno == ENOENT;
		any |= missing[i];
		free(p);
	}
	if (!any)
		return 0;
	if (statvfs(st->path, &fs) == 0 && (fs.f_flag & ST_RDONLY)) {
		if (fs_frozen(db)) {
			st->immutable = 1;
			return 0;
		}
		diag_error("%s: the store's -wal and -shm files are missing, and this mount is "
		    "read-only; run any oms command that writes the store where it is writable",
		    st->path);
		return EX_IOERR;
	}
	if (me == db->st_uid || me == 0)
		return 0;
	diag_error("%s: the store's -wal and -shm files are missing, and only its owner "
	    "may make them; run any oms command that writes the store as its owner",
	    st->path);
	return EX_IOERR;
}

/* "file:" and path, %-escaped, and "?immutable=1": SQLite's URI. */
static char *
immutable_uri(const char *path)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;

	buf_adds(&b, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p) != NULL)
			buf_addc(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	buf_adds(&b, "?immutable=1");
	return b.s;
}

/*
 * oms_country_key(country) and oms_postal_key(country, code): the keys of
 * the postal table (country_key and postal_key of model.h) in SQL, for
 * looking a node's or an order's place up; NULL for NULL.
 */
static void
place_key_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *country = (const char *)sqlite3_value_text(argv[0]);
	const char *code = (const char *)sqlite3_value_text(argv[argc - 1]);
	char *out;
	size_t n;

	if (code == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	if ((out = sqlite3_malloc64(strlen(code) + 1)) == NULL) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	n = argc == 1 ? country_key(code, out) : postal_key(country, code, out);
	sqlite3_result_text(cx, out, (int)n, sqlite3_free);
}

static int
place_keys(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "oms_country_key", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, place_key_fn, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "oms_postal_key", 2,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, place_key_fn, NULL, NULL);
	return rc;
}

static int threads;	/* store_threads() was called */

void
store_threads(void)
{
	threads = 1;
}

/*
 * The store's schema is older than this oms: say which command upgrades
 * it, ready to paste.  A dry run upgrades the store and writes nothing
 * else: migrate commits before the run's own transaction, which rolls
 * back (oms(7)).
 */
static void
old_schema(const struct store *st, int v)
{
	struct buf word = BUF_INIT;
	const char *p;

	/* the path as one shell word */
	if (strspn(st->path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/._-+,:=@%") == strlen(st->path)) {
		buf_adds(&word, st->path);
	} else {
		buf_addc(&word, '\'');
		for (p = st->path; *p; p++)
			if (*p == '\'')
				buf_adds(&word, "'\\''");
			else
				buf_addc(&word, *p);
		buf_addc(&word, '\'');
	}
	diag_error("%s: store has schema version %d and this oms reads version %d: upgrade "
	    "it, as a user who may write it, with \"oms-allocate --dry-run -q --db %s > "
	    "/dev/null\" (it writes nothing but the upgrade)", st->path, v, schema_version,
	    buf_str(&word));
	buf_release(&word);
}

/* first: a connection the process has open to the store already (again). */
static int
open_store(struct store **stp, const char *path, int busy_ms, int readonly,
    const struct store *first)
{
	static int configured;
	struct store *st = xcalloc(1, sizeof *st);
	struct stat sb;
	int rc, flags, v, missing[NSIDE] = { 0 };
	char *uri = NULL;

	*stp = NULL;
	/*
	 * One connection per process, one thread: SQLite's mutexes and
	 * memory statistics are pure cost (about 6% of a large import).
	 * With store_threads(), several connections, each in its own thread.
	 */
	if (!configured) {
		sqlite3_config(threads ? SQLITE_CONFIG_MULTITHREAD : SQLITE_CONFIG_SINGLETHREAD);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = 1;
	}
	st->busy_ms = busy_ms;
	st->path = xstrdup(store_path(path));
	now_iso(st->run_time);
	if (stat(st->path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		diag_error("%s: is a directory, not a store", st->path);
		free(st->path);
		free(st);
		return EX_IOERR;
	}
	/*
	 * Not again: closing a descriptor of the file drops every POSIX lock
	 * the process holds on it, the shared lock of a connection that
	 * reads (another process could then checkpoint and delete the WAL
	 * under it).  The first connection's checks hold for the others.
	 */
	if (first != NULL) {
		st->immutable = first->immutable;
	} else if (stat(st->path, &sb) == 0) {
		int kind = file_kind(st->path, &sb);

		if (kind == FILE_FOREIGN) {
			diag_error("%s: not an oms store (file is not a SQLite database)", st->path);
			free(st->path);
			free(st);
			return EX_IOERR;
		}
		if (readonly && kind == FILE_WAL && (rc = reader_files(st, &sb, missing)) != 0) {
			free(st->path);
			free(st);
			return rc;
		}
	} else if (errno != ENOENT) {
		/* there may be one: a directory on the way this user may not search */
		diag_error("%s: cannot reach the store: %s", st->path, strerror(errno));
		free(st->path);
		free(st);
		return EX_IOERR;
	} else if (readonly) {
		diag_error("%s: no store here (import something first, or use --db)", st->path);
		free(st->path);
		free(st);
		return EX_NOINPUT;
	} else {
		st->created = create_store_file(st->path);
	}
	flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (st->immutable)
		uri = immutable_uri(st->path);
	rc = sqlite3_open_v2(uri ? uri : st->path, &st->db, flags | (uri ? SQLITE_OPEN_URI : 0),
	    NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		if (st->db == NULL) {
			diag_error("out of memory");
			free(st->path);
			free(st);
			return EX_SOFTWARE;
		}
		fail(st, rc, "cannot open the store");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	kill_setup(st->db);
	if ((rc = place_keys(st->db)) != SQLITE_OK) {
		fail(st, rc, "opening the store");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, busy_ms);
	if (exec(st, "PRAGMA foreign_keys = ON", "opening the store") != 0)
		goto fail;
	if (!readonly) {
		v = 1;	/* the -wal and -shm stay when the store is closed (see above) */
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &v);
		/* WAL only once the file is known to be ours: the switch rewrites its header */
		if (exec(st, "PRAGMA synchronous = FULL", "opening the store") != 0 ||
		    migrate(st) != 0 ||
		    exec(st, "PRAGMA journal_mode = WAL", "setting WAL mode") != 0 ||
		    exec(st, "PRAGMA journal_size_limit = 0", "setting WAL mode") != 0)
			goto fail;
		store_files_mode(st, NULL);
	} else {
		if (user_version(st, &v) != 0)
			goto fail;
		if (v != schema_version) {
			if (v > schema_version)
				diag_error("%s: store has schema version %d, newer than this oms "
				    "understands (%d); upgrade oms", st->path, v, schema_version);
			else if (v == 0)
				diag_error("%s: not an oms store (a SQLite database without "
				    "the oms schema)", st->path);
			else
				old_schema(st, v);
			st->status = v == 0 ? EX_IOERR : EX_SOFTWARE;
			goto fail;
		}
		/* the ones SQLite made for this reader, who owns the store */
		store_files_mode(st, missing);
	}
	/*
	 * A bounded page cache keeps memory flat however large the input.
	 * Imports append, so a larger cache buys nothing: 16 MiB and 64 MiB
	 * load 1M order lines in the same time (BENCHMARKS.md).
	 */
	exec(st, "PRAGMA cache_size = -16384", "opening the store");	/* 16 MiB */
	*stp = st;
	return 0;
fail:
	rc = store_status(st);
	store_close(st);
	return rc;
}

int
store_open(struct store **stp, const char *path, int busy_ms, int readonly)
{
	return open_store(stp, path, busy_ms, readonly, NULL);
}

int
store_open_again(const struct store *st, struct store **again)
{
	sqlite3_stmt *s;
	sqlite3_int64 mm = 0;
	char pragma[48];
	int status;

	assert(threads);
	if ((status = open_store(again, st->path, st->busy_ms, 1, st)) != 0)
		return status;
	/* st's mapping of the file (store_report_begin), an integer SQLite gave */
	if (sqlite3_prepare_v2(st->db, "PRAGMA mmap_size", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		mm = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (mm > 0) {
		snprintf(pragma, sizeof pragma, "PRAGMA mmap_size = %lld", (long long)mm);
		exec(*again, pragma, "mapping the store");	/* best effort, as for st */
	}
	return 0;
}

void
store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	for (i = 0; i < M_COUNT; i++) {
		sqlite3_finalize(st->multi[i][0]);
		sqlite3_finalize(st->multi[i][1]);
	}
	for (i = 0; i < (int)st->capcache; i++)
		sqlite3_finalize(st->cache[i].s);
	free(st->cache);
	if (st->in_tx || st->in_read)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	kill_report();
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/*
 * The file st has open is no longer at its path: a run that created the
 * store failed and removed it (store_discard_new) while this one waited
 * for its lock.  Writing there would be lost: say so, exit 75.
 */
static int
moved(struct store *st)
{
	int gone = 0;

	if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_HAS_MOVED, &gone) != SQLITE_OK ||
	    !gone)
		return 0;
	diag_error("%s: the store was removed while this command waited for it (the run "
	    "that made it failed); try again", st->path);
	st->status = EX_TEMPFAIL;
	return 1;
}

int
store_begin(struct store *st)
{
	if (exec(st, "BEGIN IMMEDIATE", "starting a transaction") != 0)
		return -1;
	st->in_tx = 1;
	if (moved(st)) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_discard_new(struct store *st)
{
	sqlite3_stmt *s;
	int64_t others;
	size_t i;
	char *p;

	if (!st->created || !st->in_tx)
		return 0;
	/* under the write lock: a run of another command would be committed */
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM run WHERE run_id IS NOT ?1", -1,
	    &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, st->run_id);
	others = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 1;
	sqlite3_finalize(s);
	if (others > 0)
		return 0;
	if (unlink(st->path) != 0) {
		diag_warn("%s: cannot remove the store this run made: %s", st->path,
		    strerror(errno));
		return 0;
	}
	for (i = 0; i < NSIDE; i++) {
		p = side_path(st->path, (int)i);
		unlink(p);
		free(p);
	}
	diag_info("%s: removed the store this run made", st->path);
	st->in_work = 0;
	store_rollback(st);
	return 1;
}

int
store_commit(struct store *st)
{
	if (!st->in_tx)
		return 0;	/* already rolled back whole, after a failure said why */
	kill_here("commit");
	if (exec(st, "COMMIT", "committing") != 0) {
		st->in_work = 0;
		store_rollback(st);
		return -1;
	}
	st->in_tx = st->in_work = 0;
	kill_here("committed");
	return 0;
}

/*
 * Undo the run's work.  After store_run_start the transaction stays open,
 * holding only the run row, for store_run_end and store_commit; otherwise
 * (a dry run, or the rollback of a failed commit) it ends.
 */
void
store_rollback(struct store *st)
{
	st->seen_ready = 0;	/* the temp table went with the work */
	if (st->in_work) {
		st->in_work = 0;
		if (sqlite3_exec(st->db, "ROLLBACK TO run_work; RELEASE run_work",
		    NULL, NULL, NULL) == SQLITE_OK)
			return;
	}
	if (st->in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

const char *
store_run_time(const struct store *st)
{
	return st->run_time;
}

int
store_run_start(struct store *st, const char *command, int argc, char **argv)
{
	sqlite3_stmt *s = stmt(st, S_RUN_START);
	struct buf b = BUF_INIT;
	struct passwd *pw;
	const char *user = getenv("USER");
	int i, r;

	if (s == NULL)
		return -1;
	for (i = 0; i < argc; i++)
		buf_addf(&b, "%s%s", i ? " " : "", argv[i]);
	if (user == NULL && (pw = getpwuid(getuid())) != NULL)
		user = pw->pw_name;
	btext(s, 1, command);
	btext(s, 2, buf_str(&b));
	btext(s, 3, user ? user : "");
	btext(s, 4, st->run_time);
	r = run(st, s, "writing the run log");
	buf_release(&b);
	if (r == 0)
		st->run_id = sqlite3_last_insert_rowid(st->db);
	/* the work that follows can be undone without the run row */
	if (r == 0 && st->in_tx) {
		if ((r = exec(st, "SAVEPOINT run_work", "starting a transaction")) == 0)
			st->in_work = 1;
	}
	return r;
}

int
store_run_end(struct store *st, int exit_status, const char *counts_json)
{
	sqlite3_stmt *s;
	char now[21];

	if (st->run_id == 0)
		return 0;
	if ((s = stmt(st, S_RUN_END)) == NULL)
		return -1;
	now_iso(now);
	bint(s, 1, st->run_id);
	btext(s, 2, now);
	bint(s, 3, exit_status);
	btext(s, 4, counts_json ? counts_json : "{}");
	return run(st, s, "writing the run log");
}

int
store_event(struct store *st, const char *order_id, const char *type,
    const char *payload_json)
{
	sqlite3_stmt *s = stmt(st, S_EVENT);

	if (s == NULL)
		return -1;
	btext(s, 1, st->run_time);
	btext(s, 2, order_id);
	btext(s, 3, type);
	btext(s, 4, payload_json);
	if (st->run_id)
		bint(s, 5, st->run_id);
	return run(st, s, "appending an event");
}

/* --- import ------------------------------------------------------------ */

/*
 * Run the insert half of a PUT pair, then the update half if the key was
 * there; bind() fills the parameters of either (they are numbered alike).
 */
static int
put(struct store *st, enum sid ins, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec)
{
	sqlite3_stmt *s = stmt(st, ins);

	if (s == NULL)
		return -1;
	bind(s, rec);
	if (run(st, s, "writing") != 0)
		return -1;
	if (sqlite3_changes(st->db) > 0)
		return PUT_INSERTED;
	if ((s = stmt(st, UPD(ins))) == NULL)
		return -1;
	bind(s, rec);
	if (run(st, s, "writing") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? PUT_UPDATED : PUT_UNCHANGED;
}

static void
bind_item(sqlite3_stmt *s, const void *p)
{
	const struct item *it = p;

	btext(s, 1, it->sku);
	btext(s, 2, it->description);
	bint(s, 3, it->unit_price);
	breal(s, 4, it->unit_cost);
	breal(s, 5, it->weight_kg);
	bint(s, 6, it->ship_alone);
	btext(s, 7, it->vendor_node);
	breal(s, 8, it->ordering_cost);
	breal(s, 9, it->holding_rate);
	breal(s, 10, it->lead_time_days);
	bint(s, 11, it->active);
}

int
store_item_put(struct store *st, const struct item *it)
{
	return put(st, S_ITEM_INS, bind_item, it);
}

static void
bind_node(sqlite3_stmt *s, const void *p)
{
	const struct node *n = p;

	btext(s, 1, n->node_id);
	btext(s, 2, n->type);
	btext(s, 3, n->name);
	btext(s, 4, n->postal_code);
	btext(s, 5, n->country);
	if (n->has_latlon) {
		breal(s, 6, n->lat);
		breal(s, 7, n->lon);
	}
	bint(s, 8, n->can_ship);
	bint(s, 9, n->can_pickup);
	bint(s, 10, n->can_curbside);
	bint(s, 11, n->accepts_returns);
	if (n->capacity_per_day >= 0)
		bint(s, 12, n->capacity_per_day);
	breal(s, 13, n->handling_cost);
	bint(s, 14, n->processing_days);
	bint(s, 15, n->safety_stock);
	bint(s, 16, n->active);
	btext(s, 17, n->address1);
	btext(s, 18, n->city);
	btext(s, 19, n->region);
}

int
store_node_put(struct store *st, const struct node *n)
{
	return put(st, S_NODE_INS, bind_node, n);
}

static void
bind_customer(sqlite3_stmt *s, const void *p)
{
	const struct customer *c = p;

	btext(s, 1, c->customer_id);
	btext(s, 2, c->name);
	btext(s, 3, c->email);
	btext(s, 4, c->phone);
	btext(s, 5, c->tier);
}

int
store_customer_put(struct store *st, const struct customer *c)
{
	return put(st, S_CUST_INS, bind_customer, c);
}

static void
bind_postal(sqlite3_stmt *s, const void *p)
{
	const struct postal *z = p;

	btext(s, 1, z->country);
	btext(s, 2, z->postal_code);
	breal(s, 3, z->lat);
	breal(s, 4, z->lon);
}

int
store_postal_put(struct store *st, const struct postal *p)
{
	return put(st, S_POSTAL_INS, bind_postal, p);
}

static void
bind_rate(sqlite3_stmt *s, const void *p)
{
	const struct rate *r = p;

	breal(s, 1, r->max_km);
	breal(s, 2, r->base_cost);
	breal(s, 3, r->per_kg);
	bint(s, 4, r->transit_days);
}

int
store_rate_put(struct store *st, const struct rate *r)
{
	return put(st, S_RATE_INS, bind_rate, r);
}

static const char sql_rate_bands[] = "SELECT max_km FROM rate ORDER BY max_km";
static const char sql_rate_drop[] = "DELETE FROM rate WHERE max_km = ?1";

int
store_rates_keep(struct store *st, const double *km, int n, int remove, long *others)
{
	sqlite3_stmt *s = store_sql(st, sql_rate_bands);
	double *gone = NULL;
	long ngone = 0, cap = 0, i;
	int rc, j;

	*others = 0;
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		double v = sqlite3_column_double(s, 0);

		for (j = 0; j < n && km[j] != v; j++)
			;
		if (j < n)
			continue;
		if (ngone == cap)
			gone = xrealloc(gone, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *gone);
		gone[ngone++] = v;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(gone);
		return fail(st, rc, "reading the rate card");
	}
	*others = ngone;
	for (i = 0; remove && i < ngone; i++) {
		if ((s = store_sql(st, sql_rate_drop)) == NULL) {
			free(gone);
			return -1;
		}
		breal(s, 1, gone[i]);
		if (run(st, s, "removing a rate band") != 0) {
			free(gone);
			return -1;
		}
	}
	free(gone);
	return 0;
}

/* Bind an order to parameters base+1 .. base+16. */
static void
bind_order_at(sqlite3_stmt *s, const struct order *o, int base)
{
	btext(s, base + 1, o->order_id);
	btext(s, base + 2, o->channel);
	btext(s, base + 3, o->customer_id);
	btext(s, base + 4, o->created_at);
	bint(s, base + 5, o->priority);
	btext(s, base + 6, o->promise_date[0] ? o->promise_date : NULL);
	btext(s, base + 7, o->ship_name);
	btext(s, base + 8, o->ship_address1);
	btext(s, base + 9, o->ship_city);
	btext(s, base + 10, o->ship_region);
	btext(s, base + 11, o->ship_postal_code);
	btext(s, base + 12, o->ship_country);
	if (o->has_latlon) {
		breal(s, base + 13, o->ship_lat);
		breal(s, base + 14, o->ship_lon);
	}
	bint(s, base + 15, o->ship_complete);
	bint(s, base + 16, o->shipping_charge);
}

static void
bind_order(sqlite3_stmt *s, const void *p)
{
	bind_order_at(s, p, 0);
}

/* Insert half of a PUT pair alone: 1 inserted, 0 the key exists, -1 error. */
static int
insert_only(struct store *st, enum sid ins, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec, int mark_param)
{
	sqlite3_stmt *s = stmt(st, ins);

	if (s == NULL)
		return -1;
	bind(s, rec);
	bint(s, mark_param, import_mark(st));
	if (run(st, s, "writing") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

static int
update_only(struct store *st, enum sid ins, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec, int mark_param)
{
	sqlite3_stmt *s = stmt(st, UPD(ins));

	if (s == NULL)
		return -1;
	bind(s, rec);
	bint(s, mark_param, import_mark(st));
	if (run(st, s, "writing") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? PUT_UPDATED : PUT_UNCHANGED;
}

int
store_order_insert(struct store *st, const struct order *o)
{
	return insert_only(st, S_ORDER_INS, bind_order, o, 17);
}

int
store_order_update(struct store *st, const struct order *o)
{
	return update_only(st, S_ORDER_INS, bind_order, o, 17);
}

/*
 * Probe a stored order or line: the mark and "same values" come first;
 * an order's probe also has created_at and in_fulfilment.
 */
static int
probe(struct store *st, enum sid id, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec, int mark_param, struct order_probe *p)
{
	sqlite3_stmt *s = stmt(st, id);
	int rc;

	if (s == NULL)
		return -1;
	bind(s, rec);
	bint(s, mark_param, import_mark(st));
	memset(p, 0, sizeof *p);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		p->this_run = sqlite3_column_int(s, 0);
		p->same = sqlite3_column_int(s, 1);
		if (sqlite3_column_count(s) > 2) {
			snprintf(p->created_at, sizeof p->created_at, "%s",
			    (const char *)sqlite3_column_text(s, 2));
			p->in_fulfilment = sqlite3_column_int(s, 3);
		}
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading an order");
}

int
store_order_probe(struct store *st, const struct order *o, struct order_probe *p)
{
	return probe(st, S_ORDER_PROBE, bind_order, o, 17, p);
}

/* Bind a line to parameters base+1 .. base+8. */
static void
bind_line_at(sqlite3_stmt *s, const struct order_line *l, int base)
{
	btext(s, base + 1, l->order_id);
	bint(s, base + 2, l->line_no);
	btext(s, base + 3, l->sku);
	bint(s, base + 4, l->qty);
	bint(s, base + 5, l->unit_price);
	bint(s, base + 6, l->discount);
	btext(s, base + 7, l->method);
	btext(s, base + 8, l->pickup_node);
}

static void
bind_line(sqlite3_stmt *s, const void *p)
{
	bind_line_at(s, p, 0);
}

int
store_line_insert(struct store *st, const struct order_line *l)
{
	return insert_only(st, S_LINE_INS, bind_line, l, 9);
}

int
store_line_update(struct store *st, const struct order_line *l)
{
	return update_only(st, S_LINE_INS, bind_line, l, 9);
}

int
store_line_probe(struct store *st, const struct order_line *l, struct order_probe *p)
{
	return probe(st, S_LINE_PROBE, bind_line, l, 9, p);
}

/*
 * Bulk loading new orders: one INSERT statement for CHUNK rows at a time,
 * which saves SQLite's per-statement work on most of a large import.
 */
#define CHUNK 32

static const struct {
	const char *head, *tail;
	int nparams;
} multi_sql[M_COUNT] = {
	[M_ORDERS] = { "INSERT INTO orders (order_id, " ORDER_COLS ", import_run) VALUES ",
	    " ON CONFLICT DO NOTHING", 17 },
	[M_LINES] = { "INSERT INTO order_line (order_id, line_no, " LINE_COLS ", import_run) "
	    "VALUES ", " ON CONFLICT DO NOTHING", 9 },
	/*
	 * OR FAIL: no statement journal.  Inside the run's savepoint every
	 * statement that may abort copies each page it touches to the
	 * sub-journal, a file once past 64 KiB: 45,000 writes of a 100,000-line
	 * oms-allocate run were that.  A failed row fails the whole run anyway.
	 */
	[M_EVENTS] = { "INSERT OR FAIL INTO event (at, order_id, type, payload, run_id) VALUES ", "", 5 },
};

static sqlite3_stmt *
multi_stmt(struct store *st, int table, int rows)
{
	sqlite3_stmt **sp = &st->multi[table][rows == 1];
	struct buf b = BUF_INIT;
	int r, p, rc;

	if (*sp != NULL) {
		sqlite3_reset(*sp);
		sqlite3_clear_bindings(*sp);
		return *sp;
	}
	buf_adds(&b, multi_sql[table].head);
	for (r = 0; r < rows; r++) {
		buf_adds(&b, r ? ", (" : "(");
		for (p = 0; p < multi_sql[table].nparams; p++)
			buf_adds(&b, p ? ", ?" : "?");
		buf_addc(&b, ')');
	}
	buf_adds(&b, multi_sql[table].tail);
	rc = sqlite3_prepare_v3(st->db, b.s, -1, SQLITE_PREPARE_PERSISTENT, sp, NULL);
	buf_release(&b);
	if (rc != SQLITE_OK) {
		fail(st, rc, "preparing a statement");
		return NULL;
	}
	return *sp;
}

struct new_orders {
	const struct order *orders;
	const struct order_line *lines;
	const char *const *payloads;
};

/* Bind row i of table to the parameters after base. */
typedef void (*row_binder)(struct store *st, int table, const void *rows, int i,
	sqlite3_stmt *s, int base);

static void
bind_new_orders(struct store *st, int table, const void *rows, int i,
    sqlite3_stmt *s, int base)
{
	const struct new_orders *no = rows;

	switch (table) {
	case M_ORDERS:
		bind_order_at(s, &no->orders[i], base);
		bint(s, base + 17, import_mark(st));
		break;
	case M_LINES:
		bind_line_at(s, &no->lines[i], base);
		bint(s, base + 9, import_mark(st));
		break;
	default:
		btext(s, base + 1, st->run_time);
		btext(s, base + 2, no->orders[i].order_id);
		btext(s, base + 3, "order.created");
		btext(s, base + 4, no->payloads[i]);
		if (st->run_id)
			bint(s, base + 5, st->run_id);
	}
}

/* Write n rows of table; returns how many rows changed, or -1. */
static long
write_rows(struct store *st, int table, row_binder bind, const void *rows, int n)
{
	long done = 0;
	int i = 0, k, nrows;

	while (i < n) {
		sqlite3_stmt *s;

		nrows = n - i >= CHUNK ? CHUNK : 1;
		if ((s = multi_stmt(st, table, nrows)) == NULL)
			return -1;
		for (k = 0; k < nrows; k++)
			bind(st, table, rows, i + k, s, k * multi_sql[table].nparams);
		if (run(st, s, "writing") != 0)
			return -1;
		done += sqlite3_changes(st->db);
		i += nrows;
	}
	return done;
}

int
store_new_orders(struct store *st, const struct order *orders, int norders,
    const struct order_line *lines, int nlines, const char *const *payloads)
{
	struct new_orders no = { orders, lines, payloads };
	long n;

	if (store_savepoint(st) != 0)
		return -1;
	if ((n = write_rows(st, M_ORDERS, bind_new_orders, &no, norders)) < 0)
		return -1;
	if (n == norders && (n = write_rows(st, M_LINES, bind_new_orders, &no, nlines)) < 0)
		return -1;
	if (n != nlines) {
		/* some order or line was there already: undo, let the caller go slowly */
		return store_rollback_to(st) != 0 ? -1 : 0;
	}
	if (write_rows(st, M_EVENTS, bind_new_orders, &no, norders) < 0)
		return -1;
	return store_release(st) != 0 ? -1 : 1;
}

int
store_savepoint(struct store *st)
{
	return exec(st, "SAVEPOINT one_order", "starting a savepoint");
}

int
store_release(struct store *st)
{
	return exec(st, "RELEASE one_order", "ending a savepoint");
}

int
store_rollback_to(struct store *st)
{
	if (exec(st, "ROLLBACK TO one_order", "undoing an order") != 0)
		return -1;
	return store_release(st);
}

/* Step a one-row, one-integer query: the value, 0 when no row, -1 error. */
static int64_t
query_int(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	int64_t v = 0;

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		v = fail(st, rc, what);
	sqlite3_reset(s);
	return v;
}

int
store_inventory_get(struct store *st, const char *node_id, const char *sku,
    struct inventory *inv)
{
	sqlite3_stmt *s = stmt(st, S_INV_GET);
	int rc;

	if (s == NULL)
		return -1;
	btext(s, 1, node_id);
	btext(s, 2, sku);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		inv->node_id = node_id;
		inv->sku = sku;
		inv->on_hand = sqlite3_column_int64(s, 0);
		inv->safety_stock = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(s, 1);
		snprintf(inv->as_of, sizeof inv->as_of, "%s",
		    (const char *)sqlite3_column_text(s, 2));
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading inventory");
}

int
store_inventory_put(struct store *st, const struct inventory *inv)
{
	sqlite3_stmt *s = stmt(st, S_INV_PUT);

	if (s == NULL)
		return -1;
	btext(s, 1, inv->node_id);
	btext(s, 2, inv->sku);
	bint(s, 3, inv->on_hand);
	if (inv->safety_stock >= 0)
		bint(s, 4, inv->safety_stock);
	btext(s, 5, inv->as_of);
	return run(st, s, "writing inventory");
}

int64_t
store_delta_file_run(struct store *st, const char *digest)
{
	sqlite3_stmt *s = stmt(st, S_DELTA_GET);

	if (s == NULL)
		return -1;
	btext(s, 1, digest);
	return query_int(st, s, "reading applied delta files");
}

int
store_delta_file_add(struct store *st, const char *digest, const char *name)
{
	sqlite3_stmt *s = stmt(st, S_DELTA_ADD);

	if (s == NULL)
		return -1;
	btext(s, 1, digest);
	bint(s, 2, st->run_id);
	btext(s, 3, st->run_time);
	btext(s, 4, name);
	return run(st, s, "recording a delta file");
}

int
store_load_nodes(struct store *st, struct strmap *nodes)
{
	sqlite3_stmt *s = stmt(st, S_NODES);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct node_ref *n = xcalloc(1, sizeof *n);
		void *old;

		snprintf(n->type, sizeof n->type, "%s", (const char *)sqlite3_column_text(s, 1));
		n->can_ship = sqlite3_column_int(s, 2);
		n->can_pickup = sqlite3_column_int(s, 3);
		n->can_curbside = sqlite3_column_int(s, 4);
		n->active = sqlite3_column_int(s, 5);
		if (strmap_get(nodes, (const char *)sqlite3_column_text(s, 0), &old))
			free(old);
		strmap_put(nodes, (const char *)sqlite3_column_text(s, 0), n);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading nodes");
}

int
store_load_skus(struct store *st, struct strmap *skus)
{
	sqlite3_stmt *s = stmt(st, S_SKUS);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t *price = xmalloc(sizeof *price);
		void *old;

		*price = sqlite3_column_int64(s, 1);
		if (strmap_get(skus, (const char *)sqlite3_column_text(s, 0), &old))
			free(old);
		strmap_put(skus, (const char *)sqlite3_column_text(s, 0), price);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading items");
}

static const char sql_customers[] = "SELECT customer_id FROM customer";

int
store_load_customers(struct store *st, struct strmap *customers)
{
	sqlite3_stmt *s = store_sql(st, sql_customers);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strmap_put(customers, (const char *)sqlite3_column_text(s, 0), NULL);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading customers");
}

int
store_seen(struct store *st, const char *key, size_t keylen, int64_t digest,
    long line, long *first_line)
{
	sqlite3_stmt *s;
	int64_t h;
	int rc;

	if (!st->seen_ready) {
		sqlite3_finalize(st->stmt[S_SEEN_INS]);
		sqlite3_finalize(st->stmt[S_SEEN_GET]);
		st->stmt[S_SEEN_INS] = st->stmt[S_SEEN_GET] = NULL;
		if (exec(st, "CREATE TEMP TABLE IF NOT EXISTS seen (k BLOB PRIMARY KEY, "
		    "h INTEGER, line INTEGER) WITHOUT ROWID; DELETE FROM temp.seen",
		    "creating a work table") != 0)
			return -1;
		st->seen_ready = 1;
	}
	if ((s = stmt(st, S_SEEN_INS)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC);
	bint(s, 2, digest);
	bint(s, 3, line);
	if (run(st, s, "remembering a key") != 0)
		return -1;
	if (sqlite3_changes(st->db) > 0)
		return 0;
	if ((s = stmt(st, S_SEEN_GET)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return fail(st, rc, "reading a key");
	}
	h = sqlite3_column_int64(s, 0);
	*first_line = (long)sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	return h == digest ? 1 : 2;
}

int
store_seen_has(struct store *st, const char *key, size_t keylen)
{
	sqlite3_stmt *s;
	int rc;

	if (!st->seen_ready)
		return 0;
	if ((s = stmt(st, S_SEEN_GET)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading a key");
}

/* --- reports ----------------------------------------------------------- */

static const enum sid view_sid[] = {
	[VIEW_INVENTORY] = S_VIEW_INVENTORY,
	[VIEW_INVENTORY_BY_SKU] = S_VIEW_INVENTORY_BY_SKU,
	[VIEW_ALLOCATED_BY_SKU] = S_VIEW_ALLOCATED,
	[VIEW_LINES] = S_VIEW_LINES,
	[VIEW_RUNS] = S_VIEW_RUNS,
	[VIEW_FOREIGN_KEYS] = S_VIEW_FK,
	[VIEW_ORDERS_WITHOUT_LINES] = S_VIEW_NO_LINES,
	[VIEW_INTEGRITY] = S_VIEW_INTEGRITY,
	[VIEW_ALLOC_NODES] = S_ALLOC_NODES,
	[VIEW_ALLOC_STOCK] = S_ALLOC_STOCK,
	[VIEW_ALLOC_KEPT] = S_ALLOC_KEPT,
	[VIEW_ALLOC_ORDERS] = S_ALLOC_ORDERS,
};

int
store_view(struct store *st, enum store_view v, const char *const *params,
    int nparams, store_row_fn fn, void *ctx)
{
	sqlite3_stmt *s = stmt(st, view_sid[v]);
	const char **vals = NULL;
	int rc, i, n, stop = 0;

	if (s == NULL)
		return -1;
	for (i = 0; i < nparams; i++)
		btext(s, i + 1, params[i]);
	n = sqlite3_column_count(s);
	vals = xcalloc((size_t)n, sizeof *vals);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(s, i);
		stop = fn(ctx, n, vals);
	}
	free(vals);
	sqlite3_reset(s);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading a report");
}

const char *
store_col_text(const struct store_row *row, int col)
{
	return (const char *)sqlite3_column_text(row->s, col);
}

int64_t
store_col_int(const struct store_row *row, int col)
{
	return sqlite3_column_int64(row->s, col);
}

double
store_col_real(const struct store_row *row, int col)
{
	return sqlite3_column_double(row->s, col);
}

int
store_col_null(const struct store_row *row, int col)
{
	return sqlite3_column_type(row->s, col) == SQLITE_NULL;
}

int
store_view_typed(struct store *st, enum store_view v, const char *const *params,
    int nparams, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = stmt(st, view_sid[v]);
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < nparams; i++)
		btext(s, i + 1, params[i]);
	return store_each(st, s, fn, ctx, "reading");
}

/* --- allocation -------------------------------------------------------- */

int
store_scope_reset(struct store *st)
{
	return exec(st, "CREATE TEMP TABLE IF NOT EXISTS scope (order_id TEXT PRIMARY KEY) "
	    "WITHOUT ROWID; DELETE FROM temp.scope", "creating a work table");
}

int
store_scope_add(struct store *st, const char *order_id)
{
	sqlite3_stmt *s = stmt(st, S_SCOPE_HAS);
	int64_t known;

	if (s == NULL)
		return -1;
	btext(s, 1, order_id);
	if ((known = query_int(st, s, "reading an order")) <= 0)
		return (int)known;
	if ((s = stmt(st, S_SCOPE_ADD)) == NULL)
		return -1;
	btext(s, 1, order_id);
	return run(st, s, "remembering an order") == 0 ? 1 : -1;
}

/*
 * line_node_by_node finds the node's work; the sku is the line's.  The
 * order of service is alloc.c's to apply (service_cmp), not stated again
 * here.
 */
static const char sql_routed_at[] =
    "SELECT ln.order_id, ln.line_no, ln.routed, o.priority, o.promise_date, "
    "o.created_at FROM line_node ln "
    "JOIN order_line l ON l.order_id = ln.order_id AND l.line_no = ln.line_no "
    "JOIN orders o ON o.order_id = ln.order_id "
    "WHERE ln.node_id = ?1 AND l.sku = ?2 AND ln.routed > 0";

int
store_alloc_routed_at(struct store *st, const char *node_id, const char *sku,
    store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_routed_at);

	if (s == NULL)
		return -1;
	bind_text(s, 1, node_id);
	bind_text(s, 2, sku);
	return store_each(st, s, fn, ctx, "reading the routed work of a node short of stock");
}

/* (held orders are missing from VIEW_ALLOC_ORDERS, which is enough) */
static const char sql_alloc_lines[] =
    "SELECT order_id, line_no, sku, qty, method, pickup_node, allocated, backordered, "
    "backorder_reason, qty - shipped - cancelled FROM order_line "
    "WHERE (?1 IS NULL OR order_id IN (SELECT order_id FROM temp.scope)) "
    "ORDER BY order_id, line_no";

/*
 * A subquery per line would cost a seek each: merged below instead.  The
 * rows come in the table's key order, (order_id, line_no, node_id).
 */
static const char sql_alloc_work[] =
    "SELECT order_id, line_no, node_id, routed, released FROM line_node "
    "WHERE routed + released > 0 "
    "AND (?1 IS NULL OR order_id IN (SELECT order_id FROM temp.scope)) "
    "ORDER BY order_id, line_no, node_id";

int
store_alloc_lines(struct store *st, int scoped, store_alloc_line_fn fn, void *ctx)
{
	sqlite3_stmt *l = store_sql(st, sql_alloc_lines);
	sqlite3_stmt *w = store_sql(st, sql_alloc_work);
	struct store_row row;
	struct alloc_work *work = NULL;
	struct buf nodes = BUF_INIT;	/* the node ids of work, each with its NUL */
	int rc, wrc, stop = 0, nwork, capwork = 0, i;

	if (l == NULL || w == NULL)
		return -1;
	btext(l, 1, scoped ? "1" : NULL);
	btext(w, 1, scoped ? "1" : NULL);
	row.s = l;
	wrc = sqlite3_step(w);
	while (!stop && (wrc == SQLITE_ROW || wrc == SQLITE_DONE) &&
	    (rc = sqlite3_step(l)) == SQLITE_ROW) {
		const char *order_id = (const char *)sqlite3_column_text(l, 0);
		int64_t line_no = sqlite3_column_int64(l, 1);

		/* both in key order: skip work of lines not read, take this one's */
		nwork = 0;
		buf_reset(&nodes);
		while (wrc == SQLITE_ROW) {
			int c = strcmp((const char *)sqlite3_column_text(w, 0), order_id);
			int64_t wl = sqlite3_column_int64(w, 1);

			if (c == 0)
				c = wl < line_no ? -1 : wl > line_no;
			if (c > 0)
				break;
			if (c == 0) {
				if (nwork == capwork) {
					capwork = capwork ? 2 * capwork : 8;
					work = xrealloc(work, (size_t)capwork * sizeof *work);
				}
				/* an offset into nodes until the line's work is all read */
				work[nwork].node_id = (const char *)(uintptr_t)nodes.len;
				buf_adds(&nodes, (const char *)sqlite3_column_text(w, 2));
				buf_addc(&nodes, '\0');
				work[nwork].routed = sqlite3_column_int64(w, 3);
				work[nwork++].released = sqlite3_column_int64(w, 4);
			}
			wrc = sqlite3_step(w);
		}
		for (i = 0; i < nwork; i++)
			work[i].node_id = nodes.s + (uintptr_t)work[i].node_id;
		stop = fn(ctx, &row, work, nwork);
	}
	if (wrc != SQLITE_ROW && wrc != SQLITE_DONE)
		rc = wrc;
	sqlite3_reset(l);
	sqlite3_reset(w);
	free(work);
	buf_release(&nodes);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "reading the lines to allocate");
}

/*
 * The write-back of a whole run: one UPDATE that scans the table in key
 * order and asks the run, through oms_alloc(order_id, line_no, what), which
 * lines changed (what -1) and their new allocated (0), backordered (1) and
 * reason (2).  Updating the row under the scan spares the two seeks of
 * each single-row UPDATE (SQLite's own and its insert's).
 */
static const char sql_alloc_write[] =
    "UPDATE order_line SET allocated = oms_alloc(order_id, line_no, 0), "
    "backorder_reason = oms_alloc(order_id, line_no, 2), "
    SET_BACKORDERED("oms_alloc(order_id, line_no, 1)", "?1") " "
    "WHERE oms_alloc(order_id, line_no, -1)";

struct alloc_write {
	store_alloc_find_fn fn;
	void *ctx;
};

static void
alloc_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct alloc_write *w = sqlite3_user_data(cx);
	const char *order_id = (const char *)sqlite3_value_text(argv[0]);
	int what = sqlite3_value_int(argv[2]);
	int64_t allocated, backordered;
	const char *reason;

	(void)argc;
	if (order_id == NULL || !w->fn(w->ctx, order_id, sqlite3_value_int64(argv[1]),
	    &allocated, &backordered, &reason)) {
		if (what < 0)
			sqlite3_result_int(cx, 0);
		else	/* never: only the lines found above are updated */
			sqlite3_result_error(cx, "a line to update was not found", -1);
		return;
	}
	if (what < 0)
		sqlite3_result_int(cx, 1);
	else if (what == 0)
		sqlite3_result_int64(cx, allocated);
	else if (what == 1)
		sqlite3_result_int64(cx, backordered);
	else if (reason != NULL)
		sqlite3_result_text(cx, reason, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(cx);
}

int
store_alloc_write(struct store *st, store_alloc_find_fn fn, void *ctx, long n)
{
	struct alloc_write w = { fn, ctx };
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_create_function(st->db, "oms_alloc", 3, SQLITE_UTF8, &w, alloc_fn,
	    NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, sql_alloc_write, -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 1, st->run_time, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_DONE)
		rc = sqlite3_changes(st->db) == n ? SQLITE_OK : SQLITE_INTERNAL;
	else if (rc == SQLITE_ROW)
		rc = SQLITE_INTERNAL;
	sqlite3_finalize(s);
	sqlite3_create_function(st->db, "oms_alloc", 3, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(st, rc, "writing the allocations");
}

int
store_line_alloc(struct store *st, const char *order_id, int64_t line_no,
    int64_t allocated, int64_t backordered, const char *reason)
{
	sqlite3_stmt *s = stmt(st, S_LINE_ALLOC);

	if (s == NULL)
		return -1;
	btext(s, 1, order_id);
	bint(s, 2, line_no);
	bint(s, 3, allocated);
	bint(s, 4, backordered);
	btext(s, 5, reason);
	btext(s, 6, st->run_time);
	return run(st, s, "writing an allocation");
}

static void
bind_event_row(struct store *st, int table, const void *rows, int i, sqlite3_stmt *s,
    int base)
{
	const struct event_row *e = (const struct event_row *)rows + i;

	(void)table;
	btext(s, base + 1, st->run_time);
	btext(s, base + 2, e->order_id);
	btext(s, base + 3, e->type);
	btext(s, base + 4, e->payload);
	if (st->run_id)
		bint(s, base + 5, st->run_id);
}

int
store_events(struct store *st, const struct event_row *e, int n)
{
	return write_rows(st, M_EVENTS, bind_event_row, e, n) < 0 ? -1 : 0;
}

/* --- read snapshots --- */

/* The integer a one-row statement (a PRAGMA) returns: 0, or -1 after a diagnostic. */
static int
read_int(struct store *st, const char *text, int64_t *v, const char *what)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = sqlite3_prepare_v2(st->db, text, -1, &s, NULL)) != SQLITE_OK)
		return fail(st, rc, what);
	rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : fail(st, rc, what);
}

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
	if (exec(st, "BEGIN", read_what) != 0)
		return -1;
	st->in_read = 1;
	if (read_int(st, "PRAGMA schema_version", &v, read_what) != 0) {
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
		if (read_int(p, "PRAGMA data_version", &dv0, read_what) != 0) {
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
		if (exec(p, "BEGIN", read_what) != 0) {
			status = store_status(p);
			goto fail;
		}
		p->in_read = 1;
		if (read_int(p, "PRAGMA data_version", &dv1, read_what) != 0) {
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
