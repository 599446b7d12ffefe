/*
 * store-report: the SQL of the KPI, EOQ and HTML reports (lib/kpi.c,
 * lib/eoq.c, lib/html.c).  Each query reads one table set in one pass;
 * the reports join the streams in memory, which is far faster on a large
 * store than correlated subqueries per order.
 */
#include <stdio.h>

#include "store-int.h"

/* Orders created in [?1, ?2] (NULL: unbounded), of channel ?3 (NULL: any). */
static const char sql_kpi_lines[] =
    "SELECT o.order_id, o.channel, o.promise_date, o.shipping_charge, l.line_no, "
    "l.qty, l.shipped, l.cancelled, l.returned, l.backordered, l.unit_price, l.discount "
    "FROM orders o JOIN order_line l ON l.order_id = o.order_id "
    "WHERE (?1 IS NULL OR o.created_at >= ?1) AND (?2 IS NULL OR o.created_at <= ?2) "
    "AND (?3 IS NULL OR o.channel = ?3) "
    "ORDER BY o.order_id, l.line_no";

int
store_kpi_lines(struct store *st, const char *from, const char *to, const char *channel,
    store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_lines);

	if (s == NULL)
		return -1;
	bind_text(s, 1, from);
	bind_text(s, 2, to);
	bind_text(s, 3, channel);
	return store_each(st, s, fn, ctx, "reading order lines for the KPIs");
}

/*
 * The allocation events that left a backorder, and the routing events
 * with their cost.  The type test comes first so that json_extract only
 * runs on the few types that matter.
 */
static const char sql_kpi_events[] =
    "SELECT order_id, type = 'line.routed', json_extract(payload, '$.line_no'), "
    "json_extract(payload, '$.node_id'), json_extract(payload, '$.cost') "
    "FROM event WHERE order_id IS NOT NULL AND (type = 'line.routed' OR "
    "(type IN ('line.allocated', 'line.backordered', 'line.deallocated') "
    "AND json_extract(payload, '$.backordered') > 0))";

int
store_kpi_events(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_events);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading events for the KPIs");
}

static const char sql_kpi_shipments[] =
    "SELECT r.order_id, r.release_id, r.node_id, rl.line_no, rl.shipped, "
    "(SELECT max(c.at) FROM confirmation c WHERE c.release_id = rl.release_id "
    "AND c.line_no = rl.line_no AND c.status IN ('shipped', 'picked_up')) "
    "FROM release r JOIN release_line rl ON rl.release_id = r.release_id "
    "WHERE rl.shipped > 0 ORDER BY r.release_id, rl.line_no";

int
store_kpi_shipments(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_kpi_shipments);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading shipments for the KPIs");
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

/* Lines of orders created in [?1, ?2), of sku ?3 (NULL: any). */
static const char sql_eoq_demand[] =
    "SELECT l.sku, o.created_at, l.qty - l.cancelled "
    "FROM orders o JOIN order_line l ON l.order_id = o.order_id "
    "WHERE o.created_at >= ?1 AND o.created_at < ?2 AND (?3 IS NULL OR l.sku = ?3)";

int
store_eoq_demand(struct store *st, const char *from, const char *to, const char *sku,
    store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_eoq_demand);

	if (s == NULL)
		return -1;
	bind_text(s, 1, from);
	bind_text(s, 2, to);
	bind_text(s, 3, sku);
	return store_each(st, s, fn, ctx, "reading demand history");
}

static const char sql_eoq_items[] =
    "SELECT i.sku, i.unit_cost, i.ordering_cost, i.holding_rate, i.lead_time_days, "
    "(SELECT coalesce(sum(v.on_hand), 0) FROM inventory v JOIN node n "
    "ON n.node_id = v.node_id WHERE v.sku = i.sku AND n.active) "
    "FROM item i WHERE i.active AND (?1 IS NULL OR i.sku = ?1) ORDER BY i.sku";

int
store_eoq_items(struct store *st, const char *sku, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_eoq_items);

	if (s == NULL)
		return -1;
	bind_text(s, 1, sku);
	return store_each(st, s, fn, ctx, "reading items for EOQ");
}

static const char sql_html_backorders[] =
    "SELECT o.created_at, l.backordered FROM order_line l "
    "JOIN orders o ON o.order_id = l.order_id WHERE l.backordered > 0";

int
store_html_backorders(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_html_backorders);

	if (s == NULL)
		return -1;
	return store_each(st, s, fn, ctx, "reading backorders");
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
