/*
 * store-views: what the orders, backorders and releases views of
 * oms-report read.  See store-views.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "store-int.h"
#include "store-views.h"

/*
 * The lines and orders views: order_line, line_node, orders and
 * order_hold each read once in key order (all four are keyed by
 * order_id first) and merged here, instead of a join grouped by SQLite,
 * which costs several times more on a large store.  One order: the same
 * statements bounded by its key.
 */
#define WALK_LINES "SELECT order_id, line_no, sku, qty, allocated, shipped, cancelled, " \
    "returned, backordered, backorder_reason FROM order_line "
#define WALK_NODES "SELECT order_id, line_no, node_id, routed, released FROM line_node "
#define WALK_ORDERS "SELECT order_id, customer_id, channel, created_at, promise_date, " \
    "priority FROM orders "
static const char sql_walk_lines[] =
    WALK_LINES "WHERE " IN_LIST("sku", "?2") " "
    "AND order_id >= ?5 AND order_id < ?6 ORDER BY order_id, line_no";
static const char sql_walk_lines_of[] =
    WALK_LINES "WHERE order_id = ?1 "
    "AND " IN_LIST("sku", "?2") " ORDER BY order_id, line_no";
/* a line's nodes: where it has work now, or shipped from (see struct view_line) */
static const char sql_walk_nodes[] =
    WALK_NODES
    "WHERE order_id >= ?5 AND order_id < ?6 AND (routed > 0 OR released > 0 OR shipped > 0) "
    "ORDER BY order_id, line_no, node_id";
static const char sql_walk_nodes_of[] =
    WALK_NODES
    "WHERE order_id = ?1 AND (routed > 0 OR released > 0 OR shipped > 0) "
    "ORDER BY order_id, line_no, node_id";
static const char sql_walk_orders[] =
    WALK_ORDERS
    "WHERE " IN_LIST("channel", "?2") " AND (?3 IS NULL OR created_at >= ?3) "
    "AND (?4 IS NULL OR created_at < ?4) AND order_id >= ?5 AND order_id < ?6 "
    "ORDER BY order_id";
static const char sql_walk_orders_of[] =
    WALK_ORDERS
    "WHERE order_id = ?1 AND " IN_LIST("channel", "?2") " AND (?3 IS NULL OR "
    "created_at >= ?3) AND (?4 IS NULL OR created_at < ?4) ORDER BY order_id";
static const char sql_walk_holds[] =
    "SELECT order_id, hold_type FROM order_hold WHERE order_id >= ?5 AND order_id < ?6 "
    "ORDER BY order_id, hold_type";

/* The values of l as a JSON array into b (NULL when l has none). */
static const char *
store_list_json(struct buf *b, const struct strv *l)
{
	buf_reset(b);
	if (l == NULL || l->n == 0)
		return NULL;
	jsonw_array(b, NULL);
	for (size_t i = 0; i < l->n; i++)
		jsonw_str(b, NULL, l->v[i]);
	jsonw_array_end(b);
	return b->s;
}

void
bind_list(sqlite3_stmt *s, int i, const struct strv *l)
{
	struct buf b = BUF_INIT;

	if (store_list_json(&b, l) == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, b.s, (int)b.len, SQLITE_TRANSIENT);
	buf_release(&b);
}

/*
 * f's range of order ids as ?5 and ?6 of the statements of every order:
 * from '' (below every text) when it has no start, below an empty blob
 * (SQLite sorts every text before any blob) when it has no end.  Each
 * stays one range of the primary key, which SQLite seeks to.
 */
static void
bind_range(sqlite3_stmt *s, const struct view_filter *f)
{
	if (s == NULL)
		return;
	bind_text(s, 5, f->order_from ? f->order_from : "");
	if (f->order_below)
		bind_text(s, 6, f->order_below);
	else
		sqlite3_bind_zeroblob(s, 6, 0);
}

static int
cur_next(struct store *st, struct store_cur *c)
{
	return store_cur_next(st, c, "reading the orders");
}

static const char *
ctext(const struct store_cur *c, int i)
{
	return (const char *)sqlite3_column_text(c->s, i);
}

/* The order of (order_id, line_no) keys; a NULL order_id first, as SQLite sorts. */
static int
key_cmp(const char *a, int64_t an, const char *b, int64_t bn)
{
	int c = a == NULL || b == NULL ? (a != NULL) - (b != NULL) : strcmp(a, b);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

static int
walk_range(struct store *st, const char *order, const struct view_filter *f, int orders,
    store_line_fn fn, void *ctx)
{
	struct store_cur l = { .two = 1 }, n = { .two = 1 }, o = { .two = 0 }, h = { .two = 0 };
	struct buf holds = BUF_INIT, ids = BUF_INIT;
	const char **nodes = NULL;
	size_t capnodes = 0, *offs = NULL;
	int use_orders = orders || (f->channel && f->channel->n) || f->from || f->to_before;
	int ret = -1, stop = 0;
	char *order_key = NULL;	/* the order row's id, while o stands on it */

	if ((l.s = store_sql(st, order ? sql_walk_lines_of : sql_walk_lines)) == NULL ||
	    (n.s = store_sql(st, order ? sql_walk_nodes_of : sql_walk_nodes)) == NULL ||
	    (use_orders && (o.s = store_sql(st, order ? sql_walk_orders_of :
	    sql_walk_orders)) == NULL) ||
	    (orders && (h.s = store_sql(st, sql_walk_holds)) == NULL))
		goto out;
	bind_text(l.s, 1, order);
	bind_list(l.s, 2, f->sku);
	bind_text(n.s, 1, order);
	if (o.s) {
		bind_text(o.s, 1, order);
		bind_list(o.s, 2, f->channel);
		bind_text(o.s, 3, f->from);
		bind_text(o.s, 4, f->to_before);
	}
	if (order == NULL) {
		bind_range(l.s, f);
		bind_range(n.s, f);
		bind_range(o.s, f);
	}
	bind_range(h.s, f);
	if (cur_next(st, &l) != 0 || cur_next(st, &n) != 0 ||
	    (o.s && cur_next(st, &o) != 0) || (h.s && cur_next(st, &h) != 0))
		goto out;
	while (l.row && !stop) {
		struct view_line v;
		size_t nn = 0;

		memset(&v, 0, sizeof v);
		v.order_id = l.k;
		v.line_no = l.n;
		/* the order: o stands on the first order not before this line's */
		if (o.s) {
			if (order_key == NULL || strcmp(order_key, v.order_id ? v.order_id : "") < 0) {
				while (o.row && key_cmp(o.k, 0, v.order_id, 0) < 0)
					if (cur_next(st, &o) != 0)
						goto out;
				free(order_key);
				order_key = o.row ? xstrdup(o.k) : NULL;
				buf_reset(&holds);
				if (h.s && o.row) {
					while (h.row && key_cmp(h.k, 0, order_key, 0) < 0)
						if (cur_next(st, &h) != 0)
							goto out;
					for (; h.row && strcmp(h.k, order_key) == 0;) {
						if (holds.len)
							buf_addc(&holds, ';');
						buf_adds(&holds, ctext(&h, 1));
						if (cur_next(st, &h) != 0)
							goto out;
					}
				}
			}
			if (order_key == NULL || v.order_id == NULL ||
			    strcmp(order_key, v.order_id) != 0) {
				if (cur_next(st, &l) != 0)	/* no such order, or not in the filter */
					goto out;
				continue;
			}
			v.customer_id = ctext(&o, 1);
			v.channel = ctext(&o, 2);
			v.created_at = ctext(&o, 3);
			v.promise_date = ctext(&o, 4);
			v.priority = sqlite3_column_int64(o.s, 5);
			v.holds = holds.len ? buf_str(&holds) : NULL;
		}
		v.sku = ctext(&l, 2);
		v.qty = sqlite3_column_int64(l.s, 3);
		v.allocated = sqlite3_column_int64(l.s, 4);
		v.shipped = sqlite3_column_int64(l.s, 5);
		v.cancelled = sqlite3_column_int64(l.s, 6);
		v.returned = sqlite3_column_int64(l.s, 7);
		v.backordered = sqlite3_column_int64(l.s, 8);
		v.backorder_reason = ctext(&l, 9);
		v.at_node = f->node == NULL || f->node->n == 0;
		/* the line's work at nodes */
		while (n.row && key_cmp(n.k, n.n, v.order_id, v.line_no) < 0)
			if (cur_next(st, &n) != 0)
				goto out;
		buf_reset(&ids);
		while (n.row && key_cmp(n.k, n.n, v.order_id, v.line_no) == 0) {
			const char *id = ctext(&n, 2);

			if (nn == capnodes) {
				capnodes = capnodes ? capnodes * 2 : 8;
				offs = xrealloc(offs, capnodes * sizeof *offs);
				nodes = xrealloc(nodes, capnodes * sizeof *nodes);
			}
			offs[nn++] = ids.len;
			buf_adds(&ids, id ? id : "");
			buf_addc(&ids, '\0');
			if (!v.at_node && strv_has(f->node, id))
				v.at_node = 1;
			v.routed += sqlite3_column_int64(n.s, 3);
			v.released += sqlite3_column_int64(n.s, 4);
			if (cur_next(st, &n) != 0)
				goto out;
		}
		for (size_t i = 0; i < nn; i++)
			nodes[i] = ids.s + offs[i];
		v.nodes = nodes;
		v.nnodes = (int)nn;
		if ((stop = fn(ctx, &v)) < 0)
			goto out;
		if (!stop && cur_next(st, &l) != 0)
			goto out;
	}
	ret = 0;
out:
	if (l.s)
		sqlite3_reset(l.s);
	if (n.s)
		sqlite3_reset(n.s);
	if (o.s)
		sqlite3_reset(o.s);
	if (h.s)
		sqlite3_reset(h.s);
	free(order_key);
	free(nodes);
	free(offs);
	buf_release(&holds);
	buf_release(&ids);
	return ret;
}

/*
 * The orders with work at some nodes (now, or shipped from there), as
 * the nodes of struct view_line count it: found from line_node_by_node,
 * not by a walk over every order.
 */
static const char sql_node_orders[] =
    "SELECT DISTINCT order_id FROM line_node "
    "WHERE node_id IN (SELECT value FROM json_each(?1)) "
    "AND (routed > 0 OR released > 0 OR shipped > 0) "
    "AND order_id >= ?5 AND order_id < ?6 ORDER BY order_id";

/*
 * The walk of walk_range over f's range; of a node filter (an
 * associate's store), only the orders with work at its nodes, each
 * walked alone (its holds' range bounded by its id: no id has a
 * character below a space).  The lines and orders seen are those of the
 * whole walk that the filter keeps.
 */
static int
walk(struct store *st, const char *order, const struct view_filter *f, int orders,
    store_line_fn fn, void *ctx)
{
	sqlite3_stmt *s;
	struct view_filter g;
	struct strv ids = STRV_INIT;	/* the ids are copies, freed here */
	struct buf below = BUF_INIT;
	int rc;

	if (order != NULL || f->node == NULL || f->node->n == 0)
		return walk_range(st, order, f, orders, fn, ctx);
	if ((s = store_sql(st, sql_node_orders)) == NULL)
		return -1;
	bind_list(s, 1, f->node);
	bind_range(s, f);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strv_push(&ids, xstrdup((const char *)sqlite3_column_text(s, 0)));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		rc = store_fail(st, rc, "reading the orders");
	else
		rc = 0;
	g = *f;
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		buf_reset(&below);
		buf_adds(&below, ids.v[i]);
		buf_addc(&below, '\x01');
		g.order_from = ids.v[i];
		g.order_below = buf_str(&below);
		rc = walk_range(st, ids.v[i], &g, orders, fn, ctx);
	}
	buf_release(&below);
	for (size_t i = 0; i < ids.n; i++)
		free((char *)ids.v[i]);
	strv_release(&ids);
	return rc;
}

static const char sql_order_ids[] = "SELECT order_id FROM orders ORDER BY order_id";

int
store_order_sample(struct store *st, int64_t every, char ***ids, size_t *n)
{
	sqlite3_stmt *s = store_sql(st, sql_order_ids);
	size_t cap = 0;
	int64_t i = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (i++ % every == 0) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				*ids = xrealloc(*ids, cap * sizeof **ids);
			}
			(*ids)[(*n)++] = xstrdup((const char *)sqlite3_column_text(s, 0));
		}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	while (*n > 0)
		free((*ids)[--*n]);
	free(*ids);
	*ids = NULL;
	return store_fail(st, rc, "reading the orders");
}

int
store_lines_view(struct store *st, const char *order, const struct view_filter *f,
    store_line_fn fn, void *ctx)
{
	return walk(st, order, f, 0, fn, ctx);
}

int
store_orders_view(struct store *st, const struct view_filter *f, store_line_fn fn,
    void *ctx)
{
	return walk(st, NULL, f, 1, fn, ctx);
}

/*
 * The backordered lines and their orders, merged by order_id here (both
 * read in key order) rather than joined by SQLite, which looks up each
 * line's order in the orders table.
 */
/* a line pegged to supply: the peg expected last, when all its pegged units are there */
#define LINE_PEG(COL) "(SELECT " COL " FROM supply_peg g JOIN supply s ON s.supply_id = " \
    "g.supply_id WHERE g.order_id = l.order_id AND g.line_no = l.line_no " \
    "ORDER BY s.expected_at DESC, s.supply_id DESC LIMIT 1)"
static const char sql_backorder_lines[] =
    "SELECT order_id, line_no, sku, backordered, backorder_reason, backordered_at, "
    LINE_PEG("s.expected_at") ", " LINE_PEG("s.supply_id") " "
    "FROM order_line l WHERE backordered > 0 AND " IN_LIST("sku", "?1") " "
    "ORDER BY order_id, line_no";

int
store_backorders_view(struct store *st, const struct view_filter *f,
    int (*fn)(void *ctx, const struct backordered_line *l), void *ctx)
{
	struct store_cur l = { .two = 1 }, o = { .two = 0 };
	struct backordered_line v;
	int ret = -1, stop = 0, r;

	if ((l.s = store_sql(st, sql_backorder_lines)) == NULL ||
	    (o.s = store_sql(st, sql_walk_orders)) == NULL)
		return -1;
	bind_list(l.s, 1, f->sku);
	bind_text(o.s, 1, NULL);
	bind_list(o.s, 2, f->channel);
	bind_text(o.s, 3, f->from);
	bind_text(o.s, 4, f->to_before);
	bind_range(o.s, f);	/* walk's statement: every order */
	if (cur_next(st, &l) != 0 || cur_next(st, &o) != 0)
		goto out;
	while (l.row && o.row && !stop) {
		if ((r = key_cmp(o.k, 0, l.k, 0)) < 0) {
			if (cur_next(st, &o) != 0)
				goto out;
			continue;
		}
		if (r == 0) {
			v.order_id = ctext(&l, 0);
			v.line_no = ctext(&l, 1);
			v.sku = ctext(&l, 2);
			v.backordered = ctext(&l, 3);
			v.backorder_reason = ctext(&l, 4);
			v.backordered_at = ctext(&l, 5);
			v.expected_at = ctext(&l, 6);
			v.supply_id = ctext(&l, 7);
			v.created_at = ctext(&o, 3);
			v.priority = ctext(&o, 5);
			v.promise_date = ctext(&o, 4);
			v.channel = ctext(&o, 2);
			v.customer_id = ctext(&o, 1);
			if ((stop = fn(ctx, &v)) < 0)
				goto out;
		}
		/* else the line's order is not in the filter (or not there) */
		if (!stop && cur_next(st, &l) != 0)
			goto out;
	}
	ret = 0;
out:
	sqlite3_reset(l.s);
	sqlite3_reset(o.s);
	return ret;
}

/*
 * Releases per node and business day: release_by_node_day gives them in
 * the order of the groups, each release's lines are found by its key;
 * then, per group, those of them that count against capacity.
 */
static const char sql_releases[] =
    "SELECT r.node_id, r.business_day, count(DISTINCT r.release_id), count(*), "
    "sum(rl.qty), sum(rl.shipped), sum(rl.qty - rl.shipped - rl.short - rl.cancelled), "
    "n.capacity_per_day, " DAY_RELEASES("r.node_id", "r.business_day") " "
    "FROM release r JOIN release_line rl ON rl.release_id = r.release_id "
    "JOIN node n ON n.node_id = r.node_id "
    "WHERE " IN_LIST("r.node_id", "?1") " AND (?2 IS NULL OR r.business_day >= ?2) "
    "AND (?3 IS NULL OR r.business_day <= ?3) "
    "GROUP BY r.node_id, r.business_day ORDER BY r.node_id, r.business_day";

struct node_days_releases {
	int (*fn)(void *ctx, const struct node_day_releases *x);
	void *ctx;
};

static int
node_days_releases_row(void *p, const struct store_row *row)
{
	const struct node_days_releases *w = p;
	struct node_day_releases x;

	x.node_id = store_col_text(row, 0);
	x.business_day = store_col_text(row, 1);
	x.releases = store_col_text(row, 2);
	x.lines = store_col_text(row, 3);
	x.units = store_col_text(row, 4);
	x.shipped = store_col_text(row, 5);
	x.outstanding = store_col_text(row, 6);
	x.capacity_per_day = store_col_text(row, 7);
	x.nreleases = store_col_int(row, 8);
	x.capacity = store_col_int(row, 7);
	return w->fn(w->ctx, &x);
}

int
store_releases_view(struct store *st, const struct view_filter *f,
    int (*fn)(void *ctx, const struct node_day_releases *r), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_releases);
	struct node_days_releases w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_list(s, 1, f->node);
	bind_text(s, 2, f->from);
	bind_text(s, 3, f->to);
	return store_each(st, s, node_days_releases_row, &w, "reading the releases");
}

/*
 * Reserved quantity per node and sku (routed or released there, not
 * shipped), its routed part and its part for the node's own pickup and
 * curbside lines (method_handed_over's, model.h, collected there): the
 * line_node rows with work first (a plain scan), then their lines, so
 * that a line long shipped costs no lookup.
 */
#define VIEW_RESERVED_CTE VIEW_RESERVED_CTE_OF("")
/*
 * The same of some nodes, NODES a condition on node_id followed by AND:
 * their line_node rows only (line_node_by_node).
 */
#define VIEW_RESERVED_CTE_OF(NODES) "WITH w AS MATERIALIZED (SELECT order_id, line_no, " \
	"node_id, routed + released AS q, routed FROM line_node WHERE " NODES \
	"routed + released > 0), " \
	"r AS MATERIALIZED (SELECT w.node_id, l.sku, SUM(w.q) AS q, SUM(w.routed) AS rt, " \
	"SUM(CASE WHEN l.method IN ('pickup', 'curbside') AND l.pickup_node = w.node_id " \
	"THEN w.q ELSE 0 END) AS pk " \
	"FROM w JOIN order_line l USING (order_id, line_no) GROUP BY w.node_id, l.sku) "
/*
 * node, sku, on_hand, safety, reserved, active, the routed part of
 * reserved, and who may draw on the stock: the node's type and methods,
 * the item's vendor, whether the node can be located; the pickup part of
 * reserved
 */
#define INVENTORY_SELECT "SELECT i.node_id, i.sku, i.on_hand, " \
	"COALESCE(i.safety_stock, n.safety_stock), COALESCE(r.q, 0), n.active, " \
	"COALESCE(r.rt, 0), n.type, n.can_ship, n.can_pickup, n.can_curbside, " \
	"it.vendor_node, " NODE_LOCATED ", COALESCE(r.pk, 0) " \
	"FROM inventory i JOIN node n USING (node_id) " NODE_PLACE_JOIN \
	"LEFT JOIN item it ON it.sku = i.sku " \
	"LEFT JOIN r ON r.node_id = i.node_id AND r.sku = i.sku "

static const char sql_inventory[] =
    VIEW_RESERVED_CTE INVENTORY_SELECT
    "WHERE " IN_LIST("i.sku", "?2") " ORDER BY i.node_id, i.sku";
/*
 * Of some nodes (an associate's store): their reservations and stock
 * alone.  SQLite seeks an index for "IN (...)" alone, not with "?1 IS
 * NULL OR" before it.
 */
#define OF_NODES(COL) COL " IN (SELECT value FROM json_each(?1))"
static const char sql_inventory_of_nodes[] =
    VIEW_RESERVED_CTE_OF(OF_NODES("node_id") " AND ") INVENTORY_SELECT
    "WHERE " OF_NODES("i.node_id") " AND " IN_LIST("i.sku", "?2") " "
    "ORDER BY i.node_id, i.sku";
static const char sql_inventory_by_sku[] =
    VIEW_RESERVED_CTE INVENTORY_SELECT
    "WHERE " IN_LIST("i.sku", "?1") " ORDER BY i.sku, i.node_id";
static const char sql_allocated_by_sku[] =
    "SELECT sku, SUM(allocated) FROM order_line WHERE allocated > 0 "
    "AND " IN_LIST("sku", "?1") " GROUP BY sku ORDER BY sku";
static const char sql_runs[] =
    "SELECT run_id, command, argv, user, started_at, ended_at, exit_status, counts "
    "FROM run WHERE (?1 IS NULL OR started_at >= ?1) AND (?2 IS NULL OR started_at < ?2) "
    "ORDER BY run_id";

struct node_stocks {
	int (*fn)(void *ctx, const struct node_stock *x);
	void *ctx;
};

/* An inventory view's row (INVENTORY_SELECT below) as a struct node_stock. */
static int
node_stock_row(void *p, const struct store_row *row)
{
	const struct node_stocks *w = p;
	struct node_stock x;

	x.node_id = store_col_text(row, 0);
	x.sku = store_col_text(row, 1);
	x.on_hand = store_col_text(row, 2);
	x.safety_stock = store_col_text(row, 3);
	x.reserved = store_col_text(row, 4);
	x.active = (int)store_col_int(row, 5);
	x.routed = store_col_int(row, 6);
	x.type = store_col_text(row, 7);
	x.can_ship = (int)store_col_int(row, 8);
	x.can_pickup = (int)store_col_int(row, 9);
	x.can_curbside = (int)store_col_int(row, 10);
	x.vendor_node = store_col_text(row, 11);
	x.located = (int)store_col_int(row, 12);
	x.reserved_pickup = store_col_int(row, 13);
	return w->fn(w->ctx, &x);
}

int
store_stock_view(struct store *st, const struct view_filter *f, int by_sku,
    int (*fn)(void *ctx, const struct node_stock *x), void *ctx)
{
	int some = !by_sku && f->node != NULL && f->node->n > 0;
	sqlite3_stmt *s = store_sql(st, by_sku ? sql_inventory_by_sku : some ?
	    sql_inventory_of_nodes : sql_inventory);
	struct node_stocks w = { fn, ctx };

	if (s == NULL)
		return -1;
	if (by_sku) {
		bind_list(s, 1, f->sku);
	} else {
		bind_list(s, 1, f->node);
		bind_list(s, 2, f->sku);
	}
	return store_each(st, s, node_stock_row, &w, "reading the stock");
}

struct sku_allocations {
	int (*fn)(void *ctx, const char *sku, int64_t allocated);
	void *ctx;
};

static int
sku_allocated_row(void *p, const struct store_row *row)
{
	const struct sku_allocations *w = p;

	return w->fn(w->ctx, store_col_text(row, 0), store_col_int(row, 1));
}

int
store_allocated_view(struct store *st, const struct view_filter *f,
    int (*fn)(void *ctx, const char *sku, int64_t allocated), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_allocated_by_sku);
	struct sku_allocations w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_list(s, 1, f->sku);
	return store_each(st, s, sku_allocated_row, &w, "reading the allocations");
}

struct runs {
	int (*fn)(void *ctx, const struct run_row *r);
	void *ctx;
};

static int
run_row(void *p, const struct store_row *row)
{
	const struct runs *w = p;
	struct run_row r;

	r.run_id = store_col_text(row, 0);
	r.command = store_col_text(row, 1);
	r.argv = store_col_text(row, 2);
	r.user = store_col_text(row, 3);
	r.started_at = store_col_text(row, 4);
	r.ended_at = store_col_text(row, 5);
	r.exit_status = store_col_text(row, 6);
	r.counts = store_col_text(row, 7);
	return w->fn(w->ctx, &r);
}

int
store_runs_view(struct store *st, const struct view_filter *f,
    int (*fn)(void *ctx, const struct run_row *r), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_runs);
	struct runs w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, f->from);
	bind_text(s, 2, f->to_before);
	return store_each(st, s, run_row, &w, "reading the runs");
}

static const char sql_event_last[] = "SELECT COALESCE(max(seq), 0) FROM event";

int64_t
store_event_last(struct store *st)
{
	sqlite3_stmt *s = store_sql(st, sql_event_last);

	return s == NULL ? -1 : store_int(st, s, "reading the event log");
}

#define EVENTS "SELECT seq, at, order_id, type, payload FROM event "
static const char sql_events_range[] =
    EVENTS
    "WHERE seq > ?1 AND seq <= ?2 ORDER BY seq";
/*
 * not "?3 IS NULL OR type = ?3": SQLite would plan it without the index;
 * one type is read in seq order from the index, several are each sought
 * there and sorted
 */
static const char sql_events_range_of_type[] =
    EVENTS
    "WHERE type = ?3 AND seq > ?1 AND seq <= ?2 ORDER BY seq";
static const char sql_events_range_of_types[] =
    EVENTS
    "WHERE type IN (SELECT value FROM json_each(?3)) AND seq > ?1 AND seq <= ?2 "
    "ORDER BY seq";

int
store_events_range(struct store *st, int64_t after, int64_t upto,
    const struct strv *types, int (*fn)(void *ctx, struct store_event_row *e), void *ctx)
{
	size_t ntypes = types ? types->n : 0;
	sqlite3_stmt *s = store_sql(st, ntypes == 0 ? sql_events_range : ntypes == 1 ?
	    sql_events_range_of_type : sql_events_range_of_types);
	struct store_event_row e;
	int rc, i, stop = 0;

	if (s == NULL)
		return -1;
	bind_int(s, 1, after);
	bind_int(s, 2, upto);
	if (ntypes == 1)
		bind_text(s, 3, types->v[0]);
	else if (ntypes > 1)
		bind_list(s, 3, types);
	memset(&e, 0, sizeof e);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		e.seq = sqlite3_column_int64(s, 0);
		/* strlen: cheaper than sqlite3_column_bytes on short text */
		for (i = 1; i < 5; i++) {
			e.v[i] = (const char *)sqlite3_column_text(s, i);
			e.len[i] = e.v[i] ? strlen(e.v[i]) : 0;
		}
		stop = fn(ctx, &e);
	}
	sqlite3_reset(s);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading the event log");
}

