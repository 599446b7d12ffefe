/*
 * store-order: the SQL of customer care on orders (oms-order): what a
 * change reads and writes, and the sections of the 360-degree view.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "store-int.h"
#include "store-import.h"
#include "store-order.h"

/* Run s (its parameters bound) and hand its rows to fn: 1 if any, 0 none, -1. */
static int
rows(struct store *st, sqlite3_stmt *s, store_typed_fn fn, void *ctx, const char *what)
{
	struct store_row row = { s };
	int rc, stop = 0, n = 0;

	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		stop = fn ? fn(ctx, &row) : 0;
	}
	sqlite3_reset(s);
	if (stop)
		return stop < 0 ? -1 : n > 0;
	return rc == SQLITE_DONE ? n > 0 : store_fail(st, rc, what);
}

static const char ORDER_HEAD[] =
    "SELECT priority, ship_name, ship_address1, ship_city, ship_region, "
    "ship_postal_code, ship_country, ship_lat, ship_lon FROM orders WHERE order_id = ?1";

struct order_heads {
	int (*fn)(void *ctx, const struct order_head *x);
	void *ctx;
};

static int
order_heads_row(void *p, const struct store_row *row)
{
	const struct order_heads *w = p;
	struct order_head x;
	int i;

	x.priority = store_col_int(row, 0);
	for (i = 0; i < 6; i++)
		x.ship[i] = store_col_text(row, 1 + i);
	x.ship_lat = store_col_text(row, 7);
	x.ship_lon = store_col_text(row, 8);
	return w->fn(w->ctx, &x);
}

int
store_order_head(struct store *st, const char *order_id,
    int (*fn)(void *ctx, const struct order_head *h), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, ORDER_HEAD);
	struct order_heads w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return rows(st, s, order_heads_row, &w, "reading an order");
}

static const char ORDER_LINES[] =
    "SELECT line_no, sku, method, qty, allocated, backordered, backorder_reason, "
    "shipped, cancelled, pickup_node, unit_price, discount FROM order_line WHERE order_id = ?1 AND (?2 = 0 OR line_no = ?2) "
    "ORDER BY line_no";

struct order_line_states {
	int (*fn)(void *ctx, const struct order_line_state *x);
	void *ctx;
};

static int
order_line_states_row(void *p, const struct store_row *row)
{
	const struct order_line_states *w = p;
	struct order_line_state x;

	x.line_no = store_col_int(row, 0);
	x.sku = store_col_text(row, 1);
	x.method = store_col_text(row, 2);
	x.qty = store_col_int(row, 3);
	x.allocated = store_col_int(row, 4);
	x.backordered = store_col_int(row, 5);
	x.backorder_reason = store_col_text(row, 6);
	x.shipped = store_col_int(row, 7);
	x.cancelled = store_col_int(row, 8);
	x.pickup_node = store_col_text(row, 9);
	x.unit_price = store_col_int(row, 10);
	x.discount = store_col_int(row, 11);
	return w->fn(w->ctx, &x);
}

int
store_order_lines(struct store *st, const char *order_id, int64_t line_no,
    int (*fn)(void *ctx, const struct order_line_state *l), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, ORDER_LINES);
	struct order_line_states w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	return rows(st, s, order_line_states_row, &w, "reading order lines") < 0 ? -1 : 0;
}

static const char ORDER_ITEM[] = "SELECT unit_price, active FROM item WHERE sku = ?1";

int
store_order_item(struct store *st, const char *sku, int64_t *price, int *active)
{
	sqlite3_stmt *s = store_sql(st, ORDER_ITEM);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, sku);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*price = sqlite3_column_int64(s, 0);
		*active = sqlite3_column_int(s, 1) != 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "reading an item");
	return rc == SQLITE_ROW;
}

static const char ORDER_LINE_NODES[] =
    "SELECT line_no, node_id, routed, released FROM line_node WHERE order_id = ?1 "
    "ORDER BY line_no, node_id";

struct line_node_works {
	int (*fn)(void *ctx, const struct line_node_work *x);
	void *ctx;
};

static int
line_node_works_row(void *p, const struct store_row *row)
{
	const struct line_node_works *w = p;
	struct line_node_work x;

	x.line_no = store_col_int(row, 0);
	x.node_id = store_col_text(row, 1);
	x.routed = store_col_int(row, 2);
	x.released = store_col_int(row, 3);
	return w->fn(w->ctx, &x);
}

int
store_order_line_nodes(struct store *st, const char *order_id,
    int (*fn)(void *ctx, const struct line_node_work *n), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, ORDER_LINE_NODES);
	struct line_node_works w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return rows(st, s, line_node_works_row, &w, "reading routed lines") < 0 ? -1 : 0;
}

static const char ORDER_RELEASE_LINES[] =
    "SELECT rl.line_no, rl.release_id, r.node_id, "
    "rl.qty - rl.shipped - rl.short - rl.cancelled, rl.cancel_requested "
    "FROM release_line rl JOIN release r ON r.release_id = rl.release_id "
    "WHERE rl.order_id = ?1 AND rl.qty - rl.shipped - rl.short - rl.cancelled > 0 "
    "ORDER BY rl.line_no, r.released_at, rl.release_id";

struct release_lines_out {
	int (*fn)(void *ctx, const struct release_line_out *x);
	void *ctx;
};

static int
release_lines_out_row(void *p, const struct store_row *row)
{
	const struct release_lines_out *w = p;
	struct release_line_out x;

	x.line_no = store_col_int(row, 0);
	x.release_id = store_col_text(row, 1);
	x.node_id = store_col_text(row, 2);
	x.outstanding = store_col_int(row, 3);
	x.cancel_requested = store_col_int(row, 4);
	return w->fn(w->ctx, &x);
}

int
store_order_release_lines(struct store *st, const char *order_id,
    int (*fn)(void *ctx, const struct release_line_out *r), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, ORDER_RELEASE_LINES);
	struct release_lines_out w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return rows(st, s, release_lines_out_row, &w, "reading released lines") < 0 ? -1 : 0;
}

/*
 * oms-order never raises backordered and writes no event of it: a line's
 * backordered_at goes when its backorder does, else stays, and
 * ever_backordered is as it was (SET_BACKORDERED).
 */
static const char LINE_SET[] =
    "UPDATE order_line SET qty = ?3, allocated = ?4, backorder_reason = ?6, cancelled = ?7, "
    SET_BACKORDERED("?5", "NULL") " WHERE order_id = ?1 AND line_no = ?2";

int
store_line_set(struct store *st, const char *order_id, int64_t line_no, int64_t qty,
    int64_t allocated, int64_t backordered, const char *reason, int64_t cancelled)
{
	sqlite3_stmt *s = store_sql(st, LINE_SET);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, qty);
	bind_int(s, 4, allocated);
	bind_int(s, 5, backordered);
	bind_text(s, 6, reason);
	bind_int(s, 7, cancelled);
	if (store_done(st, s, "writing an order line") != 0)
		return -1;
	return store_line_check(st, order_id, line_no, "writing an order line");
}

/*
 * an upsert: oms-route places work on new nodes (adding its routing's
 * cost, and the transit days of its band), oms-order only lowers it.  A
 * row goes when nothing is routed or released there and nothing shipped
 * from there.
 */
static const char LINE_NODE_ROUTED[] =
    "INSERT INTO line_node (order_id, line_no, node_id, routed, cost_cents, transit_days) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT DO UPDATE SET routed = excluded.routed, "
    "cost_cents = cost_cents + excluded.cost_cents, "
    "transit_days = coalesce(excluded.transit_days, transit_days)";
static const char LINE_NODE_GONE[] =
    "DELETE FROM line_node WHERE order_id = ?1 AND line_no = ?2 AND node_id = ?3 "
    "AND routed = 0 AND released = 0 AND shipped = 0";

int
store_line_node_route(struct store *st, const char *order_id, int64_t line_no,
    const char *node_id, int64_t routed, int64_t cost_cents, int64_t transit_days)
{
	sqlite3_stmt *s = store_sql(st, LINE_NODE_ROUTED);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_text(s, 3, node_id);
	bind_int(s, 4, routed);
	bind_int(s, 5, cost_cents);
	if (transit_days >= 0)
		bind_int(s, 6, transit_days);
	else
		sqlite3_bind_null(s, 6);
	if (store_done(st, s, "writing a routed line") != 0)
		return -1;
	if (routed > 0)
		return 0;
	if ((s = store_sql(st, LINE_NODE_GONE)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_text(s, 3, node_id);
	return store_done(st, s, "writing a routed line");
}

int
store_line_node_routed(struct store *st, const char *order_id, int64_t line_no,
    const char *node_id, int64_t routed)
{
	return store_line_node_route(st, order_id, line_no, node_id, routed, 0, -1);
}

/*
 * Nothing of the line is allocated, routed, released or shipped any more
 * (the caller took it back first), so it is not shipped to its store.
 */
static const char LINE_ITEM_SET[] =
    "UPDATE order_line SET sku = ?3, unit_price = ?4, ship_to_store = 0 "
    "WHERE order_id = ?1 AND line_no = ?2";

int
store_line_item_set(struct store *st, const char *order_id, int64_t line_no, const char *sku,
    int64_t unit_price)
{
	sqlite3_stmt *s = store_sql(st, LINE_ITEM_SET);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_text(s, 3, sku);
	bind_int(s, 4, unit_price);
	return store_done(st, s, "writing an order line's item");
}

static const char LINE_METHOD_SET[] =
    "UPDATE order_line SET method = ?3, pickup_node = ?4, ship_to_store = 0 "
    "WHERE order_id = ?1 AND line_no = ?2";

int
store_line_method_set(struct store *st, const char *order_id, int64_t line_no,
    const char *method, const char *pickup_node)
{
	sqlite3_stmt *s = store_sql(st, LINE_METHOD_SET);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_text(s, 3, method);
	bind_text(s, 4, pickup_node);
	return store_done(st, s, "writing an order line's method");
}

/*
 * Nothing to read when no channel has a backorder_days (the common case);
 * else one scan of the lines, each backordered one's order and channel
 * found by their keys.  "Older than": the limit passed, not reached.
 */
static const char BACKORDER_POLICY_ANY[] =
    "SELECT EXISTS (SELECT 1 FROM channel_policy WHERE backorder_days IS NOT NULL)";
static const char BACKORDERS_DUE[] =
    "SELECT l.order_id, l.line_no, l.backordered, o.channel, "
    "coalesce(l.backordered_at, o.created_at), p.backorder_days "
    "FROM order_line l JOIN orders o ON o.order_id = l.order_id "
    "JOIN channel_policy p ON p.channel = o.channel "
    "WHERE l.backordered > 0 AND p.backorder_days IS NOT NULL "
    "AND strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(l.backordered_at, o.created_at), "
    "'+' || p.backorder_days || ' days') < ?1 "
    "ORDER BY l.order_id, l.line_no";

struct backorders_due {
	int (*fn)(void *ctx, const struct backorder_due *x);
	void *ctx;
};

static int
backorders_due_row(void *p, const struct store_row *row)
{
	const struct backorders_due *w = p;
	struct backorder_due x;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.backordered = store_col_int(row, 2);
	x.channel = store_col_text(row, 3);
	x.since = store_col_text(row, 4);
	x.days = store_col_int(row, 5);
	return w->fn(w->ctx, &x);
}

int
store_backorders_due(struct store *st, const char *now,
    int (*fn)(void *ctx, const struct backorder_due *b), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, BACKORDER_POLICY_ANY);
	struct backorders_due w = { fn, ctx };
	int64_t any;

	if (s == NULL || (any = store_int(st, s, "reading the channel policies")) < 0)
		return -1;
	if (any == 0)
		return 0;
	if ((s = store_sql(st, BACKORDERS_DUE)) == NULL)
		return -1;
	bind_text(s, 1, now);
	return rows(st, s, backorders_due_row, &w, "reading stale backorders") < 0 ? -1 : 0;
}

static const char ORDER_NODE[] =
    "SELECT type, can_ship, can_pickup, can_curbside, active FROM node WHERE node_id = ?1";

int
store_order_node(struct store *st, const char *node_id, struct node_ref *n)
{
	sqlite3_stmt *s = store_sql(st, ORDER_NODE);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, node_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *type = sqlite3_column_text(s, 0);

		snprintf(n->type, sizeof n->type, "%s", type ? (const char *)type : "");
		n->can_ship = sqlite3_column_int(s, 1) != 0;
		n->can_pickup = sqlite3_column_int(s, 2) != 0;
		n->can_curbside = sqlite3_column_int(s, 3) != 0;
		n->active = sqlite3_column_int(s, 4) != 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "reading a node");
	return rc == SQLITE_ROW;
}

static const char RELEASE_CANCEL_REQUEST[] =
    "UPDATE release_line SET cancel_requested = cancel_requested + ?3, "
    "cancel_tender = ?4 WHERE release_id = ?1 AND line_no = ?2";

int
store_release_cancel_request(struct store *st, const char *release_id, int64_t line_no,
    int64_t n, const char *tender)
{
	sqlite3_stmt *s = store_sql(st, RELEASE_CANCEL_REQUEST);

	if (s == NULL)
		return -1;
	bind_text(s, 1, release_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, n);
	bind_text(s, 4, tender ? tender : "original");
	return store_done(st, s, "writing a cancel request");
}

static const char HOLD_GET[] =
    "SELECT held_by, held_at, reason FROM order_hold WHERE order_id = ?1 AND hold_type = ?2";
static const char HOLD_ADD[] =
    "INSERT INTO order_hold (order_id, hold_type, reason, held_by, held_at, rule_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char HOLD_REMOVE[] =
    "DELETE FROM order_hold WHERE order_id = ?1 AND hold_type = ?2";

struct order_holds {
	int (*fn)(void *ctx, const struct order_hold *x);
	void *ctx;
};

static int
order_holds_row(void *p, const struct store_row *row)
{
	const struct order_holds *w = p;
	struct order_hold x;

	x.held_by = store_col_text(row, 0);
	x.held_at = store_col_text(row, 1);
	x.reason = store_col_text(row, 2);
	return w->fn(w->ctx, &x);
}

int
store_hold_get(struct store *st, const char *order_id, const char *hold_type,
    int (*fn)(void *ctx, const struct order_hold *h), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, HOLD_GET);
	struct order_holds w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, hold_type);
	return rows(st, s, order_holds_row, &w, "reading holds");
}

int
store_hold_add(struct store *st, const char *order_id, const char *hold_type,
    const char *reason, const char *by, const char *rule_id)
{
	sqlite3_stmt *s = store_sql(st, HOLD_ADD);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, hold_type);
	bind_text(s, 3, reason);
	bind_text(s, 4, by);
	bind_text(s, 5, store_run_time(st));
	bind_text(s, 6, rule_id);
	return store_done(st, s, "writing a hold");
}

int
store_hold_remove(struct store *st, const char *order_id, const char *hold_type)
{
	sqlite3_stmt *s = store_sql(st, HOLD_REMOVE);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, hold_type);
	return store_done(st, s, "removing a hold");
}

static const char PRIORITY_SET[] = "UPDATE orders SET priority = ?2 WHERE order_id = ?1";

int
store_order_priority_set(struct store *st, const char *order_id, int64_t priority)
{
	sqlite3_stmt *s = store_sql(st, PRIORITY_SET);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, priority);
	return store_done(st, s, "writing a priority");
}

static const char ADDRESS_SET[] =
    "UPDATE orders SET ship_name = ?2, ship_address1 = ?3, ship_city = ?4, "
    "ship_region = ?5, ship_postal_code = ?6, ship_country = ?7, ship_lat = ?8, "
    "ship_lon = ?9 WHERE order_id = ?1";

int
store_order_address_set(struct store *st, const struct order *o)
{
	sqlite3_stmt *s = store_sql(st, ADDRESS_SET);

	if (s == NULL)
		return -1;
	bind_text(s, 1, o->order_id);
	bind_text(s, 2, o->ship_name);
	bind_text(s, 3, o->ship_address1);
	bind_text(s, 4, o->ship_city);
	bind_text(s, 5, o->ship_region);
	bind_text(s, 6, o->ship_postal_code);
	bind_text(s, 7, o->ship_country);
	if (o->has_latlon) {
		bind_real(s, 8, o->ship_lat);
		bind_real(s, 9, o->ship_lon);
	}
	return store_done(st, s, "writing an address");
}

/* --- the 360-degree view ------------------------------------------------ */

#define ROUTED_SUM(what) "COALESCE((SELECT SUM(ln." what ") FROM line_node ln " \
	"WHERE ln.order_id = l.order_id AND ln.line_no = l.line_no), 0)"

static const char *const section_sql[OS_COUNT] = {
	[OS_ORDER] =
	    "SELECT order_id, channel, customer_id, created_at, priority, promise_date, "
	    "ship_name, ship_address1, ship_city, ship_region, ship_postal_code, "
	    "ship_country, ship_lat, ship_lon, ship_complete, shipping_charge, "
	    "EXISTS (SELECT 1 FROM order_hold h WHERE h.order_id = o.order_id) AS held "
	    "FROM orders o WHERE order_id = ?1",
	[OS_LINES] =
	    "SELECT l.line_no, l.sku, l.qty, l.unit_price, l.discount, l.method, "
	    "l.pickup_node, l.backordered, l.backorder_reason, l.allocated, "
	    ROUTED_SUM("routed") " AS routed, " ROUTED_SUM("released") " AS released, "
	    "l.shipped, l.cancelled, l.returned, COALESCE((SELECT SUM(rl.cancel_requested) "
	    "FROM release_line rl WHERE rl.order_id = l.order_id AND rl.line_no = l.line_no), 0) "
	    "AS cancel_requested "
	    "FROM order_line l WHERE l.order_id = ?1 ORDER BY l.line_no",
	[OS_ALLOCATIONS] =
	    "SELECT line_no, sku, allocated, backordered, backorder_reason FROM order_line "
	    "WHERE order_id = ?1 AND (allocated > 0 OR backordered > 0) ORDER BY line_no",
	[OS_ROUTING] =
	    "SELECT line_no, node_id, routed, released FROM line_node WHERE order_id = ?1 "
	    "ORDER BY line_no, node_id",
	[OS_RELEASES] =
	    "SELECT rl.release_id, r.node_id, r.released_at, r.business_day, rl.line_no, "
	    "rl.qty, rl.shipped, rl.short, rl.cancelled, rl.cancel_requested "
	    "FROM release r JOIN release_line rl ON rl.release_id = r.release_id "
	    "WHERE r.order_id = ?1 ORDER BY r.released_at, r.release_id, rl.line_no",
	[OS_SHIPMENTS] =
	    "SELECT c.release_id, r.node_id, c.line_no, c.status, c.qty, c.carrier, "
	    "c.tracking, c.at FROM confirmation c JOIN release r ON r.release_id = c.release_id "
	    "WHERE r.order_id = ?1 AND c.status IN ('shipped', 'picked_up') "
	    "ORDER BY c.at, c.seq",
	[OS_RETURNS] =
	    "SELECT m.rma_id, m.channel, m.node_id, m.authorized_at, ml.line_no, ml.qty, "
	    "ml.received, ml.reason FROM rma m JOIN rma_line ml ON ml.rma_id = m.rma_id "
	    "WHERE m.order_id = ?1 ORDER BY m.authorized_at, m.rma_id, ml.line_no",
	[OS_RECEIPTS] =
	    "SELECT rc.rma_id, rc.line_no, rc.qty, rc.condition, rc.disposition, rc.node_id, "
	    "rc.at FROM receipt rc JOIN rma m ON m.rma_id = rc.rma_id WHERE m.order_id = ?1 "
	    "ORDER BY rc.at, rc.seq",
	[OS_REFUNDS] =
	    "SELECT refund_id, kind, line_no, rma_id, amount, merchandise, restocking_fee, "
	    "shipping, reason, tender, at FROM refund WHERE order_id = ?1 "
	    "AND kind NOT IN ('appeasement', 'adjustment') ORDER BY at, refund_id",
	[OS_APPEASEMENTS] =
	    "SELECT refund_id, line_no, amount, reason, tender, at FROM refund "
	    "WHERE order_id = ?1 AND kind = 'appeasement' ORDER BY at, refund_id",
	[OS_ADJUSTMENTS] =
	    "SELECT refund_id, line_no, amount, code, reason, tender, at FROM refund "
	    "WHERE order_id = ?1 AND kind = 'adjustment' ORDER BY at, refund_id",
	[OS_HOLDS] =
	    "SELECT hold_type, reason, held_by, held_at FROM order_hold WHERE order_id = ?1 "
	    "ORDER BY held_at, hold_type",
	[OS_EVENTS] =
	    "SELECT seq, at, type, payload FROM event WHERE order_id = ?1 ORDER BY seq",
	[OS_CUSTOMER] =
	    "SELECT customer_id, name, email, phone, tier, (SELECT COALESCE(SUM(amount), 0) "
	    "FROM store_credit c WHERE c.customer_id = ?1) AS store_credit "
	    "FROM customer WHERE customer_id = ?1",
	[OS_CUSTOMER_ORDERS] =
	    "SELECT order_id FROM orders WHERE customer_id = ?1 ORDER BY created_at, order_id",
	/*
	 * An order's exchanges, and the one its replacement order comes from:
	 * each a pair, the RMA line and the replacement (pending until made)
	 */
	[OS_EXCHANGES] =
	    "SELECT exchange_id, order_id, rma_id, line_no, sku, qty, received, accepted, new_sku, "
	    "advance, replacement_order, CASE WHEN replacement_order IS NULL THEN NULL "
	    "ELSE 1 END AS replacement_line, CASE WHEN charged_at IS NOT NULL THEN 'charged' "
	    "WHEN advance AND accepted = qty THEN 'returned' WHEN advance THEN 'advanced' "
	    "WHEN replacement_order IS NOT NULL THEN 'replaced' WHEN received = qty "
	    "THEN 'rejected' ELSE 'pending' END AS status, unit_price, merchandise, "
	    "difference, tender, due_by, charged_at, at FROM (SELECT x.*, "
	    "(SELECT l.sku FROM order_line l WHERE l.order_id = x.order_id "
	    "AND l.line_no = x.line_no) AS sku, (SELECT ml.received FROM rma_line ml "
	    "WHERE ml.rma_id = x.rma_id AND ml.line_no = x.line_no) AS received, "
	    "COALESCE((SELECT SUM(rc.qty) FROM receipt rc WHERE rc.rma_id = x.rma_id "
	    "AND rc.line_no = x.line_no AND rc.rejected = 0), 0) AS accepted "
	    "FROM exchange x WHERE x.order_id = ?1 OR x.replacement_order = ?1) "
	    "ORDER BY at, exchange_id",
};

struct order_records {
	int (*fn)(void *ctx, const struct order_record *r);
	void *ctx;
	struct order_record r;
	const char *name[32], *value[32];
};

static int
order_record_row(void *p, const struct store_row *row)
{
	struct order_records *w = p;

	/* the names too: a statement re-prepared as it steps frees the old ones */
	for (int i = 0; i < w->r.n; i++) {
		w->name[i] = sqlite3_column_name(row->s, i);
		w->value[i] = store_col_text(row, i);
	}
	return w->fn(w->ctx, &w->r);
}

int
store_order_section(struct store *st, enum order_section sec, const char *key,
    int (*fn)(void *ctx, const struct order_record *r), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, section_sql[sec]);
	struct order_records w;

	if (s == NULL)
		return -1;
	w.fn = fn;
	w.ctx = ctx;
	w.r.n = sqlite3_column_count(s);
	w.r.name = w.name;
	w.r.value = w.value;
	assert(w.r.n <= 32);
	bind_text(s, 1, key);
	return rows(st, s, order_record_row, &w, "reading an order") < 0 ? -1 : 0;
}

static const char SQL_REF_GET[] =
    "SELECT action, order_id, by, at FROM change_ref WHERE ref = ?1";

static int
ref_row(void *p, const struct store_row *row)
{
	struct change_ref_seen *seen = p;

	snprintf(seen->action, sizeof seen->action, "%s", store_col_text(row, 0));
	snprintf(seen->order_id, sizeof seen->order_id, "%s", store_col_text(row, 1));
	snprintf(seen->by, sizeof seen->by, "%s", store_col_text(row, 2));
	snprintf(seen->at, sizeof seen->at, "%s", store_col_text(row, 3));
	return 0;
}

int
store_change_ref_get(struct store *st, const char *ref, struct change_ref_seen *seen)
{
	sqlite3_stmt *s = store_sql(st, SQL_REF_GET);
	int r;

	if (s == NULL)
		return -1;
	bind_text(s, 1, ref);
	seen->action[0] = '\0';	/* never empty once recorded */
	if ((r = store_each(st, s, ref_row, seen, "reading a change reference")) < 0)
		return -1;
	return seen->action[0] != '\0';
}

static const char SQL_REF_ADD[] =
    "INSERT INTO change_ref (ref, action, order_id, by, at, run_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

int
store_change_ref_add(struct store *st, const char *ref, const char *action,
    const char *order_id, const char *by)
{
	sqlite3_stmt *s = store_sql(st, SQL_REF_ADD);

	if (s == NULL)
		return -1;
	bind_text(s, 1, ref);
	bind_text(s, 2, action);
	bind_text(s, 3, order_id);
	bind_text(s, 4, by ? by : "");
	bind_text(s, 5, store_run_time(st));
	if (store_run_id(st) > 0)
		bind_int(s, 6, store_run_id(st));
	else
		sqlite3_bind_null(s, 6);
	return store_done(st, s, "recording a change reference");
}
