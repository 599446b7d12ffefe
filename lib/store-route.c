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
 * (?1) count against the day's capacity.
 */
static const char sql_nodes[] =
    "SELECT n.node_id, n.type, n.active, n.can_ship, n.can_pickup, n.can_curbside, "
    PLACE_LAT("n.lat", "p") ", " PLACE_LON("n.lon", "p") ", n.handling_cost, "
    "n.processing_days, n.capacity_per_day, (SELECT count(*) FROM release r "
    "WHERE r.node_id = n.node_id AND r.business_day = ?1), "
    NODE_PLACE_CODE ", " NODE_PLACE_COUNTRY " "
    "FROM node n " NODE_PLACE_JOIN
    "ORDER BY n.node_id";

static const char sql_rates[] =
    "SELECT max_km, base_cost, per_kg, transit_days FROM rate ORDER BY max_km";

static const char sql_items[] =
    "SELECT sku, weight_kg, ship_alone, vendor_node FROM item";

/* Stock with what is routed and released there. */
static const char sql_stock[] =
    "WITH r AS MATERIALIZED (SELECT ln.node_id, l.sku, SUM(ln.routed) AS routed, "
    "SUM(ln.released) AS released FROM line_node ln "
    "JOIN order_line l USING (order_id, line_no) GROUP BY ln.node_id, l.sku) "
    "SELECT i.node_id, i.sku, i.on_hand, COALESCE(i.safety_stock, n.safety_stock), "
    "COALESCE(r.routed, 0), COALESCE(r.released, 0) "
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
#define LINES_IN_PLAY \
    "SELECT l.order_id, l.line_no, l.sku, l.qty, l.allocated, l.method, l.pickup_node, " \
    "o.priority, o.promise_date, o.created_at, " PLACE_LAT("o.ship_lat", "p") ", " \
    PLACE_LON("o.ship_lon", "p") ", l.backordered, l.backorder_reason, " \
    SHIP_TO_CODE ", " SHIP_TO_COUNTRY " " \
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
 * lines' (not pickup or curbside): order_id, node_id, method,
 * pickup_node, sku.
 */
#define WORK_RELEASED \
    "SELECT ln.order_id, ln.node_id, l.method, l.pickup_node, l.sku FROM line_node ln " \
    "JOIN order_line l USING (order_id, line_no) " \
    "WHERE (ln.released > 0 OR ln.shipped > 0) AND l.method IN ('ship', 'locker') "

/* The orders of the scope only, for the [1] of route_sql: the column C. */
#define IN_SCOPE(C) "AND " C " IN (SELECT order_id FROM temp.scope) "

/* Each view's statement: [0] every order, [1] the scope's. */
static const char *const route_sql[][2] = {
	[ROUTE_NODES] = { sql_nodes, sql_nodes },
	[ROUTE_RATES] = { sql_rates, sql_rates },
	[ROUTE_ITEMS] = { sql_items, sql_items },
	[ROUTE_STOCK] = { sql_stock, sql_stock },
	[ROUTE_LINES] = { LINES_IN_PLAY "ORDER BY l.order_id, l.line_no",
	    LINES_IN_PLAY IN_SCOPE("o.order_id") "ORDER BY l.order_id, l.line_no" },
	[ROUTE_WORK_ROWS] = { WORK_IN_PLAY, WORK_IN_PLAY IN_SCOPE("ln.order_id") },
	[ROUTE_USED_ROWS] = { WORK_RELEASED, WORK_RELEASED IN_SCOPE("ln.order_id") },
};

int
store_route_read(struct store *st, enum store_route_view v, const char *day, int scoped,
    store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, route_sql[v][scoped != 0]);

	if (s == NULL)
		return -1;
	if (v == ROUTE_NODES)
		bind_text(s, 1, day);
	return store_each(st, s, fn, ctx, "reading what to route");
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
