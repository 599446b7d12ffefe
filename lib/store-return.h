#ifndef OMS_STORE_RETURN_H
#define OMS_STORE_RETURN_H
/*
 * store-return: an order's lines and refunds, RMAs, receipts and
 * refunds (lib/store-return.c).
 */
#include "store.h"

/*
 * What a return or refund decision needs about one order: every line
 * with its buckets and what was refunded on it, the shipping charge, and
 * the refunds of the whole order.  Filled by store_return_order; the
 * caller frees it with store_return_order_release.
 */
struct return_line {
	int64_t line_no, qty, unit_price, discount, shipped, returned, cancelled;
	int64_t authorized;	/* authorised and not yet received */
	int64_t refunded;	/* refunds on this line, cents, of every kind */
	int64_t refunded_shipping;	/* the shipping parts of them */
	int64_t appeased;	/* the appeasements among them, cents */
	char sku[256];
	char shipped_at[21];	/* latest shipped or picked-up confirmation; "" none */
};
struct return_order {
	int64_t shipping_charge;	/* cents */
	int64_t refunded;		/* every refund of the order, cents */
	int64_t refunded_shipping;	/* the shipping parts of them */
	int64_t appeased;		/* the appeasements among them, on lines or not */
	struct return_line *lines;	/* by line_no */
	int nlines;
};
/* 1 and *o filled, 0 no such order, -1 error. */
int store_return_order(struct store *st, const char *order_id, struct return_order *o);
void store_return_order_release(struct return_order *o);

/* A node that may receive returns: 1 and the fields, 0 none, -1 error. */
struct return_node {
	char type[16];
	int active, accepts_returns;
};
int store_return_node(struct store *st, const char *node_id, struct return_node *n);

/*
 * A new RMA of order_id: its id ("RMA-<order_id>-<n>", n one more than
 * the order's RMAs so far) into *id (malloc'd, the caller frees), and the
 * row written.  node_id NULL: none yet.  0 or -1.
 */
int store_rma_add(struct store *st, const char *order_id, const char *channel,
	const char *node_id, const char *at, char **id);
int store_rma_line_add(struct store *st, const char *rma_id, const char *order_id,
	int64_t line_no, int64_t qty, const char *reason);

/* An RMA line as authorised, and what came back of it so far. */
struct rma_line_info {
	char order_id[256], channel[16], node_id[256];	/* node_id "" none */
	int64_t qty, received;
	char reason[512];
};
/* 1 and *l filled, 0 no such line (*rma_known: whether the RMA exists), -1. */
int store_rma_line_get(struct store *st, const char *rma_id, int64_t line_no,
	struct rma_line_info *l, int *rma_known);

/*
 * Record a receipt of qty units of an RMA line: the receipt row, the
 * line's received count and the order line's returned count (then
 * store_line_check).  The caller restocks (store_inventory_put) when the disposition says so.
 */
int store_receipt_add(struct store *st, const char *rma_id, const char *order_id,
	int64_t line_no, int64_t qty, const char *condition, const char *disposition,
	const char *node_id, const char *at);

/*
 * A refund instruction; line_no 0: the whole order; rma_id NULL: none;
 * code NULL: none (an adjustment's reason code); tender NULL: "original"
 * (else "store_credit", see store_credit_add).
 */
struct refund {
	const char *order_id, *rma_id, *kind, *reason, *at, *code, *tender;
	int64_t line_no, amount, merchandise, restocking_fee, shipping;
};
/* Write it: its refund_id (> 0), or -1. */
int64_t store_refund_add(struct store *st, const struct refund *r);

/*
 * The customer of order_id into *customer (malloc'd, the caller frees;
 * "" for an order with none): 1, 0 no such order, -1 error.
 */
int store_order_customer(struct store *st, const char *order_id, char **customer);

/*
 * Store credit (the store_credit ledger): a customer's balance, the sum
 * of the entries, into *balance (0 for a customer with none): 0 or -1.
 */
int store_credit_balance(struct store *st, const char *customer_id, int64_t *balance);
/*
 * Write an entry: amount > 0 credited by refund refund_id, or < 0 spent
 * on order_ref (refund_id 0).  Its entry_id (> 0), or -1.
 */
int64_t store_credit_add(struct store *st, const char *customer_id, int64_t amount,
	int64_t refund_id, const char *order_ref, const char *reason, const char *by,
	const char *at);
/* A ledger entry as read back, valid during the callback. */
struct credit_entry {
	int64_t entry_id, amount, balance, refund_id;	/* refund_id 0: a spend */
	const char *order_ref, *reason, *by, *at, *order_id;	/* order_id: the refund's */
};
/* fn for each entry of customer_id, oldest first, with the running balance: 0 or -1. */
int store_credit_entries(struct store *st, const char *customer_id,
	int (*fn)(void *ctx, const struct credit_entry *e), void *ctx);

/* fn for each order with a refund, by order_id, until it returns non-zero: 0, or -1. */
int store_refund_orders(struct store *st, int (*fn)(void *ctx, const char *order_id),
	void *ctx);

/* --- exchanges, charges, rejected receipts (schema 012) ----------------- */

/*
 * Record a rejected receipt of qty units of an RMA line: the receipt row
 * (rejected 1) and the RMA line's received count; the order line's
 * returned count is not touched (the unit is not taken back).  0 or -1.
 */
int store_receipt_reject(struct store *st, const char *rma_id, int64_t line_no,
	int64_t qty, const char *condition, const char *disposition, const char *node_id,
	const char *at);

/*
 * An exchange: an RMA line paired with a replacement (see
 * share/schema/012-exchanges.sql for the columns).  accepted: the units
 * of its RMA line received and not rejected (read only); replacement ""
 * and due_by, charged_at "" when NULL.
 */
struct exchange_row {
	int64_t exchange_id, line_no, qty, unit_price, merchandise, difference, accepted;
	int advance;
	char rma_id[256], order_id[256], new_sku[256], replacement[256];
	char tender[16], due_by[21], charged_at[21];
};
/* Write x (its exchange_id ignored): *id its exchange_id.  0 or -1. */
int store_exchange_add(struct store *st, const struct exchange_row *x, const char *at,
	int64_t *id);
/* The exchange of an RMA line: 1 and *x, 0 none, -1 error. */
int store_exchange_get(struct store *st, const char *rma_id, int64_t line_no,
	struct exchange_row *x);
/* How many exchanges order_id has, and how many of them have a replacement. */
int store_exchange_count(struct store *st, const char *order_id, int64_t *all,
	int64_t *replaced);
int store_exchange_replaced(struct store *st, int64_t exchange_id, const char *order_id);
int store_exchange_charged(struct store *st, int64_t exchange_id, const char *at);
/*
 * The advance exchanges not charged whose due_by is before now and that
 * still miss units (accepted < qty), by exchange_id: *xs (malloc'd, the
 * caller frees) and *n.  0 or -1.
 */
int store_exchanges_due(struct store *st, const char *now, struct exchange_row **xs,
	int *n);
/* Write an amount due: its charge_id (> 0), or -1. */
int64_t store_charge_add(struct store *st, const char *order_id, int64_t line_no,
	int64_t exchange_id, const char *kind, int64_t amount, const char *reason,
	const char *at);
/* 1 when order_id is an order, 0 not, -1 error. */
int store_order_exists(struct store *st, const char *order_id);
/*
 * The replacement of an exchange: order new_id, a copy of order_id's
 * customer and ship-to, channel care, priority 1, no shipping charge,
 * one line (line 1) of qty of sku at unit_price 0, method ship; created
 * at at.  0 or -1.
 */
int store_replacement_add(struct store *st, const char *order_id, const char *new_id,
	const char *sku, int64_t qty, const char *at);

#endif
