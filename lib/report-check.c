/*
 * oms-report check: every invariant of the store, one row per violation
 * (and per piece of pending work, which is not one).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "report-int.h"
#include "returns.h"
#include "store-views.h"
#include "store-check.h"
#include "store-return.h"

/* --- check ------------------------------------------------------------ */

static const struct outcol check_cols[] = {
	{ "check", COL_TEXT }, { "subject", COL_TEXT }, { "detail", COL_TEXT },
};

static void
check_row(struct view_ctx *c, const char *check, const char *subject, const char *fmt,
    va_list ap)
{
	char detail[300];
	const char *out[3];

	vsnprintf(detail, sizeof detail, fmt, ap);
	out[0] = check, out[1] = subject, out[2] = detail;
	row(c, out);
}

static void
violation(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
violation(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_row(c, check, subject, fmt, ap);
	va_end(ap);
	c->violations++;
}

/*
 * Pending work: a state the next oms-allocate re-plans (over every order;
 * a stock count that fell under what was promised, say), said under its
 * own kind, "pending_" and the invariant, and not a violation.
 */
static void
pending(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
pending(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_row(c, check, subject, fmt, ap);
	va_end(ap);
}

/* Whether check_line has anything to say of l (called from any thread). */
static int
check_line_wants(const struct view_line *l)
{
	struct line_qty q;

	view_line_qty(l, &q);
	return line_counts_broken(&q) != 0;
}

static int
check_line(void *p, const struct view_line *l)
{
	struct view_ctx *c = p;
	struct line_qty q;
	char subject[256];
	unsigned broken;

	if (!check_line_wants(l))
		return 0;	/* the common case: nothing to say */
	view_line_qty(l, &q);
	broken = line_counts_broken(&q);
	snprintf(subject, sizeof subject, "%s/%lld", l->order_id, (long long)l->line_no);
	if (broken & LINE_BUCKETS)
		violation(c, line_rule_name(LINE_BUCKETS), subject, "allocated %lld + routed %lld + released %lld "
		    "+ shipped %lld + cancelled %lld exceed qty %lld", (long long)q.allocated,
		    (long long)q.routed, (long long)q.released, (long long)q.shipped,
		    (long long)q.cancelled, (long long)q.qty);
	if (broken & LINE_RETURNED)
		violation(c, line_rule_name(LINE_RETURNED), subject, "returned %lld exceeds shipped %lld",
		    (long long)q.returned, (long long)q.shipped);
	if (broken & LINE_BACKORDERED)
		violation(c, line_rule_name(LINE_BACKORDERED), subject, "backordered %lld exceeds open %lld",
		    (long long)q.backordered, (long long)line_open(&q));
	return 0;
}

/*
 * A node's stock under what is reserved there, as a count taken after the
 * work was sent leaves it.  The routed part of what is over is pending:
 * the next oms-allocate takes it back (the last lines in the order of
 * service first).  Released units are the node's and never taken back:
 * past on_hand, the node cannot ship them and will confirm them short, a
 * violation until it does; within on_hand, it ships them from its safety
 * stock, and nothing is wrong.
 */
struct check_stock {
	struct view_ctx *c;
	struct store_check *k;
};

static int
check_node(void *p, const struct node_stock *x)
{
	struct check_stock *cs = p;
	struct view_ctx *c = cs->c;
	char subject[512];
	int64_t on_hand = num(x->on_hand), safety = num(x->safety_stock);
	int64_t reserved = num(x->reserved), routed = x->routed;
	int64_t over = node_over(on_hand, safety, reserved), released = reserved - routed;

	/* the network's atp of the sku: the stock some line may use */
	if (report_stock_usable(x))
		store_check_atp(cs->k, x->sku, node_atp(on_hand, safety, reserved));
	if (over == 0)
		return 0;
	snprintf(subject, sizeof subject, "%s/%s", x->node_id, x->sku);
	if (routed > 0)
		pending(c, "pending_node_oversold", subject, "reserved %s exceeds on_hand %s "
		    "less safety_stock %s: the next oms-allocate takes back %lld routed",
		    x->reserved, x->on_hand, x->safety_stock,
		    (long long)(routed < over ? routed : over));
	if (released > on_hand)
		violation(c, "node_short", subject, "released %lld exceeds on_hand %s: the node "
		    "will confirm %lld short", (long long)released, x->on_hand,
		    (long long)(released - on_hand));
	return 0;
}

static int
check_fk(void *p, const char *table, const char *rowid, const char *parent)
{
	struct view_ctx *c = p;
	char subject[256];

	snprintf(subject, sizeof subject, "%s row %s", table, rowid ? rowid : "?");
	violation(c, "foreign_key", subject, "refers to a missing %s", parent);
	return 0;
}

static int
check_no_lines(void *p, const char *order_id)
{
	violation(p, "order_lines", order_id, "order has no lines");
	return 0;
}

/* Foreign keys, then orders without lines. */
static int
check_keys(struct view_ctx *c, const struct store_check *k)
{
	/* something is wrong: SQLite's own check says what, row by row */
	if (store_check_suspect(k) > 0 &&
	    store_check_foreign_keys(c->st, check_fk, c) != 0)
		return -1;
	return store_check_no_lines(k, check_no_lines, c);
}

static int
check_integrity(void *p, const char *problem)
{
	violation(p, "integrity", "store", "%s", problem);
	return 0;
}

/* line_node.released against what the release lines still have out. */
static int
check_release(void *p, const struct check_released *r)
{
	char subject[512];

	snprintf(subject, sizeof subject, "%s/%lld@%s", r->order_id, (long long)r->line_no,
	    r->node_id);
	if (r->released != r->outstanding)
		violation(p, "line_released", subject, "released %lld, but its release lines "
		    "have %lld outstanding", (long long)r->released, (long long)r->outstanding);
	if (r->cancel_requested > r->outstanding)
		violation(p, "cancel_requested", subject, "cancel requested for %lld, more "
		    "than the %lld outstanding", (long long)r->cancel_requested,
		    (long long)r->outstanding);
	return 0;
}

/*
 * The one cap (returns_refundable): no line, and no order, has more
 * refunded on it, of every kind, than was paid for it.
 */
static int
check_refunds(void *p, const char *order_id)
{
	struct view_ctx *c = p;
	struct return_order o;
	char subject[300], got[32], paid[32];
	int i, found;

	/* an order gone is the foreign-key check's to report */
	if ((found = store_return_order(c->st, order_id, &o)) <= 0)
		return found;
	for (i = 0; i < o.nlines; i++) {
		if (o.lines[i].refunded <= returns_line_paid(&o, i))
			continue;
		snprintf(subject, sizeof subject, "%s/%lld", order_id, (long long)o.lines[i].line_no);
		money_format(o.lines[i].refunded, got);
		money_format(returns_line_paid(&o, i), paid);
		violation(c, "refund_cap", subject, "refunded %s, more than the %s paid for the "
		    "line", got, paid);
	}
	if (o.refunded > returns_order_paid(&o)) {
		money_format(o.refunded, got);
		money_format(returns_order_paid(&o), paid);
		violation(c, "refund_cap", order_id, "refunded %s, more than the %s paid for the "
		    "order", got, paid);
	}
	store_return_order_release(&o);
	return 0;
}

/* The store credit ledger: never below zero, one entry per refund to it, alike. */
static int
check_credit(void *p, const struct credit_fault *f)
{
	char subject[300], a[32], b[32];

	money_format(f->amount, a);
	money_format(f->expected, b);
	switch (f->kind) {
	case CREDIT_NEGATIVE:
		violation(p, "credit_balance", f->customer_id, "store credit went down to %s, "
		    "below zero", a);
		break;
	case CREDIT_ENTRY:
		snprintf(subject, sizeof subject, "%s#%lld", f->customer_id,
		    (long long)f->entry_id);
		violation(p, "credit_ledger", subject, "credited %s for refund %lld, %s%s", a,
		    (long long)f->refund_id, f->entries == 0 ? "which is not in the store" :
		    f->entries == 1 ? "which is not to store credit" : f->entries == 2 ?
		    "which is of " : "which is of another customer's order",
		    f->entries == 2 ? b : "");
		break;
	default:
		snprintf(subject, sizeof subject, "%s/refund %lld", f->customer_id,
		    (long long)f->refund_id);
		violation(p, "credit_ledger", subject, "refund of %s to store credit has %lld "
		    "ledger %s (%s), not one", b, (long long)f->entries,
		    plural(f->entries, "entry", "entries"), a);
	}
	return 0;
}

/*
 * Every exchange has its pair: a replacement order with the units of
 * new_sku it is owed (an advance exchange: qty; else, once its RMA line
 * is received in full, the units accepted, none when all were
 * rejected), and none before; every charge's exchange exists.
 */
static int
check_exchange(void *p, const struct check_exchange *x)
{
	struct view_ctx *c = p;
	char subject[64];
	int64_t owed;

	if (x->charge_id > 0) {
		snprintf(subject, sizeof subject, "charge %lld", (long long)x->charge_id);
		violation(c, "exchange_pair", subject, "a charge of order %s whose exchange %lld "
		    "is not in the store", x->order_id, (long long)x->exchange_id);
		return 0;
	}
	snprintf(subject, sizeof subject, "exchange %lld", (long long)x->exchange_id);
	owed = x->advance ? x->qty : x->received == x->rma_qty ? x->accepted : 0;
	if (owed == 0 && x->replacement != NULL)
		violation(c, "exchange_pair", subject, "replacement order %s made, but %s",
		    x->replacement, x->received < x->rma_qty ? "its return is not received" :
		    "no unit of its return was accepted");
	else if (owed > 0 && x->replacement == NULL)
		violation(c, "exchange_pair", subject, "no replacement order for %lld of %s",
		    (long long)owed, x->new_sku);
	else if (owed > 0 && !x->found)
		violation(c, "exchange_pair", subject, "replacement order %s is not in the store",
		    x->replacement);
	else if (owed > 0 && x->units != owed)
		violation(c, "exchange_pair", subject, "replacement order %s has %lld of %s, "
		    "not %lld", x->replacement, (long long)x->units, x->new_sku, (long long)owed);
	return 0;
}

/*
 * A sku with nothing allocated is never oversold: atp is never below 0.
 * Allocated past the atp is pending, re-planned by the next oms-allocate,
 * unless orders on hold keep more than the atp: it leaves them what they
 * hold.
 */
static int
check_sku(void *p, const char *sku, int64_t allocated, int64_t held, int64_t atp)
{
	if (allocated <= atp)
		return 0;
	if (held > atp)
		violation(p, "sku_oversold", sku, "allocated %lld exceeds the network's atp %lld; "
		    "orders on hold keep %lld of it", (long long)allocated, (long long)atp,
		    (long long)held);
	else
		pending(p, "pending_sku_oversold", sku, "allocated %lld exceeds the network's "
		    "atp %lld: the next oms-allocate re-plans it", (long long)allocated,
		    (long long)atp);
	return 0;
}

/*
 * Every invariant, each kind in its turn: the lines (as the store is
 * read), the stock at each node, the foreign keys and the orders without
 * lines, the released units, the refunds within what was paid, every
 * exchange's pair, the store's integrity (--deep), the stock of the network per sku.
 */
int
report_check(struct view_ctx *c, const struct view_filter *f)
{
	struct store_check *k;
	struct check_stock cs;
	int r;

	(void)f;
	c->cols = check_cols;
	c->ncols = 3;
	if ((k = store_check_begin(c->st, check_line, check_line_wants, c)) == NULL)
		return -1;
	cs.c = c;
	cs.k = k;
	r = store_check_stock(c->st, k, check_node, &cs) != 0 ||
	    check_keys(c, k) != 0 ||
	    store_check_released(c->st, k, check_release, c) != 0 ||
	    store_refund_orders(c->st, check_refunds, c) != 0 ||
	    store_check_credit(c->st, check_credit, c) != 0 ||
	    store_check_exchanges(c->st, check_exchange, c) != 0 ||
	    (c->o->deep && store_check_integrity(c->st, check_integrity, c) != 0) ||
	    store_check_skus(k, check_sku, c) != 0 ? -1 : 0;
	store_check_end(k);
	return r;
}
