#ifndef OMS_STORE_IMPORT_H
#define OMS_STORE_IMPORT_H
/*
 * store-import: what oms-import writes and validates with: reference
 * data put by key, orders and lines, inventory, delta files, keys seen
 * (lib/store-import.c).
 */
#include "store.h"

enum { PUT_INSERTED = 0, PUT_UPDATED = 1, PUT_UNCHANGED = 2 };

int store_item_put(struct store *st, const struct item *it);
int store_node_put(struct store *st, const struct node *n);
int store_customer_put(struct store *st, const struct customer *c);
int store_postal_put(struct store *st, const struct postal *p);
int store_rate_put(struct store *st, const struct rate *r);
/* A channel's policy (channel_policy); -1 in a limit: none (NULL). */
struct channel_policy {
	const char *channel;
	int64_t backorder_days, hold_release_hours;
};
int store_channel_policy_put(struct store *st, const struct channel_policy *p);
/*
 * The rate card is the n bands of km[] (a rates import is the whole
 * card): *others is set to the number of stored bands not among them,
 * which are removed when remove is 1.  0, or -1 after a diagnostic.
 */
int store_rates_keep(struct store *st, const double *km, int n, int remove, long *others);
/*
 * Orders and lines are written in two steps so that a large import of new
 * orders costs one statement a row: *_insert adds the row when its key is
 * new (1) or does nothing (0); for a key already there, *_probe tells what
 * is stored and *_update changes it (PUT_UPDATED or PUT_UNCHANGED).  Rows
 * written by this run are marked, so a key met twice in one run is known.
 * store_line_insert is also how oms-order add writes its new line (marked
 * with the oms-order run: the run that brought the line in).
 */
int store_order_insert(struct store *st, const struct order *o);
int store_order_update(struct store *st, const struct order *o);
int store_line_insert(struct store *st, const struct order_line *l);
int store_line_update(struct store *st, const struct order_line *l);

struct order_probe {
	int this_run;		/* written earlier in this run */
	int same;		/* the stored values equal the given ones */
	int in_fulfilment;	/* some quantity allocated, routed, released,
				 * shipped or cancelled */
	char created_at[21];
};
/* 1 and *p filled when the order exists, 0 when not, -1 error. */
int store_order_probe(struct store *st, const struct order *o, struct order_probe *p);
/* The same for a line (created_at and in_fulfilment are not filled). */
int store_line_probe(struct store *st, const struct order_line *l, struct order_probe *p);

/*
 * Insert orders that should all be new, with their lines and one
 * "order.created" event each (payloads[i] for orders[i]), all or nothing:
 * 1 when all was written, 0 when some order or line was already there
 * (nothing written), -1 on error.  Far faster than row by row.
 */
int store_new_orders(struct store *st, const struct order *orders, int norders,
	const struct order_line *lines, int nlines, const char *const *payloads);

/* Inventory at node/sku: 1 and *inv filled, 0 none, -1 error. */
int store_inventory_get(struct store *st, const char *node_id, const char *sku,
	struct inventory *inv);
int store_inventory_put(struct store *st, const struct inventory *inv);

/* A delta file already applied: its run id (> 0), 0 if not, -1 error. */
int64_t store_delta_file_run(struct store *st, const char *digest);
int store_delta_file_add(struct store *st, const char *digest, const char *name);

/*
 * Reference data for validation, loaded once per run: every node (value: a
 * malloc'd struct node_ref), every sku (value: a malloc'd int64_t, its
 * unit_price in cents), every customer_id (value: NULL).
 */
struct node_ref {
	char type[16];
	int can_ship, can_pickup, can_curbside, active;
};
int store_load_nodes(struct store *st, struct strmap *nodes);
int store_load_skus(struct store *st, struct strmap *skus);
int store_load_customers(struct store *st, struct strmap *customers);

/*
 * Keys seen earlier in this run (a temporary table, so memory stays flat
 * however large the input): returns 0 the first time key is seen (and
 * remembers digest and line), 1 when seen with the same digest, 2 when
 * seen with another digest (*first_line: where), -1 on error.
 */
int store_seen(struct store *st, const char *key, size_t keylen, int64_t digest,
	long line, long *first_line);
/* 1 when key was seen in this run (without remembering it), 0 not, -1 error. */
int store_seen_has(struct store *st, const char *key, size_t keylen);

/*
 * Hold rules (oms-import holdrules; oms(7), "Automatic holds"): put by
 * rule_id (value -1: none, the tests but order_value_over); the active
 * ones handed to fn in rule_id order (valid during the call; fn's -1 stops);
 * the flagged customers (value: NULL).
 */
struct hold_rule {
	const char *rule_id, *test, *hold_type, *channel;	/* channel "": every one */
	int64_t value;		/* cents; -1: none */
	int active;
};
int store_hold_rule_put(struct store *st, const struct hold_rule *r);
int store_load_hold_rules(struct store *st, int (*fn)(void *ctx, const struct hold_rule *r),
	void *ctx);
int store_load_flagged(struct store *st, struct strmap *customers);
/*
 * Whether order o's ship-to can be placed, by the one statement of where
 * it is (SHIP_TO_CODE, store-int.h; its lat/lon, else the postal table):
 * 1 placed; 0 not, with *code and *country the keys looked up in vain
 * (malloc'd; code "" when there was none), as place_reason (model.h)
 * takes them; -1 error.
 */
int store_ship_to_place(struct store *st, const struct order *o, char **code,
	char **country);

#endif
