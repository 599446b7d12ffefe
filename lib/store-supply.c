/*
 * store-supply: every statement about stock on its way (store-supply.h):
 * supply, its pegs, what allocation reads to peg.
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"
#include "store-supply.h"

static const char sql_supply_get[] =
    "SELECT s.supply_id, s.node_id, s.sku, s.kind, s.status, s.expected_at, s.qty, "
    "s.received, coalesce((SELECT sum(g.qty) FROM supply_peg g "
    "WHERE g.supply_id = s.supply_id), 0) FROM supply s WHERE s.supply_id = ?1";
static const char sql_supply_put[] =
    "INSERT OR REPLACE INTO supply (supply_id, node_id, sku, qty, expected_at, kind, "
    "received, status, changed_at, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "CASE WHEN ?4 = 0 THEN 'cut' WHEN ?7 >= ?4 THEN 'received' ELSE 'open' END, ?8, ?9)";
static const char sql_supply_any[] =
    "SELECT EXISTS (SELECT 1 FROM supply WHERE status = 'open') OR "
    "EXISTS (SELECT 1 FROM supply_peg)";

static void
copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src != NULL ? src : "");
}

int
store_supply_get(struct store *st, const char *supply_id, struct supply *out)
{
	sqlite3_stmt *s = store_sql(st, sql_supply_get);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, supply_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		copy(out->supply_id, sizeof out->supply_id, (const char *)sqlite3_column_text(s, 0));
		copy(out->node_id, sizeof out->node_id, (const char *)sqlite3_column_text(s, 1));
		copy(out->sku, sizeof out->sku, (const char *)sqlite3_column_text(s, 2));
		copy(out->kind, sizeof out->kind, (const char *)sqlite3_column_text(s, 3));
		copy(out->status, sizeof out->status, (const char *)sqlite3_column_text(s, 4));
		copy(out->expected_at, sizeof out->expected_at,
		    (const char *)sqlite3_column_text(s, 5));
		out->qty = sqlite3_column_int64(s, 6);
		out->received = sqlite3_column_int64(s, 7);
		out->pegged = sqlite3_column_int64(s, 8);
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading supply");
}

int
store_supply_put(struct store *st, const struct supply *x)
{
	sqlite3_stmt *s = store_sql(st, sql_supply_put);

	if (s == NULL)
		return -1;
	bind_text(s, 1, x->supply_id);
	bind_text(s, 2, x->node_id);
	bind_text(s, 3, x->sku);
	bind_int(s, 4, x->qty);
	bind_text(s, 5, x->expected_at);
	bind_text(s, 6, x->kind);
	bind_int(s, 7, x->received);
	bind_text(s, 8, st->run_time);
	bind_int(s, 9, st->run_id);
	return store_done(st, s, "writing supply");
}

int
store_supply_any(struct store *st)
{
	sqlite3_stmt *s = store_sql(st, sql_supply_any);

	if (s == NULL)
		return -1;
	return (int)store_int(st, s, "reading supply");
}

/* --- pegs ---------------------------------------------------------------- */

#define PEG_COLS "g.supply_id, g.order_id, l.sku, s.expected_at, l.backorder_reason, " \
    "g.line_no, g.qty, l.allocated, l.backordered, " \
    "(SELECT sum(h.qty) FROM supply_peg h WHERE h.order_id = g.order_id " \
    "AND h.line_no = g.line_no) "
static const char sql_pegs_first[] =
    "SELECT " PEG_COLS "FROM supply_peg g JOIN supply s ON s.supply_id = g.supply_id "
    "JOIN orders o ON o.order_id = g.order_id JOIN order_line l ON l.order_id = "
    "g.order_id AND l.line_no = g.line_no WHERE g.supply_id = ?1 "
    "ORDER BY " SERVICE_ORDER("o") ", g.line_no";
static const char sql_pegs_over[] =
    "WITH p AS (SELECT order_id, line_no, sum(qty) AS pegged FROM supply_peg "
    "GROUP BY order_id, line_no) "
    "SELECT g.supply_id, g.order_id, l.sku, s.expected_at, l.backorder_reason, "
    "g.line_no, g.qty, l.allocated, l.backordered, p.pegged "
    "FROM p JOIN order_line l ON l.order_id = p.order_id AND l.line_no = p.line_no "
    "JOIN supply_peg g ON g.order_id = p.order_id AND g.line_no = p.line_no "
    "JOIN supply s ON s.supply_id = g.supply_id "
    "WHERE p.pegged > l.backordered AND (?1 IS NULL OR p.order_id IN "
    "(SELECT order_id FROM temp.scope)) "
    "ORDER BY g.order_id, g.line_no, s.expected_at DESC, g.supply_id DESC";

struct pegs {
	supply_peg_fn fn;
	void *ctx;
};

static int
peg_row(void *p, const struct store_row *row)
{
	const struct pegs *w = p;
	struct supply_peg x;

	x.supply_id = store_col_text(row, 0);
	x.order_id = store_col_text(row, 1);
	x.sku = store_col_text(row, 2);
	x.expected_at = store_col_text(row, 3);
	x.reason = store_col_text(row, 4);
	x.line_no = store_col_int(row, 5);
	x.qty = store_col_int(row, 6);
	x.allocated = store_col_int(row, 7);
	x.backordered = store_col_int(row, 8);
	x.line_pegged = store_col_int(row, 9);
	x.excess = x.line_pegged - x.backordered;
	return w->fn(w->ctx, &x);
}

int
store_supply_pegs(struct store *st, const char *supply_id, supply_peg_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_pegs_first);
	struct pegs w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, supply_id);
	return store_each(st, s, peg_row, &w, "reading the lines pegged to supply");
}

int
store_pegs_over(struct store *st, int scoped, supply_peg_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_pegs_over);
	struct pegs w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, scoped ? "1" : NULL);
	return store_each(st, s, peg_row, &w, "reading the lines pegged to supply");
}

static const char sql_peg_delete[] =
    "DELETE FROM supply_peg WHERE supply_id = ?1 AND order_id = ?2 AND line_no = ?3";
static const char sql_peg_set[] =
    "INSERT INTO supply_peg (supply_id, order_id, line_no, qty, pegged_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (supply_id, order_id, line_no) "
    "DO UPDATE SET qty = excluded.qty";
static const char sql_peg_add[] =
    "INSERT INTO supply_peg (supply_id, order_id, line_no, qty, pegged_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (supply_id, order_id, line_no) "
    "DO UPDATE SET qty = qty + excluded.qty";

static int
peg_write(struct store *st, const char *sql, const char *supply_id, const char *order_id,
    int64_t line_no, int64_t qty)
{
	sqlite3_stmt *s = store_sql(st, sql);

	if (s == NULL)
		return -1;
	bind_text(s, 1, supply_id);
	bind_text(s, 2, order_id);
	bind_int(s, 3, line_no);
	if (sql != sql_peg_delete) {
		bind_int(s, 4, qty);
		bind_text(s, 5, st->run_time);
	}
	return store_done(st, s, "writing a line's peg to supply");
}

int
store_peg_set(struct store *st, const char *supply_id, const char *order_id,
    int64_t line_no, int64_t qty)
{
	return peg_write(st, qty > 0 ? sql_peg_set : sql_peg_delete, supply_id, order_id,
	    line_no, qty);
}

int
store_peg_add(struct store *st, const char *supply_id, const char *order_id,
    int64_t line_no, int64_t qty)
{
	return qty > 0 ? peg_write(st, sql_peg_add, supply_id, order_id, line_no, qty) : 0;
}

/* The latest expected first: the date by which every pegged unit is there. */
static const char sql_line_expected[] =
    "SELECT s.expected_at, s.supply_id FROM supply_peg g JOIN supply s "
    "ON s.supply_id = g.supply_id WHERE g.order_id = ?1 AND g.line_no = ?2 "
    "ORDER BY s.expected_at DESC, s.supply_id DESC LIMIT 1";

int
store_line_expected(struct store *st, const char *order_id, int64_t line_no,
    char expected_at[21], char *supply_id)
{
	sqlite3_stmt *s = store_sql(st, sql_line_expected);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	expected_at[0] = '\0';
	if (supply_id != NULL)
		supply_id[0] = '\0';
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		copy(expected_at, 21, (const char *)sqlite3_column_text(s, 0));
		if (supply_id != NULL)
			copy(supply_id, ROWS_MAX_KEY + 1, (const char *)sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading a line's supply");
}

int
store_line_supply_set(struct store *st, const char *order_id, int64_t line_no,
    int64_t allocated, int64_t backordered, const char *reason)
{
	return store_line_unrouted(st, order_id, line_no, allocated, backordered, reason,
	    st->run_time, "writing a line waiting for supply");
}

/* --- what allocation pegs ---------------------------------------------------- */

static const char sql_open_supply[] =
    "SELECT s.supply_id, s.node_id, s.sku, s.expected_at, s.qty - s.received - "
    "coalesce((SELECT sum(g.qty) FROM supply_peg g WHERE g.supply_id = s.supply_id), 0), "
    "n.type = 'vendor', n.active, n.can_ship, n.can_pickup, n.can_curbside, "
    NODE_LOCATED ", n.ship_to_store, it.vendor_node IS s.node_id "
    "FROM supply s JOIN node n ON n.node_id = s.node_id " NODE_PLACE_JOIN
    "JOIN item it ON it.sku = s.sku WHERE s.status = 'open' "
    "ORDER BY s.sku, s.expected_at, s.supply_id";

struct opens {
	int (*fn)(void *ctx, const struct open_supply *s);
	void *ctx;
};

static int
open_row(void *p, const struct store_row *row)
{
	const struct opens *w = p;
	struct open_supply x;

	x.supply_id = store_col_text(row, 0);
	x.node_id = store_col_text(row, 1);
	x.sku = store_col_text(row, 2);
	x.expected_at = store_col_text(row, 3);
	x.open = store_col_int(row, 4);
	x.vendor = (int)store_col_int(row, 5);
	x.active = (int)store_col_int(row, 6);
	x.can_ship = (int)store_col_int(row, 7);
	x.can_pickup = (int)store_col_int(row, 8);
	x.can_curbside = (int)store_col_int(row, 9);
	x.located = (int)store_col_int(row, 10);
	x.ship_to_store = (int)store_col_int(row, 11);
	x.own_item = (int)store_col_int(row, 12);
	return w->fn(w->ctx, &x);
}

int
store_open_supply(struct store *st, int (*fn)(void *ctx, const struct open_supply *s),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_open_supply);
	struct opens w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, open_row, &w, "reading open supply");
}

/*
 * The order's value as rules match it (sourcing_order.value): its
 * merchandise, qty x unit_price less discount over its lines.
 */
static const char sql_waiting[] =
    "SELECT l.order_id, l.sku, l.method, l.pickup_node, l.backorder_reason, o.channel, "
    "o.ship_country, o.ship_region, o.ship_postal_code, l.line_no, l.backordered, "
    "coalesce((SELECT sum(g.qty) FROM supply_peg g WHERE g.order_id = l.order_id "
    "AND g.line_no = l.line_no), 0), l.allocated, o.priority, "
    ORDER_MERCHANDISE("o.order_id") " "
    "FROM order_line l JOIN orders o ON o.order_id = l.order_id "
    "WHERE l.backordered > 0 AND (?1 IS NULL OR l.order_id IN "
    "(SELECT order_id FROM temp.scope)) "
    "AND NOT EXISTS (SELECT 1 FROM order_hold h WHERE h.order_id = o.order_id) "
    "AND EXISTS (SELECT 1 FROM supply s WHERE s.sku = l.sku AND s.status = 'open') "
    "ORDER BY " SERVICE_ORDER("o") ", l.line_no";

struct waitings {
	int (*fn)(void *ctx, const struct waiting_line *l);
	void *ctx;
};

static int
waiting_row(void *p, const struct store_row *row)
{
	const struct waitings *w = p;
	struct waiting_line x;

	x.order_id = store_col_text(row, 0);
	x.sku = store_col_text(row, 1);
	x.method = store_col_text(row, 2);
	x.pickup_node = store_col_text(row, 3);
	x.reason = store_col_text(row, 4);
	x.channel = store_col_text(row, 5);
	x.ship_country = store_col_text(row, 6);
	x.ship_region = store_col_text(row, 7);
	x.ship_postal_code = store_col_text(row, 8);
	x.line_no = store_col_int(row, 9);
	x.backordered = store_col_int(row, 10);
	x.pegged = store_col_int(row, 11);
	x.allocated = store_col_int(row, 12);
	x.priority = store_col_int(row, 13);
	x.value = store_col_int(row, 14);
	return w->fn(w->ctx, &x);
}

int
store_waiting_lines(struct store *st, int scoped,
    int (*fn)(void *ctx, const struct waiting_line *l), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_waiting);
	struct waitings w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, scoped ? "1" : NULL);
	return store_each(st, s, waiting_row, &w, "reading lines waiting for supply");
}
