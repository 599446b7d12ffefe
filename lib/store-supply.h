#ifndef OMS_STORE_SUPPLY_H
#define OMS_STORE_SUPPLY_H
/*
 * store-supply: every statement about stock on its way (lib/store-supply.c):
 * the supply table, the pegs of backordered lines to it, what allocation
 * reads to peg, and a line's move from its pegs to stock on a receipt.
 * See share/schema/016-supply.sql.
 */
#include <stdint.h>

#include "rows.h"
#include "store.h"

/* A supply as stored; pegged: the units pegged to it now. */
struct supply {
	char supply_id[ROWS_MAX_KEY + 1], node_id[ROWS_MAX_KEY + 1], sku[ROWS_MAX_KEY + 1];
	char kind[16], status[12], expected_at[21];
	int64_t qty, received, pegged;
};

/* 1 and *out filled, 0 when there is none, -1 error. */
int store_supply_get(struct store *st, const char *supply_id, struct supply *out);
/* Insert or replace it (status from qty and received), changed by this run. */
int store_supply_put(struct store *st, const struct supply *s);
/* 1 when some supply is open or some line pegged (else allocation has nothing to do). */
int store_supply_any(struct store *st);

/* A peg, with its line and the supply's date. */
struct supply_peg {
	const char *supply_id, *order_id, *sku, *expected_at, *reason;
	int64_t line_no, qty;
	int64_t allocated, backordered;	/* the line's */
	int64_t line_pegged;		/* every peg of the line */
	int64_t excess;			/* store_pegs_over: line_pegged - backordered */
};
typedef int (*supply_peg_fn)(void *ctx, const struct supply_peg *p);

/*
 * The pegs of a supply in the order of service of their lines
 * (SERVICE_ORDER, then line_no); the order of take-back is its reverse.
 */
int store_supply_pegs(struct store *st, const char *supply_id, supply_peg_fn fn,
	void *ctx);
/*
 * The pegs of lines pegged beyond their backordered units (they got stock,
 * or were cancelled), by line, the latest expected first; scoped: only
 * the orders of temp.scope.
 */
int store_pegs_over(struct store *st, int scoped, supply_peg_fn fn, void *ctx);
/* A peg's units set to qty (0: removed), or added to (store_peg_add). */
int store_peg_set(struct store *st, const char *supply_id, const char *order_id,
	int64_t line_no, int64_t qty);
int store_peg_add(struct store *st, const char *supply_id, const char *order_id,
	int64_t line_no, int64_t qty);
/*
 * A line's expected date (the latest expected_at of its pegs, into
 * expected_at) and that peg's supply (into supply_id, ROWS_MAX_KEY + 1
 * bytes): 1, or 0 when it is pegged to nothing, -1 error.
 */
int store_line_expected(struct store *st, const char *order_id, int64_t line_no,
	char expected_at[21], char *supply_id);
/*
 * A line's allocated and backordered units and reason (NULL: none) set,
 * with its backorder bookkeeping (SET_BACKORDERED), checked like every
 * write of a line.
 */
int store_line_supply_set(struct store *st, const char *order_id, int64_t line_no,
	int64_t allocated, int64_t backordered, const char *reason);

/* Open supply as allocation pegs it, with what its node may do. */
struct open_supply {
	const char *supply_id, *node_id, *sku, *expected_at;
	int64_t open;		/* qty - received - pegged */
	int vendor, active, can_ship, can_pickup, can_curbside, located, ship_to_store;
	int own_item;		/* the node is the item's vendor_node */
};
/* By sku, the earliest expected first, then by supply_id. */
int store_open_supply(struct store *st, int (*fn)(void *ctx, const struct open_supply *s),
	void *ctx);

/* A backordered line of an order not held, with what its rule matches on. */
struct waiting_line {
	const char *order_id, *sku, *method, *pickup_node, *reason;
	const char *channel, *ship_country, *ship_region, *ship_postal_code;
	int64_t line_no, backordered, pegged, allocated, priority, value;
};
/*
 * The backordered lines whose sku has open supply, in the order of service
 * (SERVICE_ORDER), then by line_no; scoped: only the orders of temp.scope.
 */
int store_waiting_lines(struct store *st, int scoped,
	int (*fn)(void *ctx, const struct waiting_line *l), void *ctx);

#endif
