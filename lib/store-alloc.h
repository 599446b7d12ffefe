#ifndef OMS_STORE_ALLOC_H
#define OMS_STORE_ALLOC_H
/*
 * store-alloc: the scope of a run, the lines to allocate with their
 * work at nodes, the routed work at a node, and the write-back of
 * allocations (lib/store-alloc.c).
 */
#include "store.h"

/*
 * The orders a run is limited to, in a temporary table: store_scope_add
 * returns 1 (added), 0 when no such order exists, -1 on error.
 */
int store_scope_reset(struct store *st);
int store_scope_add(struct store *st, const char *order_id);
/* A line's work at one node: units routed and released there. */
struct alloc_work {
	const char *node_id;
	int64_t routed, released;
};
/*
 * The lines to allocate, by order_id and line_no (scoped: only the scope;
 * the lines of held orders too, which are not in VIEW_ORDERS_NOT_HELD):
 * order_id, line_no, sku, qty, method, pickup_node, allocated,
 * backordered, backorder_reason, qty less shipped and cancelled; with
 * the line's work at each node where it has any, by node_id (nwork 0:
 * none; valid during the call only).  0 or -1.
 */
typedef int (*store_alloc_line_fn)(void *ctx, const struct store_row *row,
	const struct alloc_work *work, int nwork);
int store_alloc_lines(struct store *st, int scoped, store_alloc_line_fn fn, void *ctx);
/*
 * Set the unrouted allocation, backorder and reason (NULL: none) of the n
 * lines for which fn returns 1, in one pass over the table: fn is asked
 * about lines in key order, each maybe more than once in a row.  0, or -1
 * after a diagnostic (also when other than n lines were found).
 */
typedef int (*store_alloc_find_fn)(void *ctx, const char *order_id, int64_t line_no,
	int64_t *allocated, int64_t *backordered, const char **reason);
int store_alloc_write(struct store *st, store_alloc_find_fn fn, void *ctx, long n);
/* Set a line's unrouted allocation, backorder and reason (NULL: none). */
int store_line_alloc(struct store *st, const char *order_id, int64_t line_no,
	int64_t allocated, int64_t backordered, const char *reason);
/*
 * The routed (not released) work on sku at node, of every order (held or
 * not), in no particular order: typed rows order_id, line_no, routed, and
 * the order's priority, promise_date and created_at, for the caller to
 * put in the order of service.  0 or -1.
 */
int store_alloc_routed_at(struct store *st, const char *node_id, const char *sku,
	store_typed_fn fn, void *ctx);

#endif
