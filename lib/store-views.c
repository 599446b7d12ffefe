/*
 * store-views: what the orders, backorders and releases views of
 * oms-report read.  See store.h.
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"

/*
 * One row per line and node (a line with no work at a node: one row with
 * NULL node), by order then line, so the caller sums each order as its
 * rows go by.  The order filters are plain column tests on orders; the
 * node filter probes line_node by its key prefix (order_id).
 */
static const char sql_orders[] =
    "SELECT o.order_id, o.customer_id, o.channel, o.created_at, o.promise_date, "
    "o.priority, (SELECT group_concat(h.hold_type, ';') FROM order_hold h "
    "WHERE h.order_id = o.order_id), l.line_no, l.qty, l.allocated, l.shipped, "
    "l.cancelled, l.returned, l.backordered, ln.node_id, ln.routed, ln.released "
    "FROM orders o JOIN order_line l ON l.order_id = o.order_id "
    "LEFT JOIN line_node ln ON ln.order_id = l.order_id AND ln.line_no = l.line_no "
    "WHERE (?1 IS NULL OR o.channel = ?1) AND (?3 IS NULL OR o.created_at >= ?3) "
    "AND (?4 IS NULL OR o.created_at < ?4) "
    "AND (?2 IS NULL OR EXISTS (SELECT 1 FROM line_node x WHERE x.order_id = o.order_id "
    "AND x.node_id = ?2)) "
    "ORDER BY o.order_id, l.line_no, ln.node_id";

int
store_orders_view(struct store *st, const struct view_filter *f, store_typed_fn fn,
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_orders);

	if (s == NULL)
		return -1;
	bind_text(s, 1, f->channel);
	bind_text(s, 2, f->node);
	bind_text(s, 3, f->from);
	bind_text(s, 4, f->to_before);
	return store_each(st, s, fn, ctx, "reading the orders");
}

static const char sql_backorders[] =
    "SELECT l.order_id, l.line_no, l.sku, l.backordered, l.backorder_reason, "
    "o.created_at, o.priority, o.promise_date, o.channel, o.customer_id "
    "FROM order_line l JOIN orders o ON o.order_id = l.order_id "
    "WHERE l.backordered > 0 AND (?1 IS NULL OR o.channel = ?1) "
    "AND (?2 IS NULL OR l.sku = ?2) AND (?3 IS NULL OR o.created_at >= ?3) "
    "AND (?4 IS NULL OR o.created_at < ?4) ORDER BY l.order_id, l.line_no";

int
store_backorders_view(struct store *st, const struct view_filter *f, store_typed_fn fn,
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_backorders);

	if (s == NULL)
		return -1;
	bind_text(s, 1, f->channel);
	bind_text(s, 2, f->sku);
	bind_text(s, 3, f->from);
	bind_text(s, 4, f->to_before);
	return store_each(st, s, fn, ctx, "reading the backorders");
}

/*
 * The line events that carry "backordered" (allocate's and route's) of
 * every order with a backordered line, read by order (event_by_order).
 */
static const char sql_backorder_events[] =
    "SELECT e.order_id, e.payload ->> '$.line_no', e.payload ->> '$.backordered', e.at "
    "FROM event e WHERE e.order_id IN (SELECT order_id FROM order_line WHERE backordered > 0) "
    "AND e.type IN ('line.allocated', 'line.deallocated', 'line.backordered') "
    "ORDER BY e.order_id, e.seq";

int
store_backorder_events(struct store *st, store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_backorder_events);

	return s == NULL ? -1 : store_each(st, s, fn, ctx, "reading the event log");
}

/*
 * Releases per node and business day: release_by_node_day gives them in
 * the order of the groups, each release's lines are found by its key.
 */
static const char sql_releases[] =
    "SELECT r.node_id, r.business_day, count(DISTINCT r.release_id), count(*), "
    "sum(rl.qty), sum(rl.shipped), sum(rl.qty - rl.shipped - rl.short - rl.cancelled), "
    "n.capacity_per_day "
    "FROM release r JOIN release_line rl ON rl.release_id = r.release_id "
    "JOIN node n ON n.node_id = r.node_id "
    "WHERE (?1 IS NULL OR r.node_id = ?1) AND (?2 IS NULL OR r.business_day >= ?2) "
    "AND (?3 IS NULL OR r.business_day <= ?3) "
    "GROUP BY r.node_id, r.business_day ORDER BY r.node_id, r.business_day";

int
store_releases_view(struct store *st, const struct view_filter *f, store_typed_fn fn,
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_releases);

	if (s == NULL)
		return -1;
	bind_text(s, 1, f->node);
	bind_text(s, 2, f->from);
	bind_text(s, 3, f->to);
	return store_each(st, s, fn, ctx, "reading the releases");
}

static const char sql_event_last[] = "SELECT COALESCE(max(seq), 0) FROM event";

int64_t
store_event_last(struct store *st)
{
	sqlite3_stmt *s = store_sql(st, sql_event_last);

	return s == NULL ? -1 : store_int(st, s, "reading the event log");
}
