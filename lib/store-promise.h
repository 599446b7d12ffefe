#ifndef OMS_STORE_PROMISE_H
#define OMS_STORE_PROMISE_H
/*
 * store-promise: what oms-promise reads (only the skus of its carts) and
 * the reservations it writes (lib/store-promise.c; schema 017).  Each
 * reader hands fn one struct a row, on the stack, its strings valid
 * during the call only; 0, or -1 after a diagnostic.  skus: the carts'
 * skus (a list filter, store-int.h's IN_LIST), or NULL: every sku, read
 * by a plain scan (cheaper when the carts name many; the caller skips
 * the rows of other skus).
 */
#include <stdint.h>

#include "store.h"
#include "store-alloc.h"
#include "store-route.h"

/*
 * The stock of the skus at every node, as store_alloc_stock hands it,
 * but for reserved: with skus, the live reservations at now only (the
 * caller adds the lines' work, store_promise_lines); NULL, every sku's,
 * reserved whole (routed + released, not shipped, and live reservations).
 */
int store_promise_stock(struct store *st, const struct strv *skus, const char *now,
	int (*fn)(void *ctx, const struct stock_reserved *s), void *ctx);
/*
 * The open lines of the skus (not shipped and cancelled in full), in one
 * scan of the table: a row for each node where a line has work (routed +
 * released), its rows adjacent, or one row with node_id NULL and work 0.
 */
struct open_line {
	const char *order_id;
	int64_t line_no;
	const char *sku, *method, *pickup_node;
	int64_t allocated, ship_to_store;
	const char *node_id;
	int64_t work;
};
int store_promise_lines(struct store *st, const struct strv *skus,
	int (*fn)(void *ctx, const struct open_line *l), void *ctx);
/* Every allocation lines hold today (held orders' too), a plain scan. */
int store_promise_kept(struct store *st,
	int (*fn)(void *ctx, const struct kept_allocation *k), void *ctx);
/* The items among the skus, as store_route_items hands them. */
int store_promise_items(struct store *st, const struct strv *skus,
	int (*fn)(void *ctx, const struct item_shipping *it), void *ctx);
/* Where a cart's destination is: its postal code's lat and lon (1), or 0. */
int store_promise_place(struct store *st, const char *country, const char *postal_code,
	double *lat, double *lon);

/*
 * Open supply of the skus: units still to come (qty - received - pegged,
 * above 0), by sku, expected_at, supply_id.
 */
struct open_supply {
	const char *supply_id, *node_id, *sku, *expected_at;
	int64_t open;
};
int store_promise_supply(struct store *st, const struct strv *skus,
	int (*fn)(void *ctx, const struct open_supply *s), void *ctx);

/* The units the carts hold, live at now, per sku and node. */
int store_promise_cart_held(struct store *st, const struct strv *carts, const char *now,
	int (*fn)(void *ctx, const char *sku, const char *node_id, int64_t qty), void *ctx);
/* Delete the reservations expired at now: how many, or -1. */
long store_reservations_expire(struct store *st, const char *now);
/* Delete the reservations of cart_id: the units they held, or -1. */
int64_t store_reservations_drop(struct store *st, const char *cart_id);
/* Hold qty units of sku at node_id for a cart line until expires_at. */
int store_reservation_add(struct store *st, const char *cart_id, int64_t line_no,
	const char *sku, const char *node_id, int64_t qty, const char *expires_at);
/* 1 when some reservation exists, 0 none, -1 error. */
int store_reservations_any(struct store *st);

#endif
