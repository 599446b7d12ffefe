/*
 * store-node: what a node's associates see, the picklist and collections
 * views of oms-report.  See store-node.h.
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"
#include "store-node.h"

/* who the order is for, as an associate calls them out */
#define CUSTOMER_NAME "COALESCE(NULLIF(cu.name, ''), o.ship_name)"

/*
 * The release lines still out at their node; and at a store, the lines
 * shipped to it for a pickup, received and not yet made ready (their
 * release is the shipping node's).  Lines handed over at the node first
 * (pickup and curbside at their store: method_handed_over's, model.h).
 * Of some nodes: found from their releases (release_by_node_day) and
 * collections (collection_by_node: a receipt keeps one), not by a scan
 * of every release line; SQLite seeks the index for "IN (...)" alone,
 * not with "?1 IS NULL OR" before it.
 */
#define PICK_TAIL \
    "JOIN orders o ON o.order_id = rl.order_id " \
    "LEFT JOIN item it ON it.sku = l.sku " \
    "LEFT JOIN customer cu ON cu.customer_id = o.customer_id "
#define TO_PICK(NODES, STORES) "SELECT * FROM (SELECT r.node_id AS node, l.method, r.release_id, " \
    "rl.order_id AS order_id, rl.line_no AS line, l.sku, COALESCE(it.description, ''), " \
    "rl.qty - rl.shipped - rl.short - rl.cancelled, rl.ready, rl.cancel_requested, " \
    CUSTOMER_NAME ", o.promise_date AS promise, r.released_at, " \
    "l.method IN ('pickup', 'curbside') AND l.pickup_node = r.node_id AS here, " \
    "o.created_at AS created " \
    "FROM release r JOIN release_line rl ON rl.release_id = r.release_id " \
    "JOIN order_line l ON l.order_id = rl.order_id AND l.line_no = rl.line_no " \
    PICK_TAIL \
    "WHERE " NODES "rl.qty > rl.shipped + rl.short + rl.cancelled " \
    "UNION ALL " \
    "SELECT c.node_id, l.method, r.release_id, rl.order_id, rl.line_no, l.sku, " \
    "COALESCE(it.description, ''), rl.delivered - rl.collected, rl.ready, 0, " \
    CUSTOMER_NAME ", o.promise_date, r.released_at, 1, o.created_at " \
    "FROM collection c JOIN order_line l ON l.order_id = c.order_id " \
    "AND l.pickup_node = c.node_id AND l.method IN ('pickup', 'curbside') " \
    "JOIN release_line rl ON rl.order_id = l.order_id AND rl.line_no = l.line_no " \
    "JOIN release r ON r.release_id = rl.release_id AND r.node_id <> c.node_id " \
    PICK_TAIL \
    "WHERE " STORES "c.collected_at IS NULL AND c.expired_at IS NULL " \
    "AND rl.delivered > rl.ready + rl.collected) " \
    "ORDER BY node, here DESC, promise IS NULL, promise, created, order_id, line, " \
    "release_id"
static const char sql_to_pick[] = TO_PICK("", "");
static const char sql_to_pick_at[] =
    TO_PICK("r.node_id IN (SELECT value FROM json_each(?1)) AND ",
    "c.node_id IN (SELECT value FROM json_each(?1)) AND ");

struct lines_to_pick {
	int (*fn)(void *ctx, const struct line_to_pick *l);
	void *ctx;
};

static int
line_to_pick_row(void *p, const struct store_row *row)
{
	const struct lines_to_pick *w = p;
	struct line_to_pick l;

	l.node_id = store_col_text(row, 0);
	l.method = store_col_text(row, 1);
	l.release_id = store_col_text(row, 2);
	l.order_id = store_col_text(row, 3);
	l.line_no = store_col_int(row, 4);
	l.sku = store_col_text(row, 5);
	l.description = store_col_text(row, 6);
	l.out = store_col_int(row, 7);
	l.ready = store_col_int(row, 8);
	l.cancel_requested = store_col_int(row, 9);
	l.customer = store_col_text(row, 10);
	l.promise_date = store_col_text(row, 11);
	l.released_at = store_col_text(row, 12);
	l.handed_here = store_col_int(row, 13);
	return w->fn(w->ctx, &l);
}

int
store_lines_to_pick(struct store *st, const struct strv *nodes,
    int (*fn)(void *ctx, const struct line_to_pick *l), void *ctx)
{
	int some = nodes != NULL && nodes->n > 0;
	sqlite3_stmt *s = store_sql(st, some ? sql_to_pick_at : sql_to_pick);
	struct lines_to_pick w = { fn, ctx };

	if (s == NULL)
		return -1;
	if (some)
		bind_list(s, 1, nodes);
	return store_each(st, s, line_to_pick_row, &w, "reading the lines to pick");
}

/*
 * What waits at a node is found from its collections (collection_by_node:
 * every ready confirmation keeps one), then the order's lines collected
 * there (pickup_node) and their release lines with ready units; and a
 * customer who arrived before anything was ready, as a row of no line.
 */
#define COLLECTION_LINES "FROM order_line l JOIN release_line rl " \
    "ON rl.order_id = l.order_id AND rl.line_no = l.line_no " \
    "WHERE l.order_id = c.order_id AND l.pickup_node = c.node_id " \
    "AND l.method <> 'ship' AND rl.ready > 0"
#define READY(NODES) "SELECT * FROM (SELECT c.node_id AS node, c.order_id AS ord, " \
    CUSTOMER_NAME ", c.code, c.bay, c.vehicle, c.ready_at, c.last_day AS last, " \
    "c.arrived_at AS arrived, rl.release_id AS rel, rl.line_no AS line, rl.ready, " \
    "rl.location " \
    "FROM collection c JOIN orders o ON o.order_id = c.order_id " \
    "LEFT JOIN customer cu ON cu.customer_id = o.customer_id " \
    "JOIN order_line l ON l.order_id = c.order_id AND l.pickup_node = c.node_id " \
    "AND l.method <> 'ship' " \
    "JOIN release_line rl ON rl.order_id = l.order_id AND rl.line_no = l.line_no " \
    "WHERE " NODES "rl.ready > 0 " \
    "UNION ALL " \
    "SELECT c.node_id, c.order_id, " CUSTOMER_NAME ", c.code, c.bay, c.vehicle, " \
    "c.ready_at, c.last_day, c.arrived_at, NULL, 0, 0, NULL " \
    "FROM collection c JOIN orders o ON o.order_id = c.order_id " \
    "LEFT JOIN customer cu ON cu.customer_id = o.customer_id " \
    "WHERE " NODES "c.arrived_at IS NOT NULL AND c.collected_at IS NULL " \
    "AND c.expired_at IS NULL AND NOT EXISTS (SELECT 1 " COLLECTION_LINES ")) " \
    "ORDER BY node, arrived IS NULL, arrived, last IS NULL, last, ord, line, rel"
static const char sql_ready[] = READY("");
static const char sql_ready_at[] = READY("c.node_id IN (SELECT value FROM json_each(?1)) AND ");

struct ready_lines {
	int (*fn)(void *ctx, const struct ready_line *l);
	void *ctx;
};

static int
ready_line_row(void *p, const struct store_row *row)
{
	const struct ready_lines *w = p;
	struct ready_line l;

	l.node_id = store_col_text(row, 0);
	l.order_id = store_col_text(row, 1);
	l.customer = store_col_text(row, 2);
	l.code = store_col_text(row, 3);
	l.bay = store_col_text(row, 4);
	l.vehicle = store_col_text(row, 5);
	l.ready_at = store_col_text(row, 6);
	l.last_day = store_col_text(row, 7);
	l.arrived_at = store_col_text(row, 8);
	l.release_id = store_col_text(row, 9);
	l.line_no = store_col_int(row, 10);
	l.ready = store_col_int(row, 11);
	l.location = store_col_text(row, 12);
	return w->fn(w->ctx, &l);
}

int
store_ready_lines(struct store *st, const struct strv *nodes,
    int (*fn)(void *ctx, const struct ready_line *l), void *ctx)
{
	int some = nodes != NULL && nodes->n > 0;
	sqlite3_stmt *s = store_sql(st, some ? sql_ready_at : sql_ready);
	struct ready_lines w = { fn, ctx };

	if (s == NULL)
		return -1;
	if (some)
		bind_list(s, 1, nodes);
	return store_each(st, s, ready_line_row, &w, "reading what waits for collection");
}
