/*
 * store-alloc: what oms-allocate reads and writes (store-alloc.h): the
 * scope of a run, the network (nodes, stock, kept allocations), the
 * orders and lines to allocate with their work, the routed work at a
 * node, and the write-back.  Each load hands its caller a struct a row.
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "store-alloc.h"

static const char sql_scope_has[] = "SELECT 1 FROM orders WHERE order_id = ?1";
static const char sql_scope_add[] = "INSERT OR IGNORE INTO temp.scope (order_id) VALUES (?1)";
/*
 * One row a statement: a 32-row UPDATE ... FROM (VALUES ...) costs more.
 * ?6: the time of the event written with the change (SET_BACKORDERED),
 * NULL when none.
 */
static const char sql_line_alloc[] = "UPDATE order_line SET allocated = ?3, "
    "backorder_reason = ?5, " SET_BACKORDERED("?4", "?6") " WHERE order_id = ?1 AND line_no = ?2";

static const char sql_line_to_store[] = "UPDATE order_line SET ship_to_store = ?3 "
    "WHERE order_id = ?1 AND line_no = ?2 AND ship_to_store <> ?3";

int
store_scope_reset(struct store *st)
{
	return store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS scope (order_id TEXT PRIMARY KEY) "
	    "WITHOUT ROWID; DELETE FROM temp.scope", "creating a work table");
}

int
store_scope_add(struct store *st, const char *order_id)
{
	sqlite3_stmt *s = store_sql(st, sql_scope_has);
	int64_t known;

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	if ((known = store_int(st, s, "reading an order")) <= 0)
		return (int)known;
	if ((s = store_sql(st, sql_scope_add)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return store_done(st, s, "remembering an order") == 0 ? 1 : -1;
}

/* The network as allocation reads it, and the orders. */
static const char sql_node_caps[] =
    "SELECT n.node_id, n.type, n.active, n.can_ship, n.can_pickup, "
    "n.can_curbside, " NODE_PLACE_CODE ", " NODE_PLACE_COUNTRY ", n.ship_to_store "
    "FROM node n " NODE_PLACE_JOIN "ORDER BY n.node_id";
/* reserved: routed or released at the node, not shipped, and live reservations */
static const char sql_stock_reserved[] =
    "WITH r AS MATERIALIZED (SELECT ln.node_id, l.sku, "
    "SUM(ln.routed + ln.released) AS q FROM line_node ln "
    "JOIN order_line l USING (order_id, line_no) GROUP BY ln.node_id, l.sku) "
    "SELECT i.sku, it.vendor_node, i.node_id, i.on_hand, "
    "COALESCE(i.safety_stock, n.safety_stock), COALESCE(r.q, 0) + " LIVE_RESERVED("i") " "
    "FROM inventory i JOIN node n USING (node_id) JOIN item it USING (sku) "
    "LEFT JOIN r ON r.node_id = i.node_id AND r.sku = i.sku";
/* held orders keep what they hold and get nothing new */
static const char sql_allocations_kept[] =
    "SELECT sku, method, pickup_node, allocated, ship_to_store FROM order_line "
    "WHERE allocated > 0 AND ((?1 IS NOT NULL AND order_id NOT IN "
    "(SELECT order_id FROM temp.scope)) OR order_id IN (SELECT order_id FROM order_hold))";
/*
 * In key order, a plain scan: alloc.c sorts the orders by the order of
 * service itself, cheaper than a sort of every line here.
 */
static const char sql_orders_not_held[] =
    "SELECT o.order_id, o.priority, o.promise_date, o.created_at, o.ship_complete, "
    SHIP_TO_CODE ", " SHIP_TO_COUNTRY ", o.channel, o.ship_country, o.ship_region, "
    "o.ship_postal_code FROM orders o " SHIP_TO_JOIN
    "WHERE (?1 IS NULL OR o.order_id IN (SELECT order_id FROM temp.scope)) "
    "AND NOT EXISTS (SELECT 1 FROM order_hold h WHERE h.order_id = o.order_id) "
    "ORDER BY o.order_id";

struct network_nodes {
	int (*fn)(void *ctx, const struct network_node *n);
	void *ctx;
};

static int
network_node_row(void *p, const struct store_row *row)
{
	const struct network_nodes *w = p;
	struct network_node x;

	x.node_id = store_col_text(row, 0);
	x.type = store_col_text(row, 1);
	x.active = store_col_int(row, 2);
	x.can_ship = store_col_int(row, 3);
	x.can_pickup = store_col_int(row, 4);
	x.can_curbside = store_col_int(row, 5);
	x.postal_key = store_col_text(row, 6);
	x.country_key = store_col_text(row, 7);
	x.ship_to_store = store_col_int(row, 8);
	return w->fn(w->ctx, &x);
}

int
store_alloc_nodes(struct store *st,
    int (*fn)(void *ctx, const struct network_node *n), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_node_caps);
	struct network_nodes w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, network_node_row, &w, "reading the nodes");
}

struct stock_reserveds {
	int (*fn)(void *ctx, const struct stock_reserved *s);
	void *ctx;
};

static int
stock_reserved_row(void *p, const struct store_row *row)
{
	const struct stock_reserveds *w = p;
	struct stock_reserved x;

	x.sku = store_col_text(row, 0);
	x.vendor_node = store_col_text(row, 1);
	x.node_id = store_col_text(row, 2);
	x.on_hand = store_col_int(row, 3);
	x.safety_stock = store_col_int(row, 4);
	x.reserved = store_col_int(row, 5);
	return w->fn(w->ctx, &x);
}

int
store_alloc_stock(struct store *st,
    int (*fn)(void *ctx, const struct stock_reserved *s), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_stock_reserved);
	struct stock_reserveds w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, store_run_time(st));
	return store_each(st, s, stock_reserved_row, &w, "reading the stock");
}

struct kept_allocations {
	int (*fn)(void *ctx, const struct kept_allocation *k);
	void *ctx;
};

static int
kept_allocation_row(void *p, const struct store_row *row)
{
	const struct kept_allocations *w = p;
	struct kept_allocation x;

	x.sku = store_col_text(row, 0);
	x.method = store_col_text(row, 1);
	x.pickup_node = store_col_text(row, 2);
	x.allocated = store_col_int(row, 3);
	x.ship_to_store = store_col_int(row, 4);
	return w->fn(w->ctx, &x);
}

int
store_alloc_kept(struct store *st, int scoped,
    int (*fn)(void *ctx, const struct kept_allocation *k), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_allocations_kept);
	struct kept_allocations w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, scoped ? "1" : NULL);
	return store_each(st, s, kept_allocation_row, &w, "reading the allocations kept");
}

struct orders_to_allocate {
	int (*fn)(void *ctx, const struct order_to_allocate *o);
	void *ctx;
};

static int
order_to_allocate_row(void *p, const struct store_row *row)
{
	const struct orders_to_allocate *w = p;
	struct order_to_allocate x;

	x.order_id = store_col_text(row, 0);
	x.priority = store_col_int(row, 1);
	x.promise_date = store_col_text(row, 2);
	x.created_at = store_col_text(row, 3);
	x.ship_complete = store_col_int(row, 4);
	x.postal_key = store_col_text(row, 5);
	x.country_key = store_col_text(row, 6);
	x.channel = store_col_text(row, 7);
	x.ship_country = store_col_text(row, 8);
	x.ship_region = store_col_text(row, 9);
	x.ship_postal_code = store_col_text(row, 10);
	return w->fn(w->ctx, &x);
}

int
store_alloc_orders(struct store *st, int scoped,
    int (*fn)(void *ctx, const struct order_to_allocate *o), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_orders_not_held);
	struct orders_to_allocate w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, scoped ? "1" : NULL);
	return store_each(st, s, order_to_allocate_row, &w, "reading the orders");
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

struct routed_lines {
	int (*fn)(void *ctx, const struct routed_line *l);
	void *ctx;
};

static int
routed_line_row(void *p, const struct store_row *row)
{
	const struct routed_lines *w = p;
	struct routed_line x;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.routed = store_col_int(row, 2);
	x.priority = store_col_int(row, 3);
	x.promise_date = store_col_text(row, 4);
	x.created_at = store_col_text(row, 5);
	return w->fn(w->ctx, &x);
}

int
store_alloc_routed_at(struct store *st, const char *node_id, const char *sku,
    int (*fn)(void *ctx, const struct routed_line *l), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_routed_at);
	struct routed_lines w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, node_id);
	bind_text(s, 2, sku);
	return store_each(st, s, routed_line_row, &w,
	    "reading the routed work of a node short of stock");
}

/* (held orders are missing from sql_orders_not_held, which is enough) */
static const char sql_alloc_lines[] =
    "SELECT order_id, line_no, sku, qty, method, pickup_node, allocated, backordered, "
    "backorder_reason, qty - shipped - cancelled, shipped, ship_to_store, "
    "CASE WHEN method IN ('pickup', 'curbside') THEN "
    "(SELECT it.ship_to_store FROM item it WHERE it.sku = order_line.sku) ELSE 0 END, "
    "unit_price, discount FROM order_line "
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
	struct line_to_allocate x;
	struct alloc_work *work = NULL;
	struct buf nodes = BUF_INIT;	/* the node ids of work, each with its NUL */
	int rc, wrc, stop = 0, nwork, capwork = 0, i;

	if (l == NULL || w == NULL)
		return -1;
	bind_text(l, 1, scoped ? "1" : NULL);
	bind_text(w, 1, scoped ? "1" : NULL);
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
		x.order_id = order_id;
		x.line_no = line_no;
		x.sku = (const char *)sqlite3_column_text(l, 2);
		x.qty = sqlite3_column_int64(l, 3);
		x.method = (const char *)sqlite3_column_text(l, 4);
		x.pickup_node = (const char *)sqlite3_column_text(l, 5);
		x.allocated = sqlite3_column_int64(l, 6);
		x.backordered = sqlite3_column_int64(l, 7);
		x.backorder_reason = (const char *)sqlite3_column_text(l, 8);
		x.open_qty = sqlite3_column_int64(l, 9);
		x.shipped = sqlite3_column_int64(l, 10);
		x.ship_to_store = sqlite3_column_int64(l, 11);
		x.item_ship_to_store = sqlite3_column_int64(l, 12);
		x.unit_price = sqlite3_column_int64(l, 13);
		x.discount = sqlite3_column_int64(l, 14);
		stop = fn(ctx, &x, work, nwork);
	}
	if (wrc != SQLITE_ROW && wrc != SQLITE_DONE)
		rc = wrc;
	sqlite3_reset(l);
	sqlite3_reset(w);
	free(work);
	buf_release(&nodes);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading the lines to allocate");
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
    "ship_to_store = oms_alloc(order_id, line_no, 3), "
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
	int to_store;

	(void)argc;
	if (order_id == NULL || !w->fn(w->ctx, order_id, sqlite3_value_int64(argv[1]),
	    &allocated, &backordered, &reason, &to_store)) {
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
	else if (what == 3)
		sqlite3_result_int(cx, to_store);
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
		rc = store_changes(st) == n ? SQLITE_OK : SQLITE_INTERNAL;
	else if (rc == SQLITE_ROW)
		rc = SQLITE_INTERNAL;
	sqlite3_finalize(s);
	sqlite3_create_function(st->db, "oms_alloc", 3, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_fail(st, rc, "writing the allocations");
}

int
store_line_unrouted(struct store *st, const char *order_id, int64_t line_no,
    int64_t allocated, int64_t backordered, const char *reason, const char *at,
    const char *what)
{
	sqlite3_stmt *s = store_sql(st, sql_line_alloc);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, allocated);
	bind_int(s, 4, backordered);
	bind_text(s, 5, reason);
	bind_text(s, 6, at);
	return store_done(st, s, what);
}

int
store_line_alloc(struct store *st, const char *order_id, int64_t line_no,
    int64_t allocated, int64_t backordered, const char *reason, int ship_to_store)
{
	sqlite3_stmt *s;

	if (store_line_unrouted(st, order_id, line_no, allocated, backordered, reason,
	    st->run_time, "writing an allocation") != 0)
		return -1;
	if ((s = store_sql(st, sql_line_to_store)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, ship_to_store);
	return store_done(st, s, "writing an allocation");
}

/*
 * Held orders' stock.  Nothing is read when no channel frees it (the
 * common case); else the holds not yet freed, through their partial index
 * (share/schema/013-channel-policy.sql), a few rows however large the
 * store, each order and channel found by its key (CROSS JOIN keeps that
 * order: never a scan of the orders for a channel).  "Longer than": the
 * limit passed, not reached.
 */
static const char sql_hold_policy_any[] =
    "SELECT EXISTS (SELECT 1 FROM channel_policy WHERE hold_release_hours IS NOT NULL)";
static const char sql_holds_due[] =
    "SELECT h.order_id, h.hold_type, h.held_at, p.hold_release_hours "
    "FROM order_hold h CROSS JOIN orders o ON o.order_id = h.order_id "
    "CROSS JOIN channel_policy p ON p.channel = o.channel "
    "WHERE h.stock_freed_at IS NULL AND p.hold_release_hours IS NOT NULL "
    "AND strftime('%Y-%m-%dT%H:%M:%SZ', h.held_at, '+' || p.hold_release_hours || "
    "' hours') < ?1 AND (?2 IS NULL OR h.order_id IN (SELECT order_id FROM temp.scope)) "
    "ORDER BY h.order_id, h.hold_type";
static const char sql_held_stock[] =
    "SELECT l.line_no, l.sku, l.allocated, n.node_id, coalesce(n.routed, 0) "
    "FROM order_line l LEFT JOIN line_node n ON n.order_id = l.order_id "
    "AND n.line_no = l.line_no AND n.routed > 0 "
    "WHERE l.order_id = ?1 AND (l.allocated > 0 OR n.routed > 0) "
    "ORDER BY l.line_no, n.node_id";
static const char sql_unallocate[] =
    "UPDATE order_line SET allocated = 0 WHERE order_id = ?1 AND allocated > 0";
static const char sql_hold_freed[] =
    "UPDATE order_hold SET stock_freed_at = ?3 WHERE order_id = ?1 AND hold_type = ?2";

struct holds_due {
	int (*fn)(void *ctx, const struct hold_due *h);
	void *ctx;
};

static int
hold_due_row(void *p, const struct store_row *row)
{
	const struct holds_due *w = p;
	struct hold_due x;

	x.order_id = store_col_text(row, 0);
	x.hold_type = store_col_text(row, 1);
	x.held_at = store_col_text(row, 2);
	x.hours = store_col_int(row, 3);
	return w->fn(w->ctx, &x);
}

int
store_alloc_holds_due(struct store *st, int scoped, const char *now,
    int (*fn)(void *ctx, const struct hold_due *h), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_hold_policy_any);
	struct holds_due w = { fn, ctx };
	int64_t any;

	if (s == NULL || (any = store_int(st, s, "reading the channel policies")) < 0)
		return -1;
	if (any == 0)
		return 0;
	if ((s = store_sql(st, sql_holds_due)) == NULL)
		return -1;
	bind_text(s, 1, now);
	if (scoped)
		bind_int(s, 2, 1);
	return store_each(st, s, hold_due_row, &w, "reading held orders");
}

struct helds_stock {
	int (*fn)(void *ctx, const struct held_stock *h);
	void *ctx;
};

static int
held_stock_row(void *p, const struct store_row *row)
{
	const struct helds_stock *w = p;
	struct held_stock x;

	x.line_no = store_col_int(row, 0);
	x.sku = store_col_text(row, 1);
	x.allocated = store_col_int(row, 2);
	x.node_id = store_col_text(row, 3);
	x.routed = store_col_int(row, 4);
	return w->fn(w->ctx, &x);
}

int
store_alloc_held_stock(struct store *st, const char *order_id,
    int (*fn)(void *ctx, const struct held_stock *h), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_held_stock);
	struct helds_stock w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return store_each(st, s, held_stock_row, &w, "reading a held order's stock");
}

int
store_alloc_unallocate(struct store *st, const char *order_id)
{
	sqlite3_stmt *s = store_sql(st, sql_unallocate);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return store_done(st, s, "freeing a held order's stock");
}

int
store_alloc_hold_freed(struct store *st, const char *order_id, const char *hold_type,
    const char *at)
{
	sqlite3_stmt *s = store_sql(st, sql_hold_freed);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, hold_type);
	bind_text(s, 3, at);
	return store_done(st, s, "recording a hold's stock freed");
}
