/*
 * store-report: the SQL of the KPI, EOQ and HTML reports (lib/kpi.c,
 * lib/eoq.c, lib/html.c).  Each query reads one table set in one pass;
 * the reports join the streams in memory, which is far faster on a large
 * store than correlated subqueries per order.
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"

int
store_report_begin(struct store *st)
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
static const char sql_kpi_orders[] =
    "SELECT order_id, channel, promise_date, shipping_charge, created_at FROM orders "
    "ORDER BY order_id";

int
store_kpi_orders(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_orders);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading orders for the KPIs");
}

/* Every line in key order: one pass over the table, no join. */
static const char sql_kpi_lines[] =
    "SELECT order_id, line_no, qty, shipped, cancelled, returned, backordered, "
    "unit_price, discount, sku FROM order_line ORDER BY order_id, line_no";

int
store_kpi_lines(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_lines);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading order lines for the KPIs");
}

/*
 * The allocation and routing events; the payload is read by the caller,
 * which is several times faster than json_extract on a million rows.
 * Read through event_by_type (schema version 4), each type in seq order:
 * only the rows of these types.  "order_id IS NOT NULL" here would make
 * SQLite walk event_by_order and fetch every row at random, ten times
 * slower.
 */
static const char sql_kpi_events[] =
    "SELECT order_id, type = 'line.routed', payload FROM event "
    "WHERE type IN ('line.routed', 'line.allocated', 'line.backordered', "
    "'line.deallocated')";

int
store_kpi_events(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_events);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading events for the KPIs");
}

static const char sql_kpi_ship_times[] =
    "SELECT release_id, at FROM confirmation WHERE status IN ('shipped', 'picked_up')";

int
store_kpi_ship_times(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_ship_times);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading confirmations for the KPIs");
}

static const char sql_kpi_shipped_lines[] =
    "SELECT release_id, order_id, line_no FROM release_line WHERE shipped > 0 "
    "ORDER BY release_id, line_no";

int
store_kpi_shipped_lines(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_shipped_lines);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading release lines for the KPIs");
}

static const char sql_kpi_release_node[] = "SELECT node_id FROM release WHERE release_id = ?1";

int
store_kpi_release_node(struct store *st, const char *release_id, struct buf *node)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_release_node);
	int rc;

	buf_reset(node);
	if (s == NULL)
		return -1;
	bind_text(s, 1, release_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		buf_adds(node, (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "reading a release's node");
	return rc == SQLITE_ROW;
}

static const char sql_kpi_refunds[] =
    "SELECT order_id, kind = 'appeasement', sum(amount) FROM refund "
    "GROUP BY order_id, kind";

int
store_kpi_refunds(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_refunds);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading refunds for the KPIs");
}

/* Orders created in [?1, ?2), and lines of sku ?1 (NULL: any), both by order_id. */
static const char sql_eoq_orders[] =
    "SELECT order_id, created_at FROM orders WHERE created_at >= ?1 AND created_at < ?2 "
    "ORDER BY order_id";
static const char sql_eoq_lines[] =
    "SELECT order_id, sku, qty - cancelled FROM order_line WHERE (?1 IS NULL OR sku = ?1) "
    "ORDER BY order_id, line_no";

int
store_eoq_demand(struct store *st, const char *from, const char *to, const char *sku,
    int (*fn)(void *ctx, const char *sku, const char *created_at, int64_t qty), void *ctx)
{
	sqlite3_stmt *o = store_sql(st, sql_eoq_orders), *l = store_sql(st, sql_eoq_lines);
	int orc = SQLITE_DONE, lrc = SQLITE_DONE, r = 1, stop = 0;

	if (o == NULL || l == NULL)
		return -1;
	bind_text(o, 1, from);
	bind_text(o, 2, to);
	bind_text(l, 1, sku);
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
static const char sql_eoq_items[] =
    "SELECT i.sku, i.unit_cost, i.ordering_cost, i.holding_rate, i.lead_time_days, "
    "coalesce(t.on_hand, 0) FROM item i LEFT JOIN (SELECT v.sku AS sku, "
    "sum(v.on_hand) AS on_hand FROM inventory v JOIN node n ON n.node_id = v.node_id "
    "WHERE n.active AND (?1 IS NULL OR v.sku = ?1) GROUP BY v.sku) t ON t.sku = i.sku "
    "WHERE i.active AND (?1 IS NULL OR i.sku = ?1) ORDER BY i.sku";

int
store_eoq_items(struct store *st, const char *sku, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_eoq_items);

	if (s == NULL)
		return -1;
	bind_text(s, 1, sku);
	return store_each(st, s, fn, ctx, "reading items for EOQ");
}

static const char sql_html_reserved[] =
    "SELECT order_id, line_no, node_id, routed + released FROM line_node "
    "WHERE routed + released > 0 ORDER BY order_id, line_no, node_id";

int
store_html_reserved(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_html_reserved);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading reservations");
}

static const char sql_html_inventory[] =
    "SELECT i.node_id, i.sku, i.on_hand, COALESCE(i.safety_stock, n.safety_stock), "
    "n.active FROM inventory i JOIN node n USING (node_id) ORDER BY i.node_id, i.sku";

int
store_html_inventory(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_html_inventory);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading inventory");
}

static const char sql_html_last_day[] = "SELECT max(business_day) FROM release";

int
store_html_last_day(struct store *st, char day[11])
{
	sqlite3_stmt *s = store_sql(st, sql_html_last_day);
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
