/*
 * store-return: the store half of returns and refunds (RMAs, receipts,
 * refunds).  The decisions are in returns.c; here only what they read
 * and what they write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "store-return.h"

/* Bind this run's id, or NULL under --dry-run. */
static void
bind_run(struct store *st, sqlite3_stmt *s, int i)
{
	if (store_run_id(st) > 0)
		bind_int(s, i, store_run_id(st));
	else
		sqlite3_bind_null(s, i);
}

static void
copy_text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* refunded: every refund, of any kind (the one cap, returns_refundable) */
static const char SQL_ORDER[] =
    "SELECT shipping_charge, (SELECT COALESCE(SUM(amount), 0) FROM refund f "
    "WHERE f.order_id = o.order_id), (SELECT COALESCE(SUM(amount), 0) FROM refund f "
    "WHERE f.order_id = o.order_id AND f.kind IN ('appeasement', 'adjustment')), "
    "(SELECT COALESCE(SUM(shipping), 0) FROM refund f WHERE f.order_id = o.order_id) "
    "FROM orders o WHERE order_id = ?1";

/* authorized: authorised, not yet received; shipped_at: the latest shipment */
static const char SQL_ORDER_LINES[] =
    "SELECT l.line_no, l.sku, l.qty, l.unit_price, l.discount, l.shipped, l.returned, "
    "COALESCE((SELECT SUM(rl.qty - rl.received) FROM rma_line rl "
    "WHERE rl.order_id = l.order_id AND rl.line_no = l.line_no), 0), "
    "COALESCE((SELECT SUM(f.amount) FROM refund f "
    "WHERE f.order_id = l.order_id AND f.line_no = l.line_no), 0), "
    "(SELECT MAX(c.at) FROM release_line r JOIN confirmation c "
    "ON c.release_id = r.release_id AND c.line_no = r.line_no "
    "WHERE r.order_id = l.order_id AND r.line_no = l.line_no "
    "AND c.status IN ('shipped', 'picked_up')), l.cancelled, "
    "COALESCE((SELECT SUM(f.amount) FROM refund f WHERE f.order_id = l.order_id "
    "AND f.line_no = l.line_no AND f.kind IN ('appeasement', 'adjustment')), 0), "
    "COALESCE((SELECT SUM(f.shipping) FROM refund f WHERE f.order_id = l.order_id "
    "AND f.line_no = l.line_no), 0) "
    "FROM order_line l WHERE l.order_id = ?1 ORDER BY l.line_no";

struct lines_ctx {
	struct return_order *o;
	int cap;
	int found;
};

static int
line_row(void *p, const struct store_row *row)
{
	struct lines_ctx *c = p;
	struct return_line *l;

	if (c->o->nlines == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->o->lines = xrealloc(c->o->lines, (size_t)c->cap * sizeof *c->o->lines);
	}
	l = &c->o->lines[c->o->nlines++];
	memset(l, 0, sizeof *l);
	l->line_no = store_col_int(row, 0);
	copy_text(l->sku, sizeof l->sku, store_col_text(row, 1));
	l->qty = store_col_int(row, 2);
	l->unit_price = store_col_int(row, 3);
	l->discount = store_col_int(row, 4);
	l->shipped = store_col_int(row, 5);
	l->returned = store_col_int(row, 6);
	l->authorized = store_col_int(row, 7);
	l->refunded = store_col_int(row, 8);
	copy_text(l->shipped_at, sizeof l->shipped_at, store_col_text(row, 9));
	l->cancelled = store_col_int(row, 10);
	l->appeased = store_col_int(row, 11);
	l->refunded_shipping = store_col_int(row, 12);
	return 0;
}

static int
order_row(void *p, const struct store_row *row)
{
	struct lines_ctx *c = p;

	c->o->shipping_charge = store_col_int(row, 0);
	c->o->refunded = store_col_int(row, 1);
	c->o->appeased = store_col_int(row, 2);
	c->o->refunded_shipping = store_col_int(row, 3);
	c->found = 1;
	return 0;
}

int
store_return_order(struct store *st, const char *order_id, struct return_order *o)
{
	struct lines_ctx c = { o, 0, 0 };
	sqlite3_stmt *s;

	memset(o, 0, sizeof *o);
	if ((s = store_sql(st, SQL_ORDER)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	if (store_each(st, s, order_row, &c, "reading an order") != 0)
		return -1;
	if (!c.found)
		return 0;
	if ((s = store_sql(st, SQL_ORDER_LINES)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	if (store_each(st, s, line_row, &c, "reading order lines") != 0) {
		store_return_order_release(o);
		return -1;
	}
	return 1;
}

void
store_return_order_release(struct return_order *o)
{
	free(o->lines);
	o->lines = NULL;
	o->nlines = 0;
}

static const char SQL_NODE[] =
    "SELECT type, active, accepts_returns FROM node WHERE node_id = ?1";

static int
node_row(void *p, const struct store_row *row)
{
	struct return_node *n = p;

	copy_text(n->type, sizeof n->type, store_col_text(row, 0));
	n->active = (int)store_col_int(row, 1);
	n->accepts_returns = (int)store_col_int(row, 2);
	return 0;
}

int
store_return_node(struct store *st, const char *node_id, struct return_node *n)
{
	sqlite3_stmt *s = store_sql(st, SQL_NODE);

	if (s == NULL)
		return -1;
	memset(n, 0, sizeof *n);
	bind_text(s, 1, node_id);
	if (store_each(st, s, node_row, n, "reading a node") != 0)
		return -1;
	return n->type[0] != '\0';
}

static const char SQL_RMA_COUNT[] = "SELECT count(*) FROM rma WHERE order_id = ?1";
static const char SQL_RMA_HAS[] = "SELECT 1 FROM rma WHERE rma_id = ?1";
static const char SQL_RMA_ADD[] =
    "INSERT INTO rma (rma_id, order_id, channel, node_id, authorized_at, run_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

int
store_rma_add(struct store *st, const char *order_id, const char *channel,
    const char *node_id, const char *at, char **id)
{
	struct buf b = BUF_INIT;
	sqlite3_stmt *s;
	int64_t n, taken;

	*id = NULL;
	if ((s = store_sql(st, SQL_RMA_COUNT)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	if ((n = store_int(st, s, "counting RMAs")) < 0)
		return -1;
	/* ids are never reused: skip any taken (none, unless rows were deleted) */
	do {
		buf_reset(&b);
		buf_addf(&b, "RMA-%s-%lld", order_id, (long long)++n);
		if ((s = store_sql(st, SQL_RMA_HAS)) == NULL) {
			buf_release(&b);
			return -1;
		}
		bind_text(s, 1, b.s);
		if ((taken = store_int(st, s, "reading RMAs")) < 0) {
			buf_release(&b);
			return -1;
		}
	} while (taken);
	if ((s = store_sql(st, SQL_RMA_ADD)) == NULL) {
		buf_release(&b);
		return -1;
	}
	bind_text(s, 1, b.s);
	bind_text(s, 2, order_id);
	bind_text(s, 3, channel);
	bind_text(s, 4, node_id);
	bind_text(s, 5, at);
	bind_run(st, s, 6);
	if (store_done(st, s, "writing an RMA") != 0) {
		buf_release(&b);
		return -1;
	}
	*id = b.s;
	return 0;
}

static const char SQL_RMA_LINE_ADD[] =
    "INSERT INTO rma_line (rma_id, line_no, order_id, qty, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

int
store_rma_line_add(struct store *st, const char *rma_id, const char *order_id,
    int64_t line_no, int64_t qty, const char *reason)
{
	sqlite3_stmt *s = store_sql(st, SQL_RMA_LINE_ADD);

	if (s == NULL)
		return -1;
	bind_text(s, 1, rma_id);
	bind_int(s, 2, line_no);
	bind_text(s, 3, order_id);
	bind_int(s, 4, qty);
	bind_text(s, 5, reason);
	return store_done(st, s, "writing an RMA line");
}

static const char SQL_RMA_LINE_GET[] =
    "SELECT rl.order_id, rl.qty, rl.received, rl.reason, r.channel, r.node_id "
    "FROM rma_line rl JOIN rma r USING (rma_id) WHERE rl.rma_id = ?1 AND rl.line_no = ?2";

static int
rma_line_row(void *p, const struct store_row *row)
{
	struct rma_line_info *l = p;

	copy_text(l->order_id, sizeof l->order_id, store_col_text(row, 0));
	l->qty = store_col_int(row, 1);
	l->received = store_col_int(row, 2);
	copy_text(l->reason, sizeof l->reason, store_col_text(row, 3));
	copy_text(l->channel, sizeof l->channel, store_col_text(row, 4));
	copy_text(l->node_id, sizeof l->node_id, store_col_text(row, 5));
	return 0;
}

int
store_rma_line_get(struct store *st, const char *rma_id, int64_t line_no,
    struct rma_line_info *l, int *rma_known)
{
	sqlite3_stmt *s = store_sql(st, SQL_RMA_LINE_GET);
	int64_t known;

	if (s == NULL)
		return -1;
	memset(l, 0, sizeof *l);
	bind_text(s, 1, rma_id);
	bind_int(s, 2, line_no);
	if (store_each(st, s, rma_line_row, l, "reading an RMA") != 0)
		return -1;
	if (l->order_id[0] != '\0') {
		*rma_known = 1;
		return 1;
	}
	if ((s = store_sql(st, SQL_RMA_HAS)) == NULL)
		return -1;
	bind_text(s, 1, rma_id);
	if ((known = store_int(st, s, "reading RMAs")) < 0)
		return -1;
	*rma_known = known > 0;
	return 0;
}

static const char SQL_RECEIPT_ADD[] =
    "INSERT INTO receipt (rma_id, line_no, qty, condition, disposition, rejected, node_id, "
    "at, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_RMA_RECEIVED[] =
    "UPDATE rma_line SET received = received + ?3 WHERE rma_id = ?1 AND line_no = ?2";
static const char SQL_LINE_RETURNED[] =
    "UPDATE order_line SET returned = returned + ?3 WHERE order_id = ?1 AND line_no = ?2";

/* The receipt row and the RMA line's received count: 0 or -1. */
static int
receipt_write(struct store *st, const char *rma_id, int64_t line_no, int64_t qty,
    const char *condition, const char *disposition, int rejected, const char *node_id,
    const char *at)
{
	sqlite3_stmt *s;

	if ((s = store_sql(st, SQL_RECEIPT_ADD)) == NULL)
		return -1;
	bind_text(s, 1, rma_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, qty);
	bind_text(s, 4, condition);
	bind_text(s, 5, disposition);
	bind_int(s, 6, rejected);
	bind_text(s, 7, node_id);
	bind_text(s, 8, at);
	bind_run(st, s, 9);
	if (store_done(st, s, "writing a receipt") != 0)
		return -1;
	if ((s = store_sql(st, SQL_RMA_RECEIVED)) == NULL)
		return -1;
	bind_text(s, 1, rma_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, qty);
	return store_done(st, s, "writing a receipt");
}

int
store_receipt_add(struct store *st, const char *rma_id, const char *order_id,
    int64_t line_no, int64_t qty, const char *condition, const char *disposition,
    const char *node_id, const char *at)
{
	sqlite3_stmt *s;

	if (receipt_write(st, rma_id, line_no, qty, condition, disposition, 0, node_id, at) != 0 ||
	    (s = store_sql(st, SQL_LINE_RETURNED)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, qty);
	if (store_done(st, s, "writing a receipt") != 0)
		return -1;
	return store_line_check(st, order_id, line_no, "writing a receipt");
}

static const char SQL_REFUND_ADD[] =
    "INSERT INTO refund (order_id, line_no, rma_id, kind, amount, merchandise, "
    "restocking_fee, shipping, reason, at, run_id, code, tender) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING refund_id";

int64_t
store_refund_add(struct store *st, const struct refund *r)
{
	sqlite3_stmt *s = store_sql(st, SQL_REFUND_ADD);

	if (s == NULL)
		return -1;
	bind_text(s, 1, r->order_id);
	if (r->line_no > 0)
		bind_int(s, 2, r->line_no);
	bind_text(s, 3, r->rma_id);
	bind_text(s, 4, r->kind);
	bind_int(s, 5, r->amount);
	bind_int(s, 6, r->merchandise);
	bind_int(s, 7, r->restocking_fee);
	bind_int(s, 8, r->shipping);
	bind_text(s, 9, r->reason);
	bind_text(s, 10, r->at);
	bind_run(st, s, 11);
	bind_text(s, 12, r->code ? r->code : "");
	bind_text(s, 13, r->tender ? r->tender : "original");
	return store_int(st, s, "writing a refund");
}

static const char SQL_ORDER_CUSTOMER[] =
    "SELECT customer_id FROM orders WHERE order_id = ?1";

int
store_order_customer(struct store *st, const char *order_id, char **customer)
{
	sqlite3_stmt *s = store_sql(st, SQL_ORDER_CUSTOMER);

	*customer = NULL;
	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return store_text(st, s, customer, "reading an order's customer");
}

static const char SQL_CREDIT_BALANCE[] =
    "SELECT COALESCE(SUM(amount), 0) FROM store_credit WHERE customer_id = ?1";

int
store_credit_balance(struct store *st, const char *customer_id, int64_t *balance)
{
	sqlite3_stmt *s = store_sql(st, SQL_CREDIT_BALANCE);

	if (s == NULL)
		return -1;
	bind_text(s, 1, customer_id);
	/* a balance is never below zero: -1 is an error */
	return (*balance = store_int(st, s, "reading a store credit balance")) < 0 ? -1 : 0;
}

static const char SQL_CREDIT_ADD[] =
    "INSERT INTO store_credit (customer_id, amount, refund_id, order_ref, reason, by, at, "
    "run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING entry_id";

int64_t
store_credit_add(struct store *st, const char *customer_id, int64_t amount, int64_t refund_id,
    const char *order_ref, const char *reason, const char *by, const char *at)
{
	sqlite3_stmt *s = store_sql(st, SQL_CREDIT_ADD);

	if (s == NULL)
		return -1;
	bind_text(s, 1, customer_id);
	bind_int(s, 2, amount);
	if (refund_id > 0)
		bind_int(s, 3, refund_id);
	bind_text(s, 4, order_ref ? order_ref : "");
	bind_text(s, 5, reason ? reason : "");
	bind_text(s, 6, by ? by : "");
	bind_text(s, 7, at);
	bind_run(st, s, 8);
	return store_int(st, s, "writing a store credit entry");
}

static const char SQL_CREDIT_ENTRIES[] =
    "SELECT c.entry_id, c.amount, SUM(c.amount) OVER (ORDER BY c.entry_id), "
    "COALESCE(c.refund_id, 0), c.order_ref, c.reason, c.by, c.at, f.order_id "
    "FROM store_credit c LEFT JOIN refund f ON f.refund_id = c.refund_id "
    "WHERE c.customer_id = ?1 ORDER BY c.entry_id";

struct credit_ctx {
	int (*fn)(void *ctx, const struct credit_entry *e);
	void *ctx;
};

static int
credit_row(void *p, const struct store_row *row)
{
	struct credit_ctx *c = p;
	struct credit_entry e;

	e.entry_id = store_col_int(row, 0);
	e.amount = store_col_int(row, 1);
	e.balance = store_col_int(row, 2);
	e.refund_id = store_col_int(row, 3);
	e.order_ref = store_col_text(row, 4);
	e.reason = store_col_text(row, 5);
	e.by = store_col_text(row, 6);
	e.at = store_col_text(row, 7);
	e.order_id = store_col_null(row, 8) ? "" : store_col_text(row, 8);
	return c->fn(c->ctx, &e);
}

int
store_credit_entries(struct store *st, const char *customer_id,
    int (*fn)(void *ctx, const struct credit_entry *e), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, SQL_CREDIT_ENTRIES);
	struct credit_ctx c = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, customer_id);
	return store_each(st, s, credit_row, &c, "reading a store credit ledger");
}

static const char SQL_REFUND_ORDERS[] =
    "SELECT DISTINCT order_id FROM refund ORDER BY order_id";

struct refund_orders {
	int (*fn)(void *ctx, const char *order_id);
	void *ctx;
};

static int
refund_order_row(void *p, const struct store_row *row)
{
	const struct refund_orders *w = p;

	return w->fn(w->ctx, store_col_text(row, 0));
}

int
store_refund_orders(struct store *st, int (*fn)(void *ctx, const char *order_id), void *ctx)
{
	struct refund_orders w = { fn, ctx };
	sqlite3_stmt *s;

	if ((s = store_sql(st, SQL_REFUND_ORDERS)) == NULL)
		return -1;
	return store_each(st, s, refund_order_row, &w, "reading the orders with refunds");
}

/* --- exchanges, charges, rejected receipts ----------------------------- */

int
store_receipt_reject(struct store *st, const char *rma_id, int64_t line_no, int64_t qty,
    const char *condition, const char *disposition, const char *node_id, const char *at)
{
	return receipt_write(st, rma_id, line_no, qty, condition, disposition, 1, node_id, at);
}

static const char SQL_EXCHANGE_ADD[] =
    "INSERT INTO exchange (rma_id, line_no, order_id, qty, new_sku, advance, "
    "replacement_order, unit_price, merchandise, difference, tender, due_by, at, run_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "RETURNING exchange_id";

int
store_exchange_add(struct store *st, const struct exchange_row *x, const char *at,
    int64_t *id)
{
	sqlite3_stmt *s = store_sql(st, SQL_EXCHANGE_ADD);

	if (s == NULL)
		return -1;
	bind_text(s, 1, x->rma_id);
	bind_int(s, 2, x->line_no);
	bind_text(s, 3, x->order_id);
	bind_int(s, 4, x->qty);
	bind_text(s, 5, x->new_sku);
	bind_int(s, 6, x->advance);
	if (x->replacement[0] != '\0')
		bind_text(s, 7, x->replacement);
	bind_int(s, 8, x->unit_price);
	bind_int(s, 9, x->merchandise);
	bind_int(s, 10, x->difference);
	bind_text(s, 11, x->tender[0] ? x->tender : "original");
	if (x->due_by[0] != '\0')
		bind_text(s, 12, x->due_by);
	bind_text(s, 13, at);
	bind_run(st, s, 14);
	return (*id = store_int(st, s, "writing an exchange")) > 0 ? 0 : -1;
}

#define EXCHANGE_COLS \
    "x.exchange_id, x.rma_id, x.line_no, x.order_id, x.qty, x.new_sku, x.advance, " \
    "x.replacement_order, x.unit_price, x.merchandise, x.difference, x.tender, x.due_by, " \
    "x.charged_at, COALESCE((SELECT SUM(rc.qty) FROM receipt rc WHERE rc.rma_id = x.rma_id " \
    "AND rc.line_no = x.line_no AND rc.rejected = 0), 0) "

static const char SQL_EXCHANGE_GET[] =
    "SELECT " EXCHANGE_COLS "FROM exchange x WHERE x.rma_id = ?1 AND x.line_no = ?2";
static const char SQL_EXCHANGES_DUE[] =
    "SELECT * FROM (SELECT " EXCHANGE_COLS "AS accepted FROM exchange x "
    "WHERE x.charged_at IS NULL AND x.due_by < ?1 AND x.advance = 1) "
    "WHERE accepted < qty ORDER BY exchange_id";

struct exchange_rows {
	struct exchange_row *x;
	int n, cap;
};

static int
exchange_row(void *p, const struct store_row *row)
{
	struct exchange_rows *w = p;
	struct exchange_row *x;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->x = xrealloc(w->x, (size_t)w->cap * sizeof *w->x);
	}
	x = &w->x[w->n++];
	memset(x, 0, sizeof *x);
	x->exchange_id = store_col_int(row, 0);
	copy_text(x->rma_id, sizeof x->rma_id, store_col_text(row, 1));
	x->line_no = store_col_int(row, 2);
	copy_text(x->order_id, sizeof x->order_id, store_col_text(row, 3));
	x->qty = store_col_int(row, 4);
	copy_text(x->new_sku, sizeof x->new_sku, store_col_text(row, 5));
	x->advance = (int)store_col_int(row, 6);
	copy_text(x->replacement, sizeof x->replacement, store_col_text(row, 7));
	x->unit_price = store_col_int(row, 8);
	x->merchandise = store_col_int(row, 9);
	x->difference = store_col_int(row, 10);
	copy_text(x->tender, sizeof x->tender, store_col_text(row, 11));
	copy_text(x->due_by, sizeof x->due_by, store_col_text(row, 12));
	copy_text(x->charged_at, sizeof x->charged_at, store_col_text(row, 13));
	x->accepted = store_col_int(row, 14);
	return 0;
}

int
store_exchange_get(struct store *st, const char *rma_id, int64_t line_no,
    struct exchange_row *x)
{
	struct exchange_rows w = { NULL, 0, 0 };
	sqlite3_stmt *s = store_sql(st, SQL_EXCHANGE_GET);
	int found;

	if (s == NULL)
		return -1;
	bind_text(s, 1, rma_id);
	bind_int(s, 2, line_no);
	if (store_each(st, s, exchange_row, &w, "reading an exchange") != 0) {
		free(w.x);
		return -1;
	}
	if ((found = w.n > 0))
		*x = w.x[0];
	free(w.x);
	return found;
}

int
store_exchanges_due(struct store *st, const char *now, struct exchange_row **xs, int *n)
{
	struct exchange_rows w = { NULL, 0, 0 };
	sqlite3_stmt *s = store_sql(st, SQL_EXCHANGES_DUE);

	*xs = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	bind_text(s, 1, now);
	if (store_each(st, s, exchange_row, &w, "reading the exchanges due") != 0) {
		free(w.x);
		return -1;
	}
	*xs = w.x;
	*n = w.n;
	return 0;
}

static const char SQL_EXCHANGE_COUNT[] =
    "SELECT count(*), count(replacement_order) FROM exchange WHERE order_id = ?1";

static int
count_row(void *p, const struct store_row *row)
{
	int64_t *v = p;

	v[0] = store_col_int(row, 0);
	v[1] = store_col_int(row, 1);
	return 0;
}

int
store_exchange_count(struct store *st, const char *order_id, int64_t *all, int64_t *replaced)
{
	sqlite3_stmt *s = store_sql(st, SQL_EXCHANGE_COUNT);
	int64_t v[2] = { 0, 0 };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	if (store_each(st, s, count_row, v, "counting exchanges") != 0)
		return -1;
	*all = v[0];
	*replaced = v[1];
	return 0;
}

static const char SQL_EXCHANGE_REPLACED[] =
    "UPDATE exchange SET replacement_order = ?2 WHERE exchange_id = ?1";
static const char SQL_EXCHANGE_CHARGED[] =
    "UPDATE exchange SET charged_at = ?2 WHERE exchange_id = ?1";

static int
exchange_set(struct store *st, const char *sql, int64_t exchange_id, const char *v)
{
	sqlite3_stmt *s = store_sql(st, sql);

	if (s == NULL)
		return -1;
	bind_int(s, 1, exchange_id);
	bind_text(s, 2, v);
	return store_done(st, s, "writing an exchange");
}

int
store_exchange_replaced(struct store *st, int64_t exchange_id, const char *order_id)
{
	return exchange_set(st, SQL_EXCHANGE_REPLACED, exchange_id, order_id);
}

int
store_exchange_charged(struct store *st, int64_t exchange_id, const char *at)
{
	return exchange_set(st, SQL_EXCHANGE_CHARGED, exchange_id, at);
}

static const char SQL_CHARGE_ADD[] =
    "INSERT INTO charge (order_id, line_no, exchange_id, kind, amount, reason, at, run_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING charge_id";

int64_t
store_charge_add(struct store *st, const char *order_id, int64_t line_no, int64_t exchange_id,
    const char *kind, int64_t amount, const char *reason, const char *at)
{
	sqlite3_stmt *s = store_sql(st, SQL_CHARGE_ADD);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	if (line_no > 0)
		bind_int(s, 2, line_no);
	if (exchange_id > 0)
		bind_int(s, 3, exchange_id);
	bind_text(s, 4, kind);
	bind_int(s, 5, amount);
	bind_text(s, 6, reason ? reason : "");
	bind_text(s, 7, at);
	bind_run(st, s, 8);
	return store_int(st, s, "writing a charge");
}

static const char SQL_ORDER_EXISTS[] = "SELECT 1 FROM orders WHERE order_id = ?1";

int
store_order_exists(struct store *st, const char *order_id)
{
	sqlite3_stmt *s = store_sql(st, SQL_ORDER_EXISTS);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return (int)store_int(st, s, "reading an order");
}

static const char SQL_REPLACEMENT_ORDER[] =
    "INSERT INTO orders (order_id, channel, customer_id, created_at, priority, promise_date, "
    "ship_name, ship_address1, ship_city, ship_region, ship_postal_code, ship_country, "
    "ship_lat, ship_lon, ship_complete, shipping_charge, import_run) "
    "SELECT ?2, 'care', customer_id, ?3, 1, NULL, ship_name, ship_address1, ship_city, "
    "ship_region, ship_postal_code, ship_country, ship_lat, ship_lon, 0, 0, ?4 "
    "FROM orders WHERE order_id = ?1";
static const char SQL_REPLACEMENT_LINE[] =
    "INSERT INTO order_line (order_id, line_no, sku, qty, unit_price, discount, method, "
    "import_run) VALUES (?1, 1, ?2, ?3, 0, 0, 'ship', ?4)";

int
store_replacement_add(struct store *st, const char *order_id, const char *new_id,
    const char *sku, int64_t qty, const char *at)
{
	sqlite3_stmt *s;

	if ((s = store_sql(st, SQL_REPLACEMENT_ORDER)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, new_id);
	bind_text(s, 3, at);
	bind_run(st, s, 4);
	if (store_done(st, s, "writing a replacement order") != 0)
		return -1;
	if ((s = store_sql(st, SQL_REPLACEMENT_LINE)) == NULL)
		return -1;
	bind_text(s, 1, new_id);
	bind_text(s, 2, sku);
	bind_int(s, 3, qty);
	bind_run(st, s, 4);
	if (store_done(st, s, "writing a replacement order") != 0)
		return -1;
	return store_line_check(st, new_id, 1, "writing a replacement order");
}
