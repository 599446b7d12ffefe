#ifndef OMS_STORE_CHECK_H
#define OMS_STORE_CHECK_H
/*
 * store-check: what oms-report check reads, the large tables each once
 * (lib/store-check.c).
 */
#include "store-views.h"

/*
 * What oms-report check reads (lib/store-check.c): the large tables each
 * once, in key order.  store_check_begin makes the passes: it hands every
 * order line to fn, by order_id and line_no, with routed and released
 * summed over its line_node rows (the order's columns and the nodes are
 * not set; fn returns 0, or -1 to fail), and keeps the rest for the
 * functions below, which report it in their own order.  NULL after a
 * diagnostic.  want says whether fn has anything to say of a line; it
 * may be called from any thread: a store of many orders is read in two
 * threads (on a second connection that sees st's snapshot, see
 * store_read_together), which keep the lines want wants and hand them to
 * fn after, in the same order.  st must be in a read transaction (it
 * is begun again, before anything is read, for the second connection).
 */
struct store_check;
typedef int (*store_line_test_fn)(const struct view_line *l);
struct store_check *store_check_begin(struct store *st, store_line_fn fn,
	store_line_test_fn want, void *ctx);
/*
 * Every inventory row at a node that exists, by node_id and sku, with
 * reserved and its routed part from the check's pass over the lines.  fn
 * returns 0 to go on; 0 or -1.
 */
int store_check_stock(struct store *st, struct store_check *k,
	int (*fn)(void *ctx, const struct node_stock *x), void *ctx);
/*
 * Add atp to the network's atp of sku (nothing when the sku has no line):
 * the caller's fn of store_check_stock says which stock some line may use.
 */
void store_check_atp(struct store_check *k, const char *sku, int64_t atp);
/*
 * How many rows seem to break a foreign key (0: none does); the caller
 * then lists them with store_check_foreign_keys.
 */
int64_t store_check_suspect(const struct store_check *k);
/*
 * SQLite's list of the rows whose foreign key does not hold: the table,
 * the row's rowid (NULL for a table without one) and the table it refers
 * to.  fn returns 0 to go on; 0 or -1.
 */
int store_check_foreign_keys(struct store *st,
	int (*fn)(void *ctx, const char *table, const char *rowid, const char *parent),
	void *ctx);
/* SQLite's integrity check: each problem it finds (none: fn not called).  0 or -1. */
int store_check_integrity(struct store *st, int (*fn)(void *ctx, const char *problem),
	void *ctx);
/* The orders that have no line, by order_id; fn returns 0 to go on.  0 or -1. */
int store_check_no_lines(const struct store_check *k,
	int (*fn)(void *ctx, const char *order_id), void *ctx);
/*
 * A line's units at a node by its line_node row (released) and by its
 * release lines there (outstanding: qty less shipped, short, cancelled;
 * cancel_requested), as store_check_released finds them disagreeing.
 */
struct check_released {
	const char *order_id;
	int64_t line_no;
	const char *node_id;
	int64_t released, outstanding, cancel_requested;
};
/*
 * Every line and node with release lines whose line_node.released is not
 * what those lines still have out, or whose cancel requests exceed that,
 * by order_id, line_no, node_id.  Units released where the line has no
 * release line at all (stores from before schema 2, test fixtures) are
 * not compared.  fn returns 0 to go on; 0 or -1.
 */
int store_check_released(struct store *st, struct store_check *k,
	int (*fn)(void *ctx, const struct check_released *r), void *ctx);
/*
 * Every sku with allocated units, by sku: what is allocated, the part of
 * it allocated to orders on hold, and the network's atp (as
 * store_check_atp summed it, during store_check_stock).  fn returns 0 to
 * go on; 0 or -1.
 */
int store_check_skus(struct store_check *k, int (*fn)(void *ctx, const char *sku,
	int64_t allocated, int64_t held, int64_t atp), void *ctx);
void store_check_end(struct store_check *k);

/*
 * The store credit ledger against the refunds (oms-report check): fn for
 * each fault, by customer then entry or refund.  CREDIT_NEGATIVE: the
 * customer's balance went below zero (amount: the lowest it reached);
 * CREDIT_ENTRY: a credit entry whose refund is missing (why 0), is not in
 * tender store_credit (1), is of another amount (2, expected) or of another
 * customer's order (3); CREDIT_REFUND: a refund in store_credit with not exactly one
 * entry (entries of it, amount: theirs, expected: the refund's).  0 or -1.
 */
enum credit_fault_kind { CREDIT_NEGATIVE, CREDIT_ENTRY, CREDIT_REFUND };
struct credit_fault {
	enum credit_fault_kind kind;
	const char *customer_id;
	int64_t entry_id, refund_id, amount, expected;
	int64_t entries;	/* CREDIT_REFUND: its entries; CREDIT_ENTRY: why */
};
int store_check_credit(struct store *st, int (*fn)(void *ctx, const struct credit_fault *f),
	void *ctx);

/*
 * An exchange and its pair as the store holds them (schema 012): its RMA
 * line's units (rma_qty, received, accepted: received and not
 * rejected), and its replacement order (replacement NULL: none named;
 * found: the order exists; units: the qty of its lines of new_sku).
 * charge_id > 0: instead, a charge of an exchange whose exchange_id
 * (0: none) names no exchange.
 */
struct check_exchange {
	int64_t exchange_id, qty, rma_qty, received, accepted, units, charge_id;
	int advance, found;
	const char *order_id, *new_sku, *replacement;
};
/* Every exchange by exchange_id, then every charge without its exchange.  0 or -1. */
int store_check_exchanges(struct store *st,
	int (*fn)(void *ctx, const struct check_exchange *x), void *ctx);

#endif
