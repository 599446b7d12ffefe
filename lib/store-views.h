#ifndef OMS_STORE_VIEWS_H
#define OMS_STORE_VIEWS_H
/*
 * store-views: the read-only views of the store, by filters: stock,
 * lines, orders, backorders, releases per day, runs (lib/store-views.c).
 */
#include "store.h"

/* --- views --- */

/*
 * The filters of oms-report's views.  channel, node and sku are lists: a
 * row with any of their values passes; NULL or an empty list: no filter.
 * from and to are dates (YYYY-MM-DD), to_before the day after to, for
 * comparing with times; NULL: no filter.  Each function hands fn rows in
 * the column order given, and returns 0 or -1 after a diagnostic.
 */
struct view_filter {
	const struct strv *channel, *node, *sku;
	const char *from, *to, *to_before;
	/* the lines and orders views: order ids from order_from below order_below (NULL: no bound) */
	const char *order_from, *order_below;
};
/*
 * One order line as the lines and orders views walk them, with its work
 * at nodes summed (routed, released) and the nodes' ids, sorted (none:
 * nnodes 0): the nodes where it has work, routed or released there now,
 * or from which it shipped units.  A line_node row with none of these
 * (the line was shorted there, or its work moved on) is not one of its
 * nodes.  The order's columns are set by store_orders_view only (else
 * NULL and 0).  Strings live until fn returns.
 */
struct view_line {
	const char *order_id, *sku, *backorder_reason;
	int64_t line_no, qty, allocated, shipped, cancelled, returned, backordered;
	int64_t routed, released;
	const char *const *nodes;
	int nnodes;
	int at_node;		/* one of its nodes is in the node filter (1: none) */
	/* the order */
	const char *customer_id, *channel, *created_at, *promise_date, *holds;
	int64_t priority;
};
typedef int (*store_line_fn)(void *ctx, const struct view_line *l);
/*
 * Order lines by order_id, line_no; fn returns 0 to go on, else stops.
 * Filters: order (one order, NULL: any), sku, and of the line's order
 * channel, from/to_before on created_at; the node filter is left to the
 * caller (at_node).  Each table is read once in key order and merged, which is
 * several times faster than SQLite's GROUP BY over the join.
 */
int store_lines_view(struct store *st, const char *order, const struct view_filter *f,
	store_line_fn fn, void *ctx);
/*
 * The lines of orders, by order_id, line_no, with the order's columns
 * (holds: hold types joined by ';', NULL none).  Filters: channel,
 * from/to_before on created_at; the node filter is the caller's
 * (at_node of any line of the order).  Orders without lines are not seen.
 */
int store_orders_view(struct store *st, const struct view_filter *f, store_line_fn fn,
	void *ctx);
/*
 * Every `every`th order id in key order, from the first, in *ids (*n of
 * them, each and the array the caller's to free): where to cut the
 * orders into ranges of about `every` orders.  0, or -1 after a
 * diagnostic.
 */
int store_order_sample(struct store *st, int64_t every, char ***ids, size_t *n);
/*
 * Lines with backordered units, by order_id and line_no, with their
 * order's columns, each as the store has it, as text (what the view
 * prints); strings live until fn returns.  Filters: channel, sku,
 * from/to_before on the order's created_at.
 */
struct backordered_line {
	const char *order_id, *line_no, *sku, *backordered, *backorder_reason;
	const char *backordered_at;	/* NULL when not known */
	/* pegged to supply: the latest expected of its pegs and its supply; NULL: none */
	const char *expected_at, *supply_id;
	/* the order */
	const char *created_at, *priority, *promise_date, *channel, *customer_id;
};
int store_backorders_view(struct store *st, const struct view_filter *f,
	int (*fn)(void *ctx, const struct backordered_line *l), void *ctx);
/*
 * A node's stock of a sku: on_hand, safety_stock (the row's, else the
 * node's) and reserved (routed + released there, not shipped) as the
 * store has them, as text (what the views print; num() reads them);
 * routed, the part of reserved routed there; reserved_pickup, the part
 * of reserved for the node's own pickup and curbside lines (those it
 * hands over: store_stock_view's; store_check_stock gives 0); and who may draw on the stock: the node's
 * type, active and methods, the item's vendor_node, and whether the node
 * can be located.  Strings live until fn returns.
 */
struct node_stock {
	const char *node_id, *sku;
	const char *on_hand, *safety_stock, *reserved;
	int64_t routed, reserved_pickup;
	const char *type, *vendor_node;
	int active, can_ship, can_pickup, can_curbside, located;
};
/*
 * Every inventory row, by node_id then sku (by_sku: by sku then node_id).
 * Filters: node (not by_sku) and sku.  0 or -1.
 */
int store_stock_view(struct store *st, const struct view_filter *f, int by_sku,
	int (*fn)(void *ctx, const struct node_stock *x), void *ctx);
/* The unrouted allocations per sku, by sku.  Filter: sku.  0 or -1. */
int store_allocated_view(struct store *st, const struct view_filter *f,
	int (*fn)(void *ctx, const char *sku, int64_t allocated), void *ctx);
/*
 * The run log, by run_id, each column as the store has it, as text (what
 * the view prints).  Filter: from/to_before on started_at.  0 or -1.
 */
struct run_row {
	const char *run_id, *command, *argv, *user, *started_at, *ended_at;
	const char *exit_status;	/* NULL: still running, or killed */
	const char *counts;		/* a JSON object */
};
int store_runs_view(struct store *st, const struct view_filter *f,
	int (*fn)(void *ctx, const struct run_row *r), void *ctx);
/*
 * Releases per node and business day, by node_id then day.  Filters:
 * node, from/to on the business day.  The counts are also given as the
 * store has them, as text (what the view prints, even of a store edited
 * by hand); strings live until fn returns.
 */
struct node_day_releases {
	const char *node_id, *business_day;
	const char *releases, *lines, *units, *shipped;
	const char *outstanding;	/* units still out at the node */
	const char *capacity_per_day;	/* NULL: unlimited */
	int64_t nreleases;	/* of releases, those counted against capacity */
	int64_t capacity;	/* 0 when unlimited */
};
int store_releases_view(struct store *st, const struct view_filter *f,
	int (*fn)(void *ctx, const struct node_day_releases *r), void *ctx);

#endif
