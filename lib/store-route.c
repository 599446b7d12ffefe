/*
 * store-route: what oms-route reads and writes.  See store-route.h.
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"
#include "store-route.h"

/*
 * Nodes with a place: their own lat/lon, else their postal code's (by the
 * keys of the postal table, model.h); the releases already made today
 * (?1) count against the day's capacity (DAY_RELEASES).
 */
static const char sql_nodes[] =
    "SELECT n.node_id, n.type, n.active, n.can_ship, "
    PLACE_LAT("n.lat", "p") ", " PLACE_LON("n.lon", "p") ", n.handling_cost, "
    "n.processing_days, n.capacity_per_day, " DAY_RELEASES("n.node_id", "?1") ", "
    NODE_PLACE_CODE ", " NODE_PLACE_COUNTRY " "
    "FROM node n " NODE_PLACE_JOIN
    "ORDER BY n.node_id";

static const char sql_rates[] =
    "SELECT max_km, base_cost, per_kg, transit_days FROM rate ORDER BY max_km";

static const char sql_items[] =
    "SELECT sku, weight_kg, ship_alone, vendor_node FROM item";

/* Stock with what is routed and released there (live reservations as released). */
static const char sql_stock[] =
    "WITH r AS MATERIALIZED (SELECT ln.node_id, l.sku, SUM(ln.routed) AS routed, "
    "SUM(ln.released) AS released FROM line_node ln "
    "JOIN order_line l USING (order_id, line_no) GROUP BY ln.node_id, l.sku) "
    "SELECT i.node_id, i.sku, i.on_hand, COALESCE(i.safety_stock, n.safety_stock), "
    "COALESCE(r.routed, 0), COALESCE(r.released, 0) + " LIVE_RESERVED("i") " "
    "FROM inventory i JOIN node n USING (node_id) "
    "LEFT JOIN r ON r.node_id = i.node_id AND r.sku = i.sku "
    "UNION ALL "
    "SELECT r.node_id, r.sku, 0, 0, r.routed, r.released FROM r WHERE NOT EXISTS "
    "(SELECT 1 FROM inventory i WHERE i.node_id = r.node_id AND i.sku = r.sku)";

/*
 * The lines in play, in the order of their keys (the table's own order:
 * no sort; oms-route sorts the orders into the order of service itself,
 * which costs less than SQLite's sorting every column of every line):
 * every line with an unrouted allocation or routed work, of orders not on
 * hold (only the scope when scoped).  The destination is the ship-to
 * lat/lon, else its postal code's; when it has none, the keys looked up.
 */
#define LINES_IN_PLAY_V(VALUE) \
    "SELECT l.order_id, l.line_no, l.sku, l.qty, l.allocated, l.method, l.pickup_node, " \
    "o.priority, o.promise_date, o.created_at, " PLACE_LAT("o.ship_lat", "p") ", " \
    PLACE_LON("o.ship_lon", "p") ", l.backordered, l.backorder_reason, " \
    SHIP_TO_CODE ", " SHIP_TO_COUNTRY ", l.ship_to_store, o.channel, o.ship_country, " \
    "o.ship_region, o.ship_postal_code, l.unit_price, l.discount, " VALUE " " \
    "FROM orders o JOIN order_line l USING (order_id) " SHIP_TO_JOIN \
    "WHERE NOT EXISTS (SELECT 1 FROM order_hold h WHERE h.order_id = o.order_id) " \
    "AND (l.allocated > 0 OR EXISTS (SELECT 1 FROM line_node ln WHERE ln.order_id = " \
    "l.order_id AND ln.line_no = l.line_no AND ln.routed > 0)) "

/* Routed work of the orders in play: order_id, line_no, node_id, routed. */
#define WORK_IN_PLAY \
    "SELECT ln.order_id, ln.line_no, ln.node_id, ln.routed FROM line_node ln " \
    "WHERE ln.routed > 0 AND NOT EXISTS (SELECT 1 FROM order_hold h " \
    "WHERE h.order_id = ln.order_id) "

/*
 * Where orders have been released to and shipped from, their shipping
 * lines' (not pickup or curbside handed over at the node itself):
 * order_id, node_id, method, pickup_node, sku.
 */
#define WORK_RELEASED \
    "SELECT ln.order_id, ln.node_id, l.method, l.pickup_node, l.sku FROM line_node ln " \
    "JOIN order_line l USING (order_id, line_no) " \
    "WHERE (ln.released > 0 OR ln.shipped > 0) AND (l.method IN ('ship', 'locker') " \
    "OR ln.node_id <> l.pickup_node) "

/* The orders of the scope only: the column C. */
#define IN_SCOPE(C) "AND " C " IN (SELECT order_id FROM temp.scope) "

#define LINES_IN_PLAY LINES_IN_PLAY_V("0")
/* the order's merchandise, for sourcing rules: only read when there are rules */
#define LINES_VALUED LINES_IN_PLAY_V(ORDER_MERCHANDISE("o.order_id"))
static const char sql_lines[] = LINES_IN_PLAY "ORDER BY l.order_id, l.line_no";
static const char sql_lines_scoped[] =
    LINES_IN_PLAY IN_SCOPE("o.order_id") "ORDER BY l.order_id, l.line_no";
static const char sql_lines_valued[] = LINES_VALUED "ORDER BY l.order_id, l.line_no";
static const char sql_lines_valued_scoped[] =
    LINES_VALUED IN_SCOPE("o.order_id") "ORDER BY l.order_id, l.line_no";
static const char sql_work[] = WORK_IN_PLAY;
static const char sql_work_scoped[] = WORK_IN_PLAY IN_SCOPE("ln.order_id");
static const char sql_released[] = WORK_RELEASED;
static const char sql_released_scoped[] = WORK_RELEASED IN_SCOPE("ln.order_id");

/*
 * A place from row: lat and lon in columns clat and clat + 1, the keys
 * looked up in columns ckey and ckey + 1.
 */
static void
place_fill(struct place_lookup *x, const struct store_row *row, int clat, int ckey)
{
	x->located = !store_col_null(row, clat) && !store_col_null(row, clat + 1);
	x->lat = store_col_real(row, clat);
	x->lon = store_col_real(row, clat + 1);
	x->postal_key = store_col_text(row, ckey);
	x->country_key = store_col_text(row, ckey + 1);
}

struct network_nodes {
	int (*fn)(void *ctx, const struct shipping_node *x);
	void *ctx;
};

static int
network_node_row(void *p, const struct store_row *row)
{
	const struct network_nodes *w = p;
	struct shipping_node x;

	x.node_id = store_col_text(row, 0);
	x.type = store_col_text(row, 1);
	x.active = store_col_int(row, 2);
	x.can_ship = store_col_int(row, 3);
	place_fill(&x.place, row, 4, 10);
	x.handling_cost = store_col_real(row, 6);
	x.processing_days = store_col_int(row, 7);
	x.capacity_limited = !store_col_null(row, 8);
	x.capacity_per_day = store_col_int(row, 8);
	x.released_today = store_col_int(row, 9);
	return w->fn(w->ctx, &x);
}

int
store_route_nodes(struct store *st, const char *day,
    int (*fn)(void *ctx, const struct shipping_node *n), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_nodes);
	struct network_nodes w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, day);
	return store_each(st, s, network_node_row, &w, "reading what to route");
}

struct rate_card_bands {
	int (*fn)(void *ctx, const struct rate_card_band *x);
	void *ctx;
};

static int
rate_card_band_row(void *p, const struct store_row *row)
{
	const struct rate_card_bands *w = p;
	struct rate_card_band x;

	x.max_km = store_col_real(row, 0);
	x.base_cost = store_col_real(row, 1);
	x.per_kg = store_col_real(row, 2);
	x.transit_days = store_col_int(row, 3);
	return w->fn(w->ctx, &x);
}

int
store_route_rates(struct store *st,
    int (*fn)(void *ctx, const struct rate_card_band *b), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_rates);
	struct rate_card_bands w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, rate_card_band_row, &w, "reading what to route");
}

struct items_shipping {
	int (*fn)(void *ctx, const struct item_shipping *x);
	void *ctx;
};

static int
item_shipping_row(void *p, const struct store_row *row)
{
	const struct items_shipping *w = p;
	struct item_shipping x;

	x.sku = store_col_text(row, 0);
	x.weight_kg = store_col_real(row, 1);
	x.ship_alone = store_col_int(row, 2);
	x.vendor_node = store_col_text(row, 3);
	x.unit_price = 0;
	return w->fn(w->ctx, &x);
}

int
store_route_items(struct store *st,
    int (*fn)(void *ctx, const struct item_shipping *it), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_items);
	struct items_shipping w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, item_shipping_row, &w, "reading what to route");
}

struct node_stocks {
	int (*fn)(void *ctx, const struct stock_routed *x);
	void *ctx;
};

static int
node_stock_row(void *p, const struct store_row *row)
{
	const struct node_stocks *w = p;
	struct stock_routed x;

	x.node_id = store_col_text(row, 0);
	x.sku = store_col_text(row, 1);
	x.on_hand = store_col_int(row, 2);
	x.safety_stock = store_col_int(row, 3);
	x.routed = store_col_int(row, 4);
	x.released = store_col_int(row, 5);
	return w->fn(w->ctx, &x);
}

int
store_route_stock(struct store *st,
    int (*fn)(void *ctx, const struct stock_routed *s), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_stock);
	struct node_stocks w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, store_run_time(st));
	return store_each(st, s, node_stock_row, &w, "reading what to route");
}

struct lines_in_play {
	int (*fn)(void *ctx, const struct line_in_play *x);
	void *ctx;
};

static int
line_in_play_row(void *p, const struct store_row *row)
{
	const struct lines_in_play *w = p;
	struct line_in_play x;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.sku = store_col_text(row, 2);
	x.qty = store_col_int(row, 3);
	x.allocated = store_col_int(row, 4);
	x.method = store_col_text(row, 5);
	x.pickup_node = store_col_text(row, 6);
	x.priority = store_col_int(row, 7);
	x.promise_date = store_col_text(row, 8);
	x.created_at = store_col_text(row, 9);
	place_fill(&x.dest, row, 10, 14);
	x.backordered = store_col_int(row, 12);
	x.backorder_reason = store_col_text(row, 13);
	x.ship_to_store = store_col_int(row, 16);
	x.channel = store_col_text(row, 17);
	x.ship_country = store_col_text(row, 18);
	x.ship_region = store_col_text(row, 19);
	x.ship_postal_code = store_col_text(row, 20);
	x.unit_price = store_col_int(row, 21);
	x.discount = store_col_int(row, 22);
	x.order_value = store_col_int(row, 23);
	return w->fn(w->ctx, &x);
}

int
store_route_lines(struct store *st, int scoped, int valued,
    int (*fn)(void *ctx, const struct line_in_play *l), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, valued ? (scoped ? sql_lines_valued_scoped :
	    sql_lines_valued) : scoped ? sql_lines_scoped : sql_lines);
	struct lines_in_play w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, line_in_play_row, &w, "reading what to route");
}

struct works_in_play {
	int (*fn)(void *ctx, const struct work_in_play *x);
	void *ctx;
};

static int
work_in_play_row(void *p, const struct store_row *row)
{
	const struct works_in_play *w = p;
	struct work_in_play x;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.node_id = store_col_text(row, 2);
	x.routed = store_col_int(row, 3);
	return w->fn(w->ctx, &x);
}

int
store_route_work(struct store *st, int scoped,
    int (*fn)(void *ctx, const struct work_in_play *w), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, scoped ? sql_work_scoped : sql_work);
	struct works_in_play w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, work_in_play_row, &w, "reading what to route");
}

struct works_released {
	int (*fn)(void *ctx, const struct work_released *x);
	void *ctx;
};

static int
work_released_row(void *p, const struct store_row *row)
{
	const struct works_released *w = p;
	struct work_released x;

	x.order_id = store_col_text(row, 0);
	x.node_id = store_col_text(row, 1);
	x.method = store_col_text(row, 2);
	x.pickup_node = store_col_text(row, 3);
	x.sku = store_col_text(row, 4);
	return w->fn(w->ctx, &x);
}

int
store_route_released(struct store *st, int scoped,
    int (*fn)(void *ctx, const struct work_released *w), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, scoped ? sql_released_scoped : sql_released);
	struct works_released w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, work_released_row, &w, "reading what to route");
}

/*
 * The nodes oms-route needs a place for and cannot find one: active,
 * shipping (or vendors, whose items they ship, or lockers, which are
 * destinations), without lat/lon, their postal code not in the postal
 * table.
 */
static const char sql_unplaced[] =
    "SELECT n.node_id, " NODE_PLACE_CODE ", " NODE_PLACE_COUNTRY " "
    "FROM node n " NODE_PLACE_JOIN
    "WHERE n.active AND (n.can_ship OR n.type IN ('vendor', 'locker')) "
    "AND NOT " NODE_LOCATED " ORDER BY n.node_id";

struct unplaced_nodes {
	int (*fn)(void *ctx, const struct unplaced_node *x);
	void *ctx;
};

static int
unplaced_nodes_row(void *p, const struct store_row *row)
{
	const struct unplaced_nodes *w = p;
	struct unplaced_node x;

	x.node_id = store_col_text(row, 0);
	x.postal_key = store_col_text(row, 1);
	x.country_key = store_col_text(row, 2);
	return w->fn(w->ctx, &x);
}

int
store_unplaced_nodes(struct store *st,
    int (*fn)(void *ctx, const struct unplaced_node *n), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_unplaced);
	struct unplaced_nodes w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, unplaced_nodes_row, &w, "reading the nodes without a place");
}

int
store_route_line(struct store *st, const char *order_id, int64_t line_no,
    int64_t allocated, int64_t backordered, const char *reason, int event)
{
	return store_line_unrouted(st, order_id, line_no, allocated, backordered, reason,
	    event ? st->run_time : NULL, "writing a line");
}
