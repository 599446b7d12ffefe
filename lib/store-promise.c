/*
 * store-promise: what oms-promise reads and writes.  See store-promise.h.
 */
#include <string.h>

#include "store-int.h"
#include "store-promise.h"

/*
 * As store-alloc.c's stock, for the skus only (inventory_by_sku); what is
 * routed or released there, from their open lines (a line shipped and
 * cancelled in full holds nothing at a node).  order_line has no index by
 * sku (one would double the CPU of importing orders): its lines are a
 * scan.
 */
static const char sql_stock[] =
    "WITH s AS MATERIALIZED (SELECT value AS sku FROM json_each(?1)), "
    "rv AS MATERIALIZED (SELECT node_id, sku, SUM(qty) AS q FROM reservation "
    "WHERE expires_at > ?2 AND sku IN (SELECT sku FROM s) GROUP BY node_id, sku) "
    "SELECT i.sku, it.vendor_node, i.node_id, i.on_hand, "
    "COALESCE(i.safety_stock, n.safety_stock), COALESCE(rv.q, 0) "
    "FROM inventory i JOIN node n USING (node_id) JOIN item it USING (sku) "
    "LEFT JOIN rv ON rv.node_id = i.node_id AND rv.sku = i.sku "
    "WHERE i.sku IN (SELECT sku FROM s)";

/* Every sku's: as store-alloc.c's, live reservations at ?1 (not the clock) */
static const char sql_stock_all[] =
    "WITH r AS MATERIALIZED (SELECT ln.node_id, l.sku, "
    "SUM(ln.routed + ln.released) AS q FROM line_node ln "
    "JOIN order_line l USING (order_id, line_no) GROUP BY ln.node_id, l.sku) "
    "SELECT i.sku, it.vendor_node, i.node_id, i.on_hand, "
    "COALESCE(i.safety_stock, n.safety_stock), COALESCE(r.q, 0) + " LIVE_RESERVED("i") " "
    "FROM inventory i JOIN node n USING (node_id) JOIN item it USING (sku) "
    "LEFT JOIN r ON r.node_id = i.node_id AND r.sku = i.sku";

/*
 * The open lines of the skus, one scan: each with its work at each node
 * (adjacent rows; a line without work once, node_id NULL)
 */
static const char sql_lines[] =
    "SELECT l.order_id, l.line_no, l.sku, l.method, l.pickup_node, l.allocated, "
    "l.ship_to_store, ln.node_id, COALESCE(ln.routed + ln.released, 0) "
    "FROM order_line l LEFT JOIN line_node ln ON ln.order_id = l.order_id "
    "AND ln.line_no = l.line_no AND ln.routed + ln.released > 0 "
    "WHERE l.sku IN (SELECT value FROM json_each(?1)) AND l.qty > l.shipped + l.cancelled";

/* every allocation, a plain scan */
static const char sql_kept_all[] =
    "SELECT sku, method, pickup_node, allocated, ship_to_store FROM order_line "
    "WHERE allocated > 0";

static const char sql_items[] =
    "SELECT sku, weight_kg, ship_alone, vendor_node, unit_price FROM item "
    "WHERE sku IN (SELECT value FROM json_each(?1))";

static const char sql_place[] =
    "SELECT lat, lon FROM postal WHERE country = oms_country_key(?1) "
    "AND postal_code = oms_postal_key(?1, ?2)";

static const char sql_supply[] =
    "SELECT s.supply_id, s.node_id, s.sku, s.expected_at, s.qty - s.received - "
    "COALESCE((SELECT SUM(p.qty) FROM supply_peg p WHERE p.supply_id = s.supply_id), 0) AS open "
    "FROM supply s WHERE s.status = 'open' AND s.sku IN (SELECT value FROM json_each(?1)) "
    "AND open > 0 ORDER BY s.sku, s.expected_at, s.supply_id";

static const char sql_cart_held[] =
    "SELECT sku, node_id, SUM(qty) FROM reservation WHERE expires_at > ?2 AND cart_id IN "
    "(SELECT value FROM json_each(?1)) GROUP BY sku, node_id";

static const char sql_expire[] = "DELETE FROM reservation WHERE expires_at <= ?1";
static const char sql_cart_units[] =
    "SELECT COALESCE(SUM(qty), 0) FROM reservation WHERE cart_id = ?1";
static const char sql_drop[] = "DELETE FROM reservation WHERE cart_id = ?1";
static const char sql_add[] =
    "INSERT INTO reservation (cart_id, line_no, sku, node_id, qty, expires_at, made_at, "
    "run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO UPDATE SET "
    "qty = qty + excluded.qty";
static const char sql_any[] = "SELECT EXISTS (SELECT 1 FROM reservation)";

struct rows_ctx {
	void *fn;
	void *ctx;
};

static int
stock_row(void *p, const struct store_row *row)
{
	const struct rows_ctx *w = p;
	struct stock_reserved x;

	x.sku = store_col_text(row, 0);
	x.vendor_node = store_col_text(row, 1);
	x.node_id = store_col_text(row, 2);
	x.on_hand = store_col_int(row, 3);
	x.safety_stock = store_col_int(row, 4);
	x.reserved = store_col_int(row, 5);
	return ((int (*)(void *, const struct stock_reserved *))w->fn)(w->ctx, &x);
}

int
store_promise_stock(struct store *st, const struct strv *skus, const char *now,
    int (*fn)(void *ctx, const struct stock_reserved *s), void *ctx)
{
	sqlite3_stmt *s;
	struct rows_ctx w = { (void *)fn, ctx };

	if ((s = store_sql(st, skus ? sql_stock : sql_stock_all)) == NULL)
		return -1;
	if (skus == NULL) {
		bind_text(s, 1, now);
		return store_each(st, s, stock_row, &w, "reading the stock");
	}
	bind_list(s, 1, skus);
	bind_text(s, 2, now);
	return store_each(st, s, stock_row, &w, "reading the stock");
}

static int
kept_row(void *p, const struct store_row *row)
{
	const struct rows_ctx *w = p;
	struct kept_allocation x;

	x.sku = store_col_text(row, 0);
	x.method = store_col_text(row, 1);
	x.pickup_node = store_col_text(row, 2);
	x.allocated = store_col_int(row, 3);
	x.ship_to_store = store_col_int(row, 4);
	return ((int (*)(void *, const struct kept_allocation *))w->fn)(w->ctx, &x);
}

int
store_promise_kept(struct store *st,
    int (*fn)(void *ctx, const struct kept_allocation *k), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kept_all);
	struct rows_ctx w = { (void *)fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, kept_row, &w, "reading the allocations");
}

static int
line_row(void *p, const struct store_row *row)
{
	const struct rows_ctx *w = p;
	struct open_line x;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.sku = store_col_text(row, 2);
	x.method = store_col_text(row, 3);
	x.pickup_node = store_col_text(row, 4);
	x.allocated = store_col_int(row, 5);
	x.ship_to_store = store_col_int(row, 6);
	x.node_id = store_col_text(row, 7);
	x.work = store_col_int(row, 8);
	return ((int (*)(void *, const struct open_line *))w->fn)(w->ctx, &x);
}

int
store_promise_lines(struct store *st, const struct strv *skus,
    int (*fn)(void *ctx, const struct open_line *l), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_lines);
	struct rows_ctx w = { (void *)fn, ctx };

	if (s == NULL)
		return -1;
	bind_list(s, 1, skus);
	return store_each(st, s, line_row, &w, "reading the lines");
}

static int
item_row(void *p, const struct store_row *row)
{
	const struct rows_ctx *w = p;
	struct item_shipping x;

	x.sku = store_col_text(row, 0);
	x.weight_kg = store_col_real(row, 1);
	x.ship_alone = store_col_int(row, 2);
	x.vendor_node = store_col_text(row, 3);
	x.unit_price = store_col_int(row, 4);
	return ((int (*)(void *, const struct item_shipping *))w->fn)(w->ctx, &x);
}

int
store_promise_items(struct store *st, const struct strv *skus,
    int (*fn)(void *ctx, const struct item_shipping *it), void *ctx)
{
	sqlite3_stmt *s;
	struct rows_ctx w = { (void *)fn, ctx };

	if (skus == NULL)
		return store_route_items(st, fn, ctx);
	if ((s = store_sql(st, sql_items)) == NULL)
		return -1;
	bind_list(s, 1, skus);
	return store_each(st, s, item_row, &w, "reading the items");
}

int
store_promise_place(struct store *st, const char *country, const char *postal_code,
    double *lat, double *lon)
{
	sqlite3_stmt *s = store_sql(st, sql_place);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, country);
	bind_text(s, 2, postal_code);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_NULL ||
		    sqlite3_column_type(s, 1) == SQLITE_NULL) {
			sqlite3_reset(s);
			return 0;
		}
		*lat = sqlite3_column_double(s, 0);
		*lon = sqlite3_column_double(s, 1);
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "reading a postal code");
	return 0;
}

static int
supply_row(void *p, const struct store_row *row)
{
	const struct rows_ctx *w = p;
	struct open_supply x;

	x.supply_id = store_col_text(row, 0);
	x.node_id = store_col_text(row, 1);
	x.sku = store_col_text(row, 2);
	x.expected_at = store_col_text(row, 3);
	x.open = store_col_int(row, 4);
	return ((int (*)(void *, const struct open_supply *))w->fn)(w->ctx, &x);
}

int
store_promise_supply(struct store *st, const struct strv *skus,
    int (*fn)(void *ctx, const struct open_supply *s), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_supply);
	struct rows_ctx w = { (void *)fn, ctx };

	if (s == NULL)
		return -1;
	bind_list(s, 1, skus);
	return store_each(st, s, supply_row, &w, "reading the supply");
}

long
store_reservations_expire(struct store *st, const char *now)
{
	sqlite3_stmt *s = store_sql(st, sql_expire);

	if (s == NULL)
		return -1;
	bind_text(s, 1, now);
	if (store_done(st, s, "deleting expired reservations") != 0)
		return -1;
	return (long)sqlite3_changes(st->db);
}

int64_t
store_reservations_drop(struct store *st, const char *cart_id)
{
	sqlite3_stmt *s = store_sql(st, sql_cart_units);
	int64_t units;

	if (s == NULL)
		return -1;
	bind_text(s, 1, cart_id);
	if ((units = store_int(st, s, "reading a cart's reservations")) <= 0)
		return units;
	if ((s = store_sql(st, sql_drop)) == NULL)
		return -1;
	bind_text(s, 1, cart_id);
	return store_done(st, s, "deleting a cart's reservations") == 0 ? units : -1;
}

int
store_reservation_add(struct store *st, const char *cart_id, int64_t line_no,
    const char *sku, const char *node_id, int64_t qty, const char *expires_at)
{
	sqlite3_stmt *s = store_sql(st, sql_add);
	int64_t run = store_run_id(st);

	if (s == NULL)
		return -1;
	bind_text(s, 1, cart_id);
	bind_int(s, 2, line_no);
	bind_text(s, 3, sku);
	bind_text(s, 4, node_id);
	bind_int(s, 5, qty);
	bind_text(s, 6, expires_at);
	bind_text(s, 7, store_run_time(st));
	if (run > 0)
		bind_int(s, 8, run);
	return store_done(st, s, "writing a reservation");
}

int
store_reservations_any(struct store *st)
{
	sqlite3_stmt *s = store_sql(st, sql_any);

	if (s == NULL)
		return -1;
	return (int)store_int(st, s, "reading the reservations");
}

static int
held_row(void *p, const struct store_row *row)
{
	const struct rows_ctx *w = p;

	return ((int (*)(void *, const char *, const char *, int64_t))w->fn)(w->ctx,
	    store_col_text(row, 0), store_col_text(row, 1), store_col_int(row, 2));
}

int
store_promise_cart_held(struct store *st, const struct strv *carts, const char *now,
    int (*fn)(void *ctx, const char *sku, const char *node_id, int64_t qty), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_cart_held);
	struct rows_ctx w = { (void *)fn, ctx };

	if (s == NULL)
		return -1;
	bind_list(s, 1, carts);
	bind_text(s, 2, now);
	return store_each(st, s, held_row, &w, "reading the carts' reservations");
}
