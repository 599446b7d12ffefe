/*
 * store-scan: whole tables read in key order (store-scan.h), what the
 * KPIs, order quantities and the HTML page (lib/kpi.c, lib/eoq.c,
 * lib/html.c) are computed from.  Each query reads one table set in one
 * pass; the callers join the streams in memory, which is far faster on a
 * large store than correlated subqueries per order.
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"
#include "store-scan.h"

int
store_scan_begin(struct store *st)
{
	/*
	 * The reports read most of a large store once: mapping the file
	 * saves a copy of every page from the OS cache (a third of the time
	 * on a million lines).  Best effort: without it they are slower.
	 */
	store_exec(st, "PRAGMA mmap_size = 4294967296", "mapping the store");
	return 0;
}

/*
 * Every order: the range is kept by the caller, as the lines and events
 * of every order are read anyway (and the HTML page needs them all).
 */
static const char sql_orders_scan[] =
    "SELECT order_id, channel, promise_date, shipping_charge, created_at FROM orders "
    "ORDER BY order_id";

struct order_facts {
	int (*fn)(void *ctx, const struct order_fact *x);
	void *ctx;
};

static int
order_fact_row(void *p, const struct store_row *row)
{
	const struct order_facts *w = p;
	struct order_fact x;

	x.order_id = store_col_text(row, 0);
	x.channel = store_col_text(row, 1);
	x.promise_date = store_col_text(row, 2);
	x.shipping_charge = store_col_int(row, 3);
	x.created_at = store_col_text(row, 4);
	return w->fn(w->ctx, &x);
}

int
store_orders_scan(struct store *st, int (*fn)(void *ctx, const struct order_fact *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_orders_scan);
	struct order_facts w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, order_fact_row, &w, "reading orders for the KPIs");
}

/* Every line in key order: one pass over the table, no join. */
static const char sql_lines_scan[] =
    "SELECT order_id, line_no, qty, shipped, cancelled, returned, backordered, "
    "unit_price, discount, ever_backordered FROM order_line ORDER BY order_id, line_no";

struct line_facts {
	int (*fn)(void *ctx, const struct line_fact *x);
	void *ctx;
};

static int
line_fact_row(void *p, const struct store_row *row)
{
	const struct line_facts *w = p;
	struct line_fact x;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.qty = store_col_int(row, 2);
	x.shipped = store_col_int(row, 3);
	x.cancelled = store_col_int(row, 4);
	x.returned = store_col_int(row, 5);
	x.backordered = store_col_int(row, 6);
	x.unit_price = store_col_int(row, 7);
	x.discount = store_col_int(row, 8);
	x.ever_backordered = store_col_int(row, 9);
	return w->fn(w->ctx, &x);
}

int
store_lines_scan(struct store *st, int (*fn)(void *ctx, const struct line_fact *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_lines_scan);
	struct line_facts w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, line_fact_row, &w, "reading order lines for the KPIs");
}

/*
 * The routing costs (schema version 5) of the lines at the nodes they
 * shipped from, in key order: a scan of line_node.
 */
static const char sql_route_costs[] =
    "SELECT order_id, cost_cents FROM line_node WHERE shipped > 0 "
    "ORDER BY order_id, line_no, node_id";

struct route_costs {
	int (*fn)(void *ctx, const struct route_cost *x);
	void *ctx;
};

static int
route_cost_row(void *p, const struct store_row *row)
{
	const struct route_costs *w = p;
	struct route_cost x;

	x.order_id = store_col_text(row, 0);
	x.cost_cents = store_col_int(row, 1);
	return w->fn(w->ctx, &x);
}

int
store_route_costs(struct store *st, int (*fn)(void *ctx, const struct route_cost *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_route_costs);
	struct route_costs w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, route_cost_row, &w, "reading routing costs for the KPIs");
}

/*
 * The releases that shipped (schema version 5) and the transit days of
 * their band (008-transit-days.sql), by order: a scan of shipment.
 */
static const char sql_shipped_releases[] =
    "SELECT order_id, shipped_at, transit_days, delivered_at FROM shipment "
    "ORDER BY order_id, release_id";

struct shipped_releases {
	int (*fn)(void *ctx, const struct shipped_release *x);
	void *ctx;
};

static int
shipped_release_row(void *p, const struct store_row *row)
{
	const struct shipped_releases *w = p;
	struct shipped_release x;

	x.order_id = store_col_text(row, 0);
	x.shipped_at = store_col_text(row, 1);
	x.transit_known = !store_col_null(row, 2);
	x.transit_days = store_col_int(row, 2);
	x.delivered_at = store_col_text(row, 3);
	return w->fn(w->ctx, &x);
}

int
store_shipped_releases(struct store *st, int (*fn)(void *ctx, const struct shipped_release *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_shipped_releases);
	struct shipped_releases w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, shipped_release_row, &w, "reading shipments for the KPIs");
}

static const char sql_refund_totals[] =
    "SELECT order_id, CASE kind WHEN 'appeasement' THEN 1 WHEN 'adjustment' THEN 2 "
    "ELSE 0 END, sum(amount) FROM refund WHERE kind <> 'cancel' GROUP BY order_id, kind";

struct refund_totals {
	int (*fn)(void *ctx, const struct refund_total *x);
	void *ctx;
};

static int
refund_total_row(void *p, const struct store_row *row)
{
	const struct refund_totals *w = p;
	struct refund_total x;

	x.order_id = store_col_text(row, 0);
	x.kind = (int)store_col_int(row, 1);
	x.amount = store_col_int(row, 2);
	return w->fn(w->ctx, &x);
}

int
store_refund_totals(struct store *st, int (*fn)(void *ctx, const struct refund_total *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_refund_totals);
	struct refund_totals w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, refund_total_row, &w, "reading refunds for the KPIs");
}

/* Orders created in [?1, ?2), and lines of the skus ?1 (NULL: any), both by order_id. */
static const char sql_demand_orders[] =
    "SELECT order_id, created_at FROM orders WHERE created_at >= ?1 AND created_at < ?2 "
    "ORDER BY order_id";
static const char sql_demand_lines[] =
    "SELECT order_id, sku, qty - cancelled FROM order_line WHERE " IN_LIST("sku", "?1") " "
    "ORDER BY order_id, line_no";

int
store_demand(struct store *st, const char *from, const char *to, const struct strv *skus,
    int (*fn)(void *ctx, const char *sku, const char *created_at, int64_t qty), void *ctx)
{
	sqlite3_stmt *o = store_sql(st, sql_demand_orders), *l = store_sql(st, sql_demand_lines);
	int orc = SQLITE_DONE, lrc = SQLITE_DONE, r = 1, stop = 0;

	if (o == NULL || l == NULL)
		return -1;
	bind_text(o, 1, from);
	bind_text(o, 2, to);
	bind_list(l, 1, skus);
	orc = sqlite3_step(o);
	while (!stop && orc == SQLITE_ROW && (lrc = sqlite3_step(l)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(l, 0);

		/* the order of the line, or the first after it */
		while (orc == SQLITE_ROW &&
		    (r = strcmp((const char *)sqlite3_column_text(o, 0), id)) < 0)
			orc = sqlite3_step(o);
		if (orc == SQLITE_ROW && r == 0)
			stop = fn(ctx, (const char *)sqlite3_column_text(l, 1),
			    (const char *)sqlite3_column_text(o, 1), sqlite3_column_int64(l, 2));
	}
	sqlite3_reset(o);
	sqlite3_reset(l);
	if (stop)
		return stop < 0 ? -1 : 0;
	if (orc != SQLITE_ROW && orc != SQLITE_DONE)
		return store_fail(st, orc, "reading demand history");
	return lrc == SQLITE_ROW || lrc == SQLITE_DONE ? 0 :
	    store_fail(st, lrc, "reading demand history");
}

/* inventory is keyed by node first: sum it once per sku, not once per item */
/*
 * on_order: the open supply at active nodes (qty - received); backordered:
 * the units the item's lines wait for (pegged to supply or not).
 */
static const char sql_item_costs[] =
    "SELECT i.sku, i.unit_cost, i.ordering_cost, i.holding_rate, i.lead_time_days, "
    "coalesce(t.on_hand, 0), coalesce(u.on_order, 0), coalesce(b.backordered, 0) "
    "FROM item i LEFT JOIN (SELECT v.sku AS sku, "
    "sum(v.on_hand) AS on_hand FROM inventory v JOIN node n ON n.node_id = v.node_id "
    "WHERE n.active AND " IN_LIST("v.sku", "?1") " GROUP BY v.sku) t ON t.sku = i.sku "
    "LEFT JOIN (SELECT s.sku AS sku, sum(s.qty - s.received) AS on_order FROM supply s "
    "JOIN node n ON n.node_id = s.node_id WHERE n.active AND s.status = 'open' AND "
    IN_LIST("s.sku", "?1") " GROUP BY s.sku) u ON u.sku = i.sku "
    "LEFT JOIN (SELECT l.sku AS sku, sum(l.backordered) AS backordered FROM order_line l "
    "WHERE l.backordered > 0 AND " IN_LIST("l.sku", "?1") " GROUP BY l.sku) b "
    "ON b.sku = i.sku "
    "WHERE i.active AND " IN_LIST("i.sku", "?1") " ORDER BY i.sku";

struct item_costs {
	int (*fn)(void *ctx, const struct item_cost *c);
	void *ctx;
};

/* A row of sql_item_costs as a struct item_cost, to the caller's fn. */
static int
item_cost_row(void *p, const struct store_row *row)
{
	const struct item_costs *w = p;
	struct item_cost c;

	c.sku = store_col_text(row, 0);
	c.unit_cost = store_col_real(row, 1);
	c.ordering_cost = store_col_real(row, 2);
	c.holding_rate = store_col_real(row, 3);
	c.lead_time_days = store_col_real(row, 4);
	c.on_hand = store_col_int(row, 5);
	c.on_order = store_col_int(row, 6);
	c.backordered = store_col_int(row, 7);
	return w->fn(w->ctx, &c);
}

int
store_item_costs(struct store *st, const struct strv *skus,
    int (*fn)(void *ctx, const struct item_cost *c), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_item_costs);
	struct item_costs w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_list(s, 1, skus);
	return store_each(st, s, item_cost_row, &w, "reading items for EOQ");
}

/*
 * Every order line with its order's created_at: the two tables merged in
 * key order, as store_demand does (a join would look every order up).
 */
static const char sql_dated_orders[] =
    "SELECT order_id, created_at, promise_date FROM orders ORDER BY order_id";
static const char sql_dated_lines[] =
    "SELECT order_id, line_no, sku, qty, cancelled, backordered, backordered_at "
    "FROM order_line ORDER BY order_id, line_no";

int
store_lines_dated(struct store *st, int (*fn)(void *ctx, const struct store_order_line *l),
    void *ctx)
{
	sqlite3_stmt *o = store_sql(st, sql_dated_orders), *l = store_sql(st, sql_dated_lines);
	struct store_order_line x;
	int orc = SQLITE_DONE, lrc = SQLITE_DONE, r = 1, stop = 0;

	if (o == NULL || l == NULL)
		return -1;
	orc = sqlite3_step(o);
	while (!stop && (lrc = sqlite3_step(l)) == SQLITE_ROW) {
		x.order_id = (const char *)sqlite3_column_text(l, 0);
		/* the order of the line, or the first after it */
		while (orc == SQLITE_ROW && x.order_id != NULL &&
		    (r = strcmp((const char *)sqlite3_column_text(o, 0), x.order_id)) < 0)
			orc = sqlite3_step(o);
		x.created_at = orc == SQLITE_ROW && x.order_id != NULL && r == 0 ?
		    (const char *)sqlite3_column_text(o, 1) : NULL;
		x.promise_date = x.created_at != NULL ?
		    (const char *)sqlite3_column_text(o, 2) : NULL;
		x.line_no = sqlite3_column_int64(l, 1);
		x.sku = (const char *)sqlite3_column_text(l, 2);
		x.qty = sqlite3_column_int64(l, 3);
		x.cancelled = sqlite3_column_int64(l, 4);
		x.backordered = sqlite3_column_int64(l, 5);
		x.backordered_at = (const char *)sqlite3_column_text(l, 6);
		stop = fn(ctx, &x);
	}
	sqlite3_reset(o);
	sqlite3_reset(l);
	if (stop)
		return -1;
	if (orc != SQLITE_ROW && orc != SQLITE_DONE)
		return store_fail(st, orc, "reading orders");
	return lrc == SQLITE_DONE ? 0 : store_fail(st, lrc, "reading order lines");
}

static const char sql_reserved_work[] =
    "SELECT order_id, line_no, node_id, routed + released FROM line_node "
    "WHERE routed + released > 0 ORDER BY order_id, line_no, node_id";

struct line_reservations {
	int (*fn)(void *ctx, const struct line_reservation *x);
	void *ctx;
};

static int
line_reservation_row(void *p, const struct store_row *row)
{
	const struct line_reservations *w = p;
	struct line_reservation x;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.node_id = store_col_text(row, 2);
	x.reserved = store_col_int(row, 3);
	return w->fn(w->ctx, &x);
}

int
store_reserved_work(struct store *st, int (*fn)(void *ctx, const struct line_reservation *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_reserved_work);
	struct line_reservations w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, line_reservation_row, &w, "reading reservations");
}

static const char sql_inventory_rows[] =
    "SELECT i.node_id, i.sku, i.on_hand, COALESCE(i.safety_stock, n.safety_stock), "
    "n.active FROM inventory i JOIN node n USING (node_id) ORDER BY i.node_id, i.sku";

struct stock_facts {
	int (*fn)(void *ctx, const struct stock_fact *x);
	void *ctx;
};

static int
stock_fact_row(void *p, const struct store_row *row)
{
	const struct stock_facts *w = p;
	struct stock_fact x;

	x.node_id = store_col_text(row, 0);
	x.sku = store_col_text(row, 1);
	x.on_hand = store_col_int(row, 2);
	x.safety_stock = store_col_int(row, 3);
	x.node_active = store_col_int(row, 4) != 0;
	return w->fn(w->ctx, &x);
}

int
store_inventory_rows(struct store *st, int (*fn)(void *ctx, const struct stock_fact *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_inventory_rows);
	struct stock_facts w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, stock_fact_row, &w, "reading inventory");
}

static const char sql_release_last_day[] = "SELECT max(business_day) FROM release";

int
store_release_last_day(struct store *st, char day[11])
{
	sqlite3_stmt *s = store_sql(st, sql_release_last_day);
	int rc;

	day[0] = '\0';
	if (s == NULL)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		snprintf(day, 11, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "reading the last business day");
	return 0;
}
