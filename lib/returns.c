#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "input.h"
#include "jsonw.h"
#include "output.h"
#include "parse.h"
#include "returns.h"
#include "rows.h"
#include "util.h"
#include "store-import.h"
#include "store-order.h"
#include "store-return.h"

#define MAX_REASON 500		/* bytes in a reason */
#define MAX_QTY INT64_C(1000000000)

const char *const returns_condition_names[COND_N] = { "new", "opened", "damaged",
	"wrong_item" };

/* new 0%, opened 10%, damaged 25% (hundredths of a percent); wrong_item: no refund */
const int64_t returns_default_fee[COND_N] = { 0, 1000, 2500, 0 };

/* --- the arithmetic ---------------------------------------------------- */

/*
 * (a b + d) / c exactly, truncated toward zero as C's / is, for c > 0 and
 * a quotient that fits in int64_t.  The product of two cents figures
 * and counts can pass 2^63, and ISO C has no wider integer type
 * (__int128 is a GCC extension), so a b + d is held as a sign and a
 * 128-bit magnitude in two uint64_t halves, and divided bit by bit.
 */
static int64_t
mul_add_div(int64_t a, int64_t b, int64_t d, int64_t c)
{
	uint64_t x = a < 0 ? -(uint64_t)a : (uint64_t)a;
	uint64_t y = b < 0 ? -(uint64_t)b : (uint64_t)b;
	uint64_t e = d < 0 ? -(uint64_t)d : (uint64_t)d;
	uint64_t lo32 = UINT64_C(0xffffffff), p00, p01, p10, mid, hi, lo, q, r;
	int neg = (a < 0) != (b < 0), i;

	/* |a b| = hi 2^64 + lo, from the four 32-bit partial products */
	p00 = (x & lo32) * (y & lo32);
	p01 = (x & lo32) * (y >> 32);
	p10 = (x >> 32) * (y & lo32);
	mid = (p00 >> 32) + (p01 & lo32) + (p10 & lo32);
	lo = (mid << 32) | (p00 & lo32);
	hi = (x >> 32) * (y >> 32) + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
	if (hi == 0 && lo == 0)
		neg = 0;
	/* plus d: a sum of magnitudes when the signs agree, else a difference */
	if (e == 0) {
		/* nothing to add */
	} else if (hi == 0 && lo == 0) {
		lo = e;
		neg = d < 0;
	} else if (neg == (d < 0)) {
		hi += (lo += e) < e;
	} else if (hi > 0 || lo >= e) {
		hi -= lo < e;
		lo -= e;
	} else {
		lo = e - lo;
		neg = !neg;
	}
	/* the magnitude over c; past 2^64, bit by bit (r < c < 2^63: no overflow) */
	if (hi == 0) {
		q = lo / (uint64_t)c;
	} else {
		q = r = 0;
		for (i = 127; i >= 0; i--) {
			r = r << 1 | ((i >= 64 ? hi >> (i - 64) : lo >> i) & 1);
			q <<= 1;
			if (r >= (uint64_t)c) {
				r -= (uint64_t)c;
				q |= 1;
			}
		}
	}
	return neg ? -(int64_t)q : (int64_t)q;
}

int64_t
returns_share(int64_t total, int64_t parts, int64_t from, int64_t n)
{
	if (parts <= 0 || n <= 0)
		return 0;
	return mul_add_div(total, from + n, 0, parts) - mul_add_div(total, from, 0, parts);
}

int64_t
returns_percent(int64_t amount, int64_t rate)
{
	return mul_add_div(amount, rate, 5000, 10000);
}

static const char *const seller_faults[] = { "damaged_in_transit", "wrong_item", "defective" };

int
returns_seller_fault(const char *reason)
{
	return parse_word(reason, seller_faults,
	    sizeof seller_faults / sizeof *seller_faults) >= 0;
}

/* Units of the order before line i, and in all. */
static void
order_units(const struct return_order *o, int i, int64_t *before, int64_t *all)
{
	int k;

	*before = *all = 0;
	for (k = 0; k < o->nlines; k++) {
		if (k < i)
			*before += o->lines[k].qty;
		*all += o->lines[k].qty;
	}
}

/* The shipping charge's share of units [from, from + n) of line i. */
static int64_t
shipping_share(const struct return_order *o, int i, int64_t from, int64_t n)
{
	int64_t before, all;

	order_units(o, i, &before, &all);
	return returns_share(o->shipping_charge, all, before + from, n);
}

int64_t
returns_merchandise(int64_t qty, int64_t unit_price, int64_t discount, int64_t from,
    int64_t n)
{
	return n * unit_price - returns_share(discount, qty, from, n);
}

/* What was paid for units [from, from + n) of line i, shipping share and all. */
static int64_t
units_paid(const struct return_order *o, int i, int64_t from, int64_t n)
{
	const struct return_line *l = &o->lines[i];

	return returns_merchandise(l->qty, l->unit_price, l->discount, from, n) +
	    shipping_share(o, i, from, n);
}

int64_t
returns_line_paid(const struct return_order *o, int i)
{
	const struct return_line *l = &o->lines[i];

	return units_paid(o, i, 0, l->qty);
}

int64_t
returns_order_paid(const struct return_order *o)
{
	int64_t paid = 0;
	int k;

	for (k = 0; k < o->nlines; k++)
		paid += returns_line_paid(o, k);
	return paid;
}

int64_t
returns_refundable(const struct return_order *o, int i)
{
	int64_t left = returns_order_paid(o) - o->refunded;

	if (i >= 0 && returns_line_paid(o, i) - o->lines[i].refunded < left)
		left = returns_line_paid(o, i) - o->lines[i].refunded;
	return left > 0 ? left : 0;
}

/* What was paid for line k's merchandise less the merchandise refunded on it. */
static int64_t
line_merchandise_left(const struct return_line *l)
{
	return returns_merchandise(l->qty, l->unit_price, l->discount, 0, l->qty) -
	    (l->refunded - l->refunded_shipping);
}

int64_t
returns_merchandise_left(const struct return_order *o, int i)
{
	int64_t left = -(o->refunded - o->refunded_shipping);
	int k;

	for (k = 0; k < o->nlines; k++)
		left += returns_merchandise(o->lines[k].qty, o->lines[k].unit_price,
		    o->lines[k].discount, 0, o->lines[k].qty);
	if (i >= 0 && line_merchandise_left(&o->lines[i]) < left)
		left = line_merchandise_left(&o->lines[i]);
	if (left > returns_refundable(o, i))
		left = returns_refundable(o, i);
	return left > 0 ? left : 0;
}

int64_t
returns_cancel_units(const struct return_order *o, int i, int64_t n)
{
	const struct return_line *l = &o->lines[i];
	int64_t amount = returns_merchandise(l->qty, l->unit_price, l->discount,
	    l->qty - l->cancelled, n), cap = returns_merchandise_left(o, i);

	return amount < cap ? amount : cap;
}

int64_t
returns_cancel_shipping(const struct return_order *o)
{
	int64_t cap = returns_refundable(o, -1);
	int k;

	for (k = 0; k < o->nlines; k++)
		if (o->lines[k].cancelled < o->lines[k].qty || o->lines[k].shipped > 0)
			return 0;
	return o->shipping_charge < cap ? o->shipping_charge : cap;
}

/* Units of line i kept (shipped, not returned, not on their way back): from, n. */
static void
kept_units(const struct return_line *l, int64_t *from, int64_t *n)
{
	*from = l->returned + l->authorized;
	*n = l->shipped - *from;
	if (*n < 0)
		*n = 0;
}

void
returns_appeasable(const struct return_order *o, int i, struct returns_goodwill *g)
{
	int64_t from, n, appeased, refundable;
	int k;

	memset(g, 0, sizeof *g);
	appeased = i >= 0 ? o->lines[i].appeased : o->appeased;
	for (k = i >= 0 ? i : 0; k < (i >= 0 ? i + 1 : o->nlines); k++) {
		kept_units(&o->lines[k], &from, &n);
		g->units += n;
		g->kept += units_paid(o, k, from, n);
	}
	g->scope = i;
	g->scope_units = g->units;
	g->scope_kept = g->kept;
	g->scope_appeased = appeased;
	g->left = g->kept > appeased ? g->kept - appeased : 0;
	/* the order's own bounds come below, named as the order's */
	refundable = i >= 0 ? returns_line_paid(o, i) - o->lines[i].refunded :
	    returns_refundable(o, -1);
	if (refundable < g->left) {
		g->left = refundable > 0 ? refundable : 0;
		g->by_refunds = 1;
	}
	if (i >= 0) {
		struct returns_goodwill whole;

		returns_appeasable(o, -1, &whole);
		if (whole.left < g->left) {
			g->left = whole.left;
			g->scope = -1;
			g->by_refunds = whole.by_refunds;
			g->scope_units = whole.units;
			g->scope_kept = whole.kept;
			g->scope_appeased = whole.scope_appeased;
		}
	}
}

/* The units of line k the customer has or will have: from, n (units counted as returns_merchandise does). */
static void
adjust_units(const struct return_line *l, int64_t *from, int64_t *n)
{
	*from = l->returned + l->authorized;
	*n = l->qty - l->cancelled - *from;
	if (*n < 0)
		*n = 0;
}

/* Line k's own left: base - given, within what is refundable on it. */
static int64_t
adjust_line_left(const struct return_order *o, int k, struct returns_adjust *a)
{
	const struct return_line *l = &o->lines[k];
	int64_t from, n, left, refundable = returns_line_paid(o, k) - l->refunded;

	if (line_merchandise_left(l) < refundable)
		refundable = line_merchandise_left(l);
	adjust_units(l, &from, &n);
	a->units = n;
	a->base = returns_merchandise(l->qty, l->unit_price, l->discount, from, n);
	a->given = l->appeased;
	left = a->base > a->given ? a->base - a->given : 0;
	return left < refundable ? left : refundable > 0 ? refundable : 0;
}

void
returns_adjustable(const struct return_order *o, int i, struct returns_adjust *a)
{
	struct returns_adjust x;
	int64_t sum = 0, left, refundable = returns_merchandise_left(o, -1);
	int k;

	memset(a, 0, sizeof *a);
	if (i >= 0) {
		a->left = adjust_line_left(o, i, a);
		returns_adjustable(o, -1, &x);
		if (x.left < a->left)
			a->left = x.left;
		return;
	}
	for (k = 0; k < o->nlines; k++) {
		sum += adjust_line_left(o, k, &x);
		a->units += x.units;
		a->base += x.base;
	}
	a->given = o->appeased;
	left = a->base > a->given ? a->base - a->given : 0;
	if (sum < left)
		left = sum;
	a->left = left < refundable ? left : refundable;
}

int64_t
returns_adjust_share(const struct return_order *o, int64_t amount, int i)
{
	struct returns_adjust x;
	int64_t sum = 0, from = 0, mine = 0;
	int k;

	for (k = 0; k < o->nlines; k++) {
		int64_t left = adjust_line_left(o, k, &x);

		if (k < i)
			from += left;
		else if (k == i)
			mine = left;
		sum += left;
	}
	return returns_share(amount, sum, from, mine);
}

void
returns_refund_units(const struct return_order *o, int i, int64_t n, int64_t fee,
    int seller_fault, struct returns_refund *out)
{
	const struct return_line *l = &o->lines[i];
	int64_t cap = returns_refundable(o, i);

	int64_t goods, goods_cap = returns_merchandise_left(o, i);

	memset(out, 0, sizeof *out);
	out->merchandise = returns_merchandise(l->qty, l->unit_price, l->discount, l->returned, n);
	if (seller_fault)
		out->shipping = shipping_share(o, i, l->returned, n);
	else
		out->restocking_fee = returns_percent(out->merchandise, fee);
	goods = out->merchandise - out->restocking_fee;
	if (goods > goods_cap) {
		goods = goods_cap;
		out->capped = 1;
	}
	out->amount = goods + out->shipping;
	if (out->amount > cap) {
		out->amount = cap;
		out->capped = 1;
	}
}

int
returns_refund_write(struct store *st, const struct refund *f, int capped, struct buf *b,
    int64_t *id)
{
	if ((*id = store_refund_add(st, f)) < 0)
		return -1;
	jsonw_start(b);
	jsonw_int(b, "refund_id", *id);
	jsonw_str(b, "kind", f->kind);
	jsonw_str(b, "rma_id", f->rma_id);
	if (f->line_no > 0)
		jsonw_int(b, "line_no", f->line_no);
	else
		jsonw_null(b, "line_no");
	jsonw_money(b, "amount", f->amount);
	if (strcmp(f->kind, "appeasement") != 0) {
		jsonw_money(b, "merchandise", f->merchandise);
		jsonw_money(b, "restocking_fee", f->restocking_fee);
		jsonw_money(b, "shipping", f->shipping);
		if (capped)
			jsonw_bool(b, "capped", 1);
	}
	jsonw_str(b, "reason", f->reason);
	if (f->code != NULL && *f->code)
		jsonw_str(b, "code", f->code);
	jsonw_str(b, "tender", f->tender ? f->tender : "original");
	if (f->tender != NULL && strcmp(f->tender, "store_credit") == 0) {
		char *customer;
		int64_t balance;
		int got;

		if ((got = store_order_customer(st, f->order_id, &customer)) <= 0 ||
		    *customer == '\0') {
			/* returns_tender_check refuses it before: a bug if here */
			if (got >= 0)
				diag_error("order %s: no customer to credit", f->order_id);
			free(customer);
			return -1;
		}
		if (f->amount > 0 && store_credit_add(st, customer, f->amount, *id, f->order_id,
		    f->reason, "", f->at) < 0) {
			free(customer);
			return -1;
		}
		got = store_credit_balance(st, customer, &balance);
		jsonw_str(b, "customer_id", customer);
		free(customer);
		if (got != 0)
			return -1;
		jsonw_money(b, "credit_balance", balance);
	}
	return store_event(st, f->order_id, "refund.issued", jsonw_end(b));
}

int
returns_tender_parse(const char *s)
{
	if (strcmp(s, "") == 0 || strcmp(s, "original") == 0)
		return TENDER_ORIGINAL;
	if (strcmp(s, "store_credit") == 0)
		return TENDER_STORE_CREDIT;
	return -1;
}

const char *const returns_tender_names[TENDER_N] = { "original", "store_credit" };

int
returns_tender_check(struct store *st, const char *order_id, int tender, struct buf *why)
{
	char *customer;
	int got;

	if (tender != TENDER_STORE_CREDIT)
		return 0;
	if ((got = store_order_customer(st, order_id, &customer)) < 0)
		return -1;
	got = got == 1 && *customer != '\0';
	free(customer);
	if (got)
		return 0;
	buf_addf(why, "order %s has no customer: store credit is kept per customer (refund "
	    "it with --tender original)", order_id);
	return 1;
}

/*
 * Refund n units of line line_no just cancelled (line_no 0: the shipping
 * charge, when the order is now wholly cancelled).  0 or -1.
 */
static int
cancel_refund(struct store *st, const char *order_id, int64_t line_no, int64_t n,
    const char *reason, const char *tender, const char *at, struct buf *b, int64_t *amount)
{
	struct return_order o;
	struct refund f;
	int64_t id;
	int i, got, ret = 0;

	*amount = 0;
	if ((got = store_return_order(st, order_id, &o)) <= 0)
		return got;
	memset(&f, 0, sizeof f);
	f.order_id = order_id;
	f.kind = "cancel";
	f.tender = tender;
	f.reason = reason != NULL && *reason ? reason : "cancelled";
	f.at = at;
	f.line_no = line_no;
	if (line_no > 0) {
		for (i = 0; i < o.nlines && o.lines[i].line_no != line_no; i++)
			;
		if (i < o.nlines) {
			f.merchandise = returns_merchandise(o.lines[i].qty, o.lines[i].unit_price,
			    o.lines[i].discount, o.lines[i].qty - o.lines[i].cancelled, n);
			f.amount = returns_cancel_units(&o, i, n);
		}
	} else {
		f.amount = f.shipping = returns_cancel_shipping(&o);
	}
	if (f.amount > 0)
		ret = returns_refund_write(st, &f, f.amount < f.merchandise, b, &id);
	*amount = ret == 0 ? f.amount : 0;
	store_return_order_release(&o);
	return ret;
}

int
returns_cancel_refund(struct store *st, const char *order_id, int64_t line_no, int64_t n,
    const char *reason, const char *tender, const char *at, struct buf *b, int64_t *amount)
{
	int64_t shipping;

	if (cancel_refund(st, order_id, line_no, n, reason, tender, at, b, amount) != 0 ||
	    cancel_refund(st, order_id, 0, 0, reason, tender, at, b, &shipping) != 0)
		return -1;
	*amount += shipping;
	return 0;
}

/* --- times ------------------------------------------------------------- */

/* t ("YYYY-MM-DDTHH:MM:SSZ") plus days, into out; -1 if t is not such a time. */
static int
add_days(const char *t, int64_t days, char out[21])
{
	struct tm tm;
	time_t secs;

	memset(&tm, 0, sizeof tm);
	if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	secs = timegm(&tm) + (time_t)days * 86400;
	if (gmtime_r(&secs, &tm) == NULL)
		return -1;
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

/* --- the run ----------------------------------------------------------- */

static const struct colspec authorize_cols[] = {
	{ "order_id", 1 }, { "line_no", 1 }, { "qty", 1 }, { "reason", 1 },
	{ "channel", 0 }, { "node_id", 0 },
};
enum { A_ORDER, A_LINE, A_QTY, A_REASON, A_CHANNEL, A_NODE, A_N };

/* an exchange's record: authorize's columns (the same indexes), then its own */
static const struct colspec exchange_cols[] = {
	{ "order_id", 1 }, { "line_no", 1 }, { "qty", 1 }, { "reason", 1 },
	{ "channel", 0 }, { "node_id", 0 }, { "new_sku", 1 }, { "advance", 0 },
	{ "tender", 0 },
};
enum { X_SKU = A_N, X_ADVANCE, X_TENDER, X_N };

static const struct colspec receive_cols[] = {
	{ "rma_id", 1 }, { "line_no", 1 }, { "qty", 1 }, { "condition", 1 },
	{ "node_id", 0 }, { "disposition", 0 }, { "tender", 0 },
};
enum { R_RMA, R_LINE, R_QTY, R_COND, R_NODE, R_DISP, R_TENDER, R_N };

/*
 * The disposition column: those of a receipt taken back (restock, for new
 * and opened units; damaged, put aside unsold), as receive writes them,
 * then those of a rejected receipt (REJECT_FIRST on).
 */
static const char *const receipt_dispositions[] = { "restock", "damaged",
	"return_to_customer", "dispose", "vendor_return" };
#define REJECT_FIRST 2

static const struct colspec appease_cols[] = {
	{ "order_id", 1 }, { "line_no", 0 }, { "amount", 0 }, { "percent", 0 },
	{ "reason", 1 }, { "tender", 0 }, { "ref", 0 },
};
enum { P_ORDER, P_LINE, P_AMOUNT, P_PERCENT, P_REASON, P_TENDER, P_REF, P_N };

static const char *const channels[] = { "store", "mail", "locker", "dropoff" };

/* What every subcommand writes, one row per record done. */
static const struct outcol out_cols[] = {
	{ "rma_id", COL_TEXT }, { "order_id", COL_TEXT }, { "line_no", COL_NUM },
	{ "sku", COL_TEXT }, { "qty", COL_NUM }, { "amount", COL_NUM },
	{ "reason", COL_TEXT }, { "channel", COL_TEXT }, { "node_id", COL_TEXT },
	{ "condition", COL_TEXT }, { "disposition", COL_TEXT },
	{ "merchandise", COL_NUM }, { "restocking_fee", COL_NUM }, { "shipping", COL_NUM },
	{ "refund_id", COL_NUM },
};
enum { O_RMA, O_ORDER, O_LINE, O_SKU, O_QTY, O_AMOUNT, O_REASON, O_CHANNEL, O_NODE,
	O_COND, O_DISP, O_MERCH, O_FEE, O_SHIP, O_REFUND, O_N };

/* What exchange and expire-exchanges write, one row per exchange. */
static const struct outcol exchange_out_cols[] = {
	{ "exchange_id", COL_NUM }, { "rma_id", COL_TEXT }, { "order_id", COL_TEXT },
	{ "line_no", COL_NUM }, { "sku", COL_TEXT }, { "qty", COL_NUM },
	{ "new_sku", COL_TEXT }, { "advance", COL_NUM }, { "replacement_order", COL_TEXT },
	{ "unit_price", COL_NUM }, { "merchandise", COL_NUM }, { "difference", COL_NUM },
	{ "amount", COL_NUM }, { "due_by", COL_TEXT }, { "charge_id", COL_NUM },
	{ "refund_id", COL_NUM }, { "tender", COL_TEXT }, { "reason", COL_TEXT },
	{ "channel", COL_TEXT }, { "node_id", COL_TEXT },
};
enum { E_ID, E_RMA, E_ORDER, E_LINE, E_SKU, E_QTY, E_NEW_SKU, E_ADVANCE, E_REPLACEMENT,
	E_PRICE, E_MERCH, E_DIFF, E_AMOUNT, E_DUE, E_CHARGE, E_REFUND, E_TENDER, E_REASON,
	E_CHANNEL, E_NODE, E_N };

/* An RMA opened by this run: its lines go into one rma.authorized event. */
struct rma_acc {
	char *rma_id, *order_id, *channel, *node_id;	/* node_id NULL: none */
	struct buf lines;	/* JSON array elements */
};

struct run {
	struct store *st;
	const struct returns_opts *o;
	struct returns_counts *n;
	const char *now;
	struct input *in;
	struct rows rows;	/* the checks, the rejects and --max-rejects */
	struct writer w;
	int status;		/* a fatal error: the exit status */
	struct buf payload;
	struct strmap rma_of;	/* order, channel, node -> index into rmas + 1 */
	struct rma_acc *rmas;
	int nrmas, caprmas;
	struct strmap seen;	/* authorize: order and line -> input line */
};

static int
store_failed(struct run *r)
{
	r->status = store_status(r->st);
	return -1;
}

/* The current record had a problem: rows_reject().  -1 when the run must stop. */
static int
reject(struct run *r, const struct record *rec)
{
	return rows_reject(&r->rows, r->in, NULL, rec->file, rec->line, r->rows.err.s, 1,
	    &r->status);
}

/* --- fields ------------------------------------------------------------ */

/* A key; NULL when empty or bad. */
static const char *
f_key(struct run *r, const struct record *rec, const struct colspec *cols, int c)
{
	const char *v;

	rows_key(&r->rows, cols[c].name, rec->val[c], cols[c].required, &v);
	return v;
}

/* An RMA id, which oms makes from an order_id: NULL when empty or bad. */
static const char *
f_rma_id(struct run *r, const struct record *rec, const struct colspec *cols, int c)
{
	const char *v;

	rows_id(&r->rows, cols[c].name, rec->val[c], cols[c].required, &v);
	return v;
}

/* A positive integer; 0 when empty and not required, -1 when bad. */
static int64_t
f_count(struct run *r, const struct record *rec, const struct colspec *cols, int c)
{
	int64_t v;

	if (rows_empty(&r->rows, cols[c].name, rec->val[c], cols[c].required))
		return cols[c].required ? -1 : 0;
	if (rows_int(&r->rows, cols[c].name, rec->val[c], 1, MAX_QTY, "a positive integer",
	    &v) != 0)
		return -1;
	return v;
}

static const char *
f_reason(struct run *r, const struct record *rec, const struct colspec *cols, int c)
{
	if (rows_empty(&r->rows, cols[c].name, rec->val[c], 1) ||
	    rows_plain(&r->rows, cols[c].name, rec->val[c], MAX_REASON) != 0)
		return NULL;
	return rec->val[c];
}

/* One word of tab, or def when empty; NULL (a problem noted) otherwise. */
static const char *
f_word(struct run *r, const struct record *rec, const struct colspec *cols, int c,
    const char *const *tab, int n, const char *def)
{
	const char *v = rec->val[c];
	struct buf list = BUF_INIT;
	int i;

	if (rows_empty(&r->rows, cols[c].name, v, cols[c].required))
		return def;
	if ((i = parse_word(v, tab, n)) >= 0)
		return tab[i];
	for (i = 0; i < n; i++)
		buf_addf(&list, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", tab[i]);
	rows_bad(&r->rows, "%s must be %s, got \"%s\"", cols[c].name, list.s, quote_value(v));
	buf_release(&list);
	return NULL;
}

/* An amount in cents, 0 when empty; -1 when bad. */
static int64_t
f_money(struct run *r, const struct record *rec, const struct colspec *cols, int c)
{
	int64_t v;

	if (rec->val[c][0] == '\0')
		return 0;
	if (rows_money(&r->rows, cols[c].name, rec->val[c], 1, &v) != 0)
		return -1;
	return v;
}

/*
 * The tender of a record's refunds: its tender column, else dflt (the
 * exchange's, or --tender).  -1 when bad (a problem noted).
 */
static int
f_tender(struct run *r, const struct record *rec, const struct colspec *cols, int c, int dflt)
{
	const char *v;

	if (rec->val[c][0] == '\0')
		return dflt;
	if ((v = f_word(r, rec, cols, c, returns_tender_names, TENDER_N, NULL)) == NULL)
		return -1;
	return returns_tender_parse(v);
}

/* --- shared checks ------------------------------------------------------ */

/*
 * Whether refunds of order_id may go to tender (returns_tender_check):
 * 0, or -1 with the problem noted or a store failure (r->status).
 */
static int
tender_check(struct run *r, const char *order_id, int tender)
{
	struct buf why = BUF_INIT;
	int k = returns_tender_check(r->st, order_id, tender, &why);

	if (k > 0)
		rows_bad(&r->rows, "%s", why.s);
	buf_release(&why);
	if (k < 0)
		return store_failed(r);
	return k > 0 ? -1 : 0;
}

/* The index of line_no in o, or -1. */
static int
line_index(const struct return_order *o, int64_t line_no)
{
	int i;

	for (i = 0; i < o->nlines; i++)
		if (o->lines[i].line_no == line_no)
			return i;
	return -1;
}

/*
 * A node that may take returns back: it exists and accepts returns (and,
 * for an authorisation, is active).  0, or -1 with a problem noted or a
 * store failure (r->status).
 */
static int
check_node(struct run *r, const char *node_id, int authorizing, struct return_node *n)
{
	int k = store_return_node(r->st, node_id, n);

	if (k < 0)
		return store_failed(r);
	if (k == 0)
		return rows_bad(&r->rows, "node_id \"%s\" is not a known "
		    "node", quote_value(node_id));
	if (!n->accepts_returns)
		return rows_bad(&r->rows, "node \"%s\" does not accept "
		    "returns", quote_value(node_id));
	if (authorizing && !n->active)
		return rows_bad(&r->rows, "node \"%s\" is not active", quote_value(node_id));
	return 0;
}

/* --- event payloads ------------------------------------------------------ */

/* Close the payload begun with jsonw_start(&r->payload) and write its event. */
static int
event(struct run *r, const char *order_id, const char *type)
{
	if (store_event(r->st, order_id, type, jsonw_end(&r->payload)) != 0)
		return store_failed(r);
	return 0;
}

/* --- authorize ---------------------------------------------------------- */

/* The RMA of this run for order, channel and node, opened on first use. */
static struct rma_acc *
rma_for(struct run *r, const char *order_id, const char *channel, const char *node_id)
{
	struct buf key = BUF_INIT;
	struct rma_acc *a;
	void *v;
	char *id;

	buf_addf(&key, "%s%c%s%c%s", order_id, 0x1f, channel, 0x1f, node_id ? node_id : "");
	if (strmap_get(&r->rma_of, key.s, &v)) {
		buf_release(&key);
		return &r->rmas[(intptr_t)v - 1];
	}
	if (store_rma_add(r->st, order_id, channel, node_id, r->now, &id) != 0) {
		buf_release(&key);
		store_failed(r);
		return NULL;
	}
	if (r->nrmas == r->caprmas) {
		r->caprmas = r->caprmas ? 2 * r->caprmas : 16;
		r->rmas = xrealloc(r->rmas, (size_t)r->caprmas * sizeof *r->rmas);
	}
	a = &r->rmas[r->nrmas++];
	memset(a, 0, sizeof *a);
	a->rma_id = id;
	a->order_id = xstrdup(order_id);
	a->channel = xstrdup(channel);
	a->node_id = node_id ? xstrdup(node_id) : NULL;
	strmap_put(&r->rma_of, key.s, (void *)(intptr_t)r->nrmas);
	buf_release(&key);
	r->n->rmas++;
	return a;
}

/* One rma.authorized event per RMA opened, with its lines. */
static int
rma_events(struct run *r)
{
	int i;

	for (i = 0; i < r->nrmas; i++) {
		struct rma_acc *a = &r->rmas[i];

		jsonw_start(&r->payload);
		jsonw_str(&r->payload, "rma_id", a->rma_id);
		jsonw_str(&r->payload, "channel", a->channel);
		jsonw_str(&r->payload, "node_id", a->node_id);
		jsonw_array(&r->payload, "lines");
		jsonw_raw(&r->payload, NULL, buf_str(&a->lines));
		jsonw_array_end(&r->payload);
		if (event(r, a->order_id, "rma.authorized") != 0)
			return -1;
	}
	return 0;
}

/*
 * An authorisation, checked and then written: authorize's records, and
 * the returns of exchange's, which are authorised the same way.
 */
struct auth {
	const char *order_id, *reason, *channel, *node_id;
	int64_t line_no, qty;
	struct return_order o;	/* the order before the authorisation */
	int i;			/* the line's index in o */
	struct buf key;		/* order and line: seen */
	struct rma_acc *a;	/* its RMA, once written */
};

static void
auth_release(struct auth *x)
{
	store_return_order_release(&x->o);
	buf_release(&x->key);
}

/*
 * Read and check the authorize columns of rec (the first A_N of cols),
 * problems noted in r->rows.  0, or -1 when the run must stop.
 */
static int
auth_check(struct run *r, const struct record *rec, const struct colspec *cols,
    struct auth *x)
{
	int64_t can;
	struct return_node node;
	char deadline[21];
	void *v;
	int k;

	memset(x, 0, sizeof *x);
	x->i = -1;
	x->order_id = f_key(r, rec, cols, A_ORDER);
	x->line_no = f_count(r, rec, cols, A_LINE);
	x->qty = f_count(r, rec, cols, A_QTY);
	x->reason = f_reason(r, rec, cols, A_REASON);
	x->channel = f_word(r, rec, cols, A_CHANNEL, channels, 4, "mail");
	x->node_id = f_key(r, rec, cols, A_NODE);
	if (r->rows.err.len == 0 && x->node_id == NULL && strcmp(x->channel, "store") == 0)
		rows_bad(&r->rows, "a return in store needs node_id: the store that takes it back");
	if (r->rows.err.len == 0 && x->node_id == NULL && strcmp(x->channel, "locker") == 0)
		rows_bad(&r->rows, "a return by locker needs node_id: the locker");
	if (r->rows.err.len == 0 && x->node_id != NULL &&
	    check_node(r, x->node_id, 1, &node) == 0) {
		if (strcmp(x->channel, "store") == 0 && strcmp(node.type, "store") != 0)
			rows_bad(&r->rows, "node \"%s\" is a %s, not a "
			    "store", quote_value(x->node_id), node.type);
		else if (strcmp(x->channel, "locker") == 0 && strcmp(node.type, "locker") != 0)
			rows_bad(&r->rows, "node \"%s\" is a %s, not a "
			    "locker", quote_value(x->node_id), node.type);
	}
	if (r->status)
		return -1;
	if (r->rows.err.len == 0) {
		buf_addf(&x->key, "%s%c%lld", x->order_id, 0x1f, (long long)x->line_no);
		if (strmap_get(&r->seen, x->key.s, &v))
			rows_bad(&r->rows, "order \"%s\" line %lld appears twice in this input "
			    "(first at line %ld)",
			    quote_value(x->order_id), (long long)x->line_no, (long)(intptr_t)v);
	}
	if (r->rows.err.len == 0) {
		if ((k = store_return_order(r->st, x->order_id, &x->o)) < 0)
			return store_failed(r);
		if (k == 0)
			rows_bad(&r->rows, "unknown order \"%s\"", quote_value(x->order_id));
		else if ((x->i = line_index(&x->o, x->line_no)) < 0)
			rows_bad(&r->rows, "order \"%s\" has no line %lld",
			    quote_value(x->order_id), (long long)x->line_no);
	}
	if (r->rows.err.len == 0) {
		const struct return_line *l = &x->o.lines[x->i];

		can = l->shipped - l->returned - l->authorized;
		if (l->shipped == 0)
			rows_bad(&r->rows, "line %lld of order \"%s\" has not shipped: nothing "
			    "to return",
			    (long long)x->line_no, quote_value(x->order_id));
		else if (x->qty > can)
			rows_bad(&r->rows, "qty %lld is more than the %lld %s of line %lld of "
			    "order \"%s\" "
			    "that can still be returned (shipped %lld, returned %lld, authorised "
			    "and not yet received %lld)", (long long)x->qty,
			    (long long)(can > 0 ? can : 0), plural(can, "unit", "units"),
			    (long long)x->line_no, quote_value(x->order_id),
			    (long long)l->shipped, (long long)l->returned, (long long)l->authorized);
		else if (l->shipped_at[0] == '\0')
			rows_bad(&r->rows, "line %lld of order \"%s\" has no shipment "
			    "confirmation to count the "
			    "return window from", (long long)x->line_no, quote_value(x->order_id));
		else if (add_days(l->shipped_at, r->o->window_days, deadline) != 0)
			rows_bad(&r->rows, "line %lld of order \"%s\" has a shipment time that "
			    "is not a time: "
			    "\"%s\"", (long long)x->line_no, quote_value(x->order_id), l->shipped_at);
		else if (strcmp(r->now, deadline) > 0)
			rows_bad(&r->rows, "line %lld of order \"%s\" shipped %s: past the "
			    "%lld-day return "
			    "window, which closed %s", (long long)x->line_no,
			    quote_value(x->order_id), l->shipped_at, (long long)r->o->window_days,
			    deadline);
	}
	return 0;
}

/* Write the authorisation x checked: its RMA line, counted.  0 or -1. */
static int
auth_write(struct run *r, const struct record *rec, struct auth *x)
{
	strmap_put(&r->seen, x->key.s, (void *)(intptr_t)rec->line);
	if ((x->a = rma_for(r, x->order_id, x->channel, x->node_id)) == NULL ||
	    store_rma_line_add(r->st, x->a->rma_id, x->order_id, x->line_no, x->qty,
	    x->reason) != 0)
		return store_failed(r);
	jsonw_object(&x->a->lines, NULL);
	jsonw_int(&x->a->lines, "line_no", x->line_no);
	jsonw_str(&x->a->lines, "sku", x->o.lines[x->i].sku);
	jsonw_int(&x->a->lines, "qty", x->qty);
	jsonw_str(&x->a->lines, "reason", x->reason);
	jsonw_object_end(&x->a->lines);
	r->n->lines++;
	r->n->units += x->qty;
	return 0;
}

static int
row_authorize(struct run *r, const struct record *rec)
{
	struct auth x;
	char f[2][24];
	const char *row[O_N];
	int ret = 0;

	if (auth_check(r, rec, authorize_cols, &x) != 0) {
		auth_release(&x);
		return -1;
	}
	if (r->rows.err.len > 0) {
		ret = reject(r, rec);
		goto out;
	}
	if (auth_write(r, rec, &x) != 0) {
		ret = -1;
		goto out;
	}
	memset(row, 0, sizeof row);
	snprintf(f[0], sizeof f[0], "%lld", (long long)x.line_no);
	snprintf(f[1], sizeof f[1], "%lld", (long long)x.qty);
	row[O_RMA] = x.a->rma_id;
	row[O_ORDER] = x.order_id;
	row[O_LINE] = f[0];
	row[O_SKU] = x.o.lines[x.i].sku;
	row[O_QTY] = f[1];
	row[O_REASON] = x.reason;
	row[O_CHANNEL] = x.channel;
	row[O_NODE] = x.node_id;
	writer_row(&r->w, row);
out:
	auth_release(&x);
	return ret;
}

/* --- exchanges ---------------------------------------------------------- */

/* The default tender of this run's refunds (--tender). */
static int
run_tender(const struct run *r)
{
	return r->o->tender;
}

/*
 * The replacement of exchange x: k units of its new_sku on a new care
 * order "<order_id>-X<n>", n one more than the order's replacements so
 * far (an id taken is skipped), with its order.created event; the
 * exchange now names it (x->replacement too).  0 or -1.
 */
static int
replace(struct run *r, struct exchange_row *x, int64_t k)
{
	struct buf id = BUF_INIT;
	int64_t all, n;
	int taken;

	if (store_exchange_count(r->st, x->order_id, &all, &n) != 0)
		return store_failed(r);
	do {
		buf_reset(&id);
		buf_addf(&id, "%s-X%lld", x->order_id, (long long)++n);
		if ((taken = store_order_exists(r->st, id.s)) < 0) {
			buf_release(&id);
			return store_failed(r);
		}
	} while (taken);
	if (id.len > ROWS_MAX_KEY) {
		/* exchange's check allows for every exchange the order has */
		diag_error("order \"%s\": the id of its replacement order, \"%s\", is longer "
		    "than %d bytes", quote_value(x->order_id), quote_value(id.s), ROWS_MAX_KEY);
		buf_release(&id);
		r->status = EX_DATAERR;
		return -1;
	}
	if (store_replacement_add(r->st, x->order_id, id.s, x->new_sku, k, r->now) != 0 ||
	    store_exchange_replaced(r->st, x->exchange_id, id.s) != 0) {
		buf_release(&id);
		return store_failed(r);
	}
	snprintf(x->replacement, sizeof x->replacement, "%s", id.s);
	buf_release(&id);
	jsonw_start(&r->payload);
	jsonw_str(&r->payload, "order_id", x->replacement);
	jsonw_str(&r->payload, "channel", "care");
	jsonw_int(&r->payload, "lines", 1);
	jsonw_int(&r->payload, "units", k);
	jsonw_int(&r->payload, "exchange_id", x->exchange_id);
	jsonw_str(&r->payload, "replaces", x->order_id);
	r->n->replacements++;
	return event(r, x->replacement, "order.created");
}

/* Write a charge of exchange x with its exchange.charged event: *id.  0 or -1. */
static int
charge(struct run *r, const struct exchange_row *x, const char *kind, int64_t units,
    int64_t amount, const char *reason, int64_t *id)
{
	if ((*id = store_charge_add(r->st, x->order_id, x->line_no, x->exchange_id, kind,
	    amount, reason, r->now)) < 0)
		return store_failed(r);
	jsonw_start(&r->payload);
	jsonw_int(&r->payload, "charge_id", *id);
	jsonw_str(&r->payload, "kind", kind);
	jsonw_int(&r->payload, "exchange_id", x->exchange_id);
	jsonw_str(&r->payload, "rma_id", x->rma_id);
	jsonw_int(&r->payload, "line_no", x->line_no);
	jsonw_int(&r->payload, "qty", units);
	jsonw_str(&r->payload, "new_sku", x->new_sku);
	jsonw_money(&r->payload, "amount", amount);
	jsonw_str(&r->payload, "reason", reason);
	r->n->charges++;
	r->n->charged += amount;
	return event(r, x->order_id, "exchange.charged");
}

/*
 * Settle the price difference of k units of exchange x (line i of o, as
 * before this record): k x its unit_price less their share of what was
 * paid for its units; more is a charge (kind exchange_difference), less a
 * refund of kind exchange within the cap (returns_refundable) in tender.
 * *amount: the charge (> 0) or the refund (< 0), 0 none; *owed: the
 * refund before the cap; *charge_id, *refund_id what was written.  0 or
 * -1.
 */
static int
settle(struct run *r, const struct exchange_row *x, const struct return_order *o, int i,
    int64_t k, int tender, int64_t *amount, int64_t *owed, int64_t *charge_id,
    int64_t *refund_id)
{
	int64_t diff = k * x->unit_price - returns_share(x->merchandise, x->qty, 0, k), cap;
	char reason[300];
	struct refund f;

	*amount = *owed = *charge_id = *refund_id = 0;
	snprintf(reason, sizeof reason, "exchange for %s", x->new_sku);
	if (diff > 0) {
		*amount = diff;
		return charge(r, x, "exchange_difference", k, diff, reason, charge_id);
	}
	if (diff == 0 || (cap = returns_refundable(o, i)) == 0)
		return 0;
	memset(&f, 0, sizeof f);
	f.order_id = x->order_id;
	f.rma_id = x->rma_id;
	f.kind = "exchange";
	f.reason = reason;
	f.at = r->now;
	f.line_no = x->line_no;
	f.merchandise = *owed = -diff;
	f.amount = -diff < cap ? -diff : cap;
	f.tender = tender == TENDER_STORE_CREDIT ? "store_credit" : NULL;
	*amount = -f.amount;
	if (returns_refund_write(r->st, &f, f.amount < f.merchandise, &r->payload,
	    refund_id) != 0)
		return store_failed(r);
	r->n->refunds++;
	r->n->amount += f.amount;
	return 0;
}

static int
row_exchange(struct run *r, const struct record *rec)
{
	const struct colspec *cols = exchange_cols;
	struct auth x;
	struct exchange_row ex;
	const struct return_line *l;
	const char *new_sku;
	const char *row[E_N];
	char nums[11][24];
	int64_t price = 0, all, replaced, amount = 0, owed, charge_id = 0, refund_id = 0;
	int advance = 0, tender, active = 0, k, ret = 0;

	if (auth_check(r, rec, cols, &x) != 0)
		goto fail;
	new_sku = f_key(r, rec, cols, X_SKU);
	if (rec->val[X_ADVANCE][0] != '\0')
		rows_bool(&r->rows, cols[X_ADVANCE].name, rec->val[X_ADVANCE], &advance);
	tender = f_tender(r, rec, cols, X_TENDER, run_tender(r));
	if (r->rows.err.len == 0) {
		if ((k = store_order_item(r->st, new_sku, &price, &active)) < 0) {
			store_failed(r);
			goto fail;
		}
		if (k == 0)
			rows_bad(&r->rows, "unknown sku \"%s\": new_sku must be an item",
			    quote_value(new_sku));
		else if (!active)
			rows_bad(&r->rows, "item \"%s\" is not active: it cannot be sent as a "
			    "replacement", quote_value(new_sku));
	}
	if (r->rows.err.len == 0 && tender_check(r, x.order_id, tender) != 0 && r->status)
		goto fail;
	if (r->rows.err.len == 0) {
		if (store_exchange_count(r->st, x.order_id, &all, &replaced) != 0) {
			store_failed(r);
			goto fail;
		}
		snprintf(nums[0], sizeof nums[0], "-X%lld", (long long)(all + 1));
		if (strlen(x.order_id) + strlen(nums[0]) > ROWS_MAX_KEY)
			rows_bad(&r->rows, "order id \"%s\" is too long to exchange: its "
			    "replacement's id (the order id and \"%s\") would be over %d bytes",
			    quote_value(x.order_id), nums[0], ROWS_MAX_KEY);
	}
	if (r->status)
		goto fail;
	if (r->rows.err.len > 0) {
		ret = reject(r, rec);
		goto out;
	}
	if (auth_write(r, rec, &x) != 0)
		goto fail;
	l = &x.o.lines[x.i];
	memset(&ex, 0, sizeof ex);
	snprintf(ex.rma_id, sizeof ex.rma_id, "%s", x.a->rma_id);
	snprintf(ex.order_id, sizeof ex.order_id, "%s", x.order_id);
	snprintf(ex.new_sku, sizeof ex.new_sku, "%s", new_sku);
	snprintf(ex.tender, sizeof ex.tender, "%s", returns_tender_names[tender]);
	ex.line_no = x.line_no;
	ex.qty = x.qty;
	ex.advance = advance;
	ex.unit_price = price;
	/* what was paid for these units: the next ones to come back */
	ex.merchandise = returns_merchandise(l->qty, l->unit_price, l->discount,
	    l->returned + l->authorized, x.qty);
	ex.difference = x.qty * price - ex.merchandise;
	if (advance && add_days(r->now, r->o->window_days, ex.due_by) != 0) {
		diag_error("the run's time is not a time: \"%s\"", r->now);
		r->status = EX_SOFTWARE;
		goto fail;
	}
	if (store_exchange_add(r->st, &ex, r->now, &ex.exchange_id) != 0) {
		store_failed(r);
		goto fail;
	}
	/* an advance exchange: the replacement at once, the difference with it */
	if (advance && replace(r, &ex, x.qty) != 0)
		goto fail;
	jsonw_start(&r->payload);
	jsonw_int(&r->payload, "exchange_id", ex.exchange_id);
	jsonw_str(&r->payload, "rma_id", ex.rma_id);
	jsonw_int(&r->payload, "line_no", ex.line_no);
	jsonw_str(&r->payload, "sku", l->sku);
	jsonw_int(&r->payload, "qty", ex.qty);
	jsonw_str(&r->payload, "new_sku", ex.new_sku);
	jsonw_bool(&r->payload, "advance", advance);
	jsonw_str_or_null(&r->payload, "replacement_order",
	    ex.replacement[0] ? ex.replacement : NULL);
	jsonw_money(&r->payload, "unit_price", ex.unit_price);
	jsonw_money(&r->payload, "merchandise", ex.merchandise);
	jsonw_money(&r->payload, "difference", ex.difference);
	jsonw_str_or_null(&r->payload, "due_by", advance ? ex.due_by : NULL);
	jsonw_str(&r->payload, "tender", ex.tender);
	if (event(r, ex.order_id, "exchange.created") != 0)
		goto fail;
	if (advance && settle(r, &ex, &x.o, x.i, x.qty, tender, &amount, &owed, &charge_id,
	    &refund_id) != 0)
		goto fail;
	r->n->exchanges++;
	memset(row, 0, sizeof row);
	snprintf(nums[0], sizeof nums[0], "%lld", (long long)ex.exchange_id);
	snprintf(nums[1], sizeof nums[1], "%lld", (long long)ex.line_no);
	snprintf(nums[2], sizeof nums[2], "%lld", (long long)ex.qty);
	snprintf(nums[3], sizeof nums[3], "%d", advance);
	money_format(ex.unit_price, nums[4]);
	money_format(ex.merchandise, nums[5]);
	money_format(ex.difference, nums[6]);
	money_format(amount, nums[7]);
	snprintf(nums[8], sizeof nums[8], "%lld", (long long)charge_id);
	snprintf(nums[9], sizeof nums[9], "%lld", (long long)refund_id);
	row[E_ID] = nums[0];
	row[E_RMA] = ex.rma_id;
	row[E_ORDER] = ex.order_id;
	row[E_LINE] = nums[1];
	row[E_SKU] = l->sku;
	row[E_QTY] = nums[2];
	row[E_NEW_SKU] = ex.new_sku;
	row[E_ADVANCE] = nums[3];
	row[E_REPLACEMENT] = ex.replacement[0] ? ex.replacement : NULL;
	row[E_PRICE] = nums[4];
	row[E_MERCH] = nums[5];
	row[E_DIFF] = nums[6];
	row[E_AMOUNT] = advance ? nums[7] : NULL;
	row[E_DUE] = advance ? ex.due_by : NULL;
	row[E_CHARGE] = charge_id ? nums[8] : NULL;
	row[E_REFUND] = refund_id ? nums[9] : NULL;
	row[E_TENDER] = ex.tender;
	row[E_REASON] = x.reason;
	row[E_CHANNEL] = x.channel;
	row[E_NODE] = x.node_id;
	writer_row(&r->w, row);
out:
	auth_release(&x);
	return ret;
fail:
	auth_release(&x);
	return -1;
}

/*
 * expire-exchanges: every advance exchange past its due_by, not charged
 * yet, whose return has not all arrived (accepted) is charged what was
 * paid for the units missing (kind exchange_unreturned), and marked
 * charged: a second run finds nothing.
 */
static int
expire_exchanges(struct run *r)
{
	struct exchange_row *xs;
	const char *row[E_N];
	char nums[6][24], reason[300];
	int64_t units, amount, charge_id;
	int i, n, ret = 0;

	if (store_exchanges_due(r->st, r->now, &xs, &n) != 0)
		return store_failed(r);
	for (i = 0; i < n && ret == 0; i++) {
		struct exchange_row *x = &xs[i];

		r->n->records++;
		units = x->qty - x->accepted;
		amount = returns_share(x->merchandise, x->qty, x->accepted, units);
		charge_id = 0;
		snprintf(reason, sizeof reason, "advance exchange: %lld of %lld %s not returned "
		    "by %s", (long long)units, (long long)x->qty, plural(x->qty, "unit", "units"),
		    x->due_by);
		if (amount > 0 && charge(r, x, "exchange_unreturned", units, amount, reason,
		    &charge_id) != 0) {
			ret = -1;
			break;
		}
		if (store_exchange_charged(r->st, x->exchange_id, r->now) != 0) {
			ret = store_failed(r);
			break;
		}
		r->n->lines++;
		r->n->units += units;
		memset(row, 0, sizeof row);
		snprintf(nums[0], sizeof nums[0], "%lld", (long long)x->exchange_id);
		snprintf(nums[1], sizeof nums[1], "%lld", (long long)x->line_no);
		snprintf(nums[2], sizeof nums[2], "%lld", (long long)units);
		money_format(amount, nums[3]);
		snprintf(nums[4], sizeof nums[4], "%lld", (long long)charge_id);
		row[E_ID] = nums[0];
		row[E_RMA] = x->rma_id;
		row[E_ORDER] = x->order_id;
		row[E_LINE] = nums[1];
		row[E_QTY] = nums[2];
		row[E_NEW_SKU] = x->new_sku;
		row[E_ADVANCE] = "1";
		row[E_REPLACEMENT] = x->replacement[0] ? x->replacement : NULL;
		row[E_AMOUNT] = nums[3];
		row[E_DUE] = x->due_by;
		row[E_CHARGE] = charge_id ? nums[4] : NULL;
		row[E_REASON] = reason;
		writer_row(&r->w, row);
	}
	free(xs);
	return ret;
}

/* --- receive ------------------------------------------------------------ */

/* Write a refund and its refund.issued event; *id its refund_id. */
static int
refund(struct run *r, const struct refund *f, int capped, int64_t *id)
{
	if (returns_refund_write(r->st, f, capped, &r->payload, id) != 0)
		return store_failed(r);
	r->n->refunds++;
	r->n->amount += f->amount;
	return 0;
}

/* Add qty of sku to node's on_hand, with an inventory.delta event. */
static int
restock(struct run *r, const char *node_id, const char *sku, int64_t qty,
    const char *rma_id)
{
	struct inventory inv;
	int got;

	if ((got = store_inventory_get(r->st, node_id, sku, &inv)) < 0)
		return store_failed(r);
	if (!got) {
		memset(&inv, 0, sizeof inv);
		inv.safety_stock = -1;
		snprintf(inv.as_of, sizeof inv.as_of, "%s", r->now);
	}
	inv.node_id = node_id;
	inv.sku = sku;
	inv.on_hand += qty;
	if (store_inventory_put(r->st, &inv) != 0)
		return store_failed(r);
	jsonw_start(&r->payload);
	jsonw_str(&r->payload, "node_id", node_id);
	jsonw_str(&r->payload, "sku", sku);
	jsonw_int(&r->payload, "delta", qty);
	jsonw_int(&r->payload, "on_hand", inv.on_hand);
	jsonw_str(&r->payload, "reason", "return");
	jsonw_str(&r->payload, "rma_id", rma_id);
	return event(r, NULL, "inventory.delta");
}

static int
row_receive(struct run *r, const struct record *rec)
{
	static const char *const dispositions[COND_N] = { "restock", "restock", "damaged",
		"return_to_customer" };
	const struct colspec *cols = receive_cols;
	const char *rma_id, *condition, *node_id, *disposition, *rejection, *kept;
	struct rma_line_info rl;
	struct return_order o;
	struct return_node node;
	struct returns_refund m;
	struct exchange_row ex;
	struct refund f;
	int64_t line_no, qty, refund_id = 0, amount = 0, charge_id = 0, accepted;
	char nums[7][24];
	const char *row[O_N];
	int k, cond = -1, known, i = -1, ret = 0, rejected, has_ex = 0, refunded = 0;
	int tender = -1, ex_tender;

	rma_id = f_rma_id(r, rec, cols, R_RMA);
	line_no = f_count(r, rec, cols, R_LINE);
	qty = f_count(r, rec, cols, R_QTY);
	condition = f_word(r, rec, cols, R_COND, returns_condition_names, COND_N, NULL);
	node_id = f_key(r, rec, cols, R_NODE);
	rejection = f_word(r, rec, cols, R_DISP, receipt_dispositions, 5, NULL);
	if (rec->val[R_TENDER][0] != '\0')
		tender = f_tender(r, rec, cols, R_TENDER, -1);
	memset(&o, 0, sizeof o);
	memset(&ex, 0, sizeof ex);
	if (r->rows.err.len == 0) {
		cond = strtab_find(returns_condition_names, COND_N, condition);
		if ((k = store_rma_line_get(r->st, rma_id, line_no, &rl, &known)) < 0)
			return store_failed(r);
		if (k == 0 && !known)
			rows_bad(&r->rows, "unknown RMA \"%s\"", quote_value(rma_id));
		else if (k == 0)
			rows_bad(&r->rows, "RMA \"%s\" has no line "
			    "%lld", quote_value(rma_id), (long long)line_no);
		else if (rl.received >= rl.qty)
			rows_bad(&r->rows, "line %lld of RMA \"%s\" was already received in "
			    "full (%lld %s)",
			    (long long)line_no, quote_value(rma_id), (long long)rl.qty,
			    plural(rl.qty, "unit", "units"));
		else if (qty > rl.qty - rl.received)
			rows_bad(&r->rows, "qty %lld is more than the %lld %s of line %lld of "
			    "RMA \"%s\" still "
			    "expected (authorised %lld, received %lld)", (long long)qty,
			    (long long)(rl.qty - rl.received),
			    plural(rl.qty - rl.received, "unit", "units"), (long long)line_no,
			    quote_value(rma_id),
			    (long long)rl.qty, (long long)rl.received);
	}
	/* a disposition of a receipt taken back: as the condition says, or damaged */
	kept = rejection != NULL && strtab_find(receipt_dispositions, REJECT_FIRST,
	    rejection) >= 0 ? rejection : NULL;
	if (kept != NULL) {
		rejection = NULL;
		if (r->rows.err.len == 0 && (cond == COND_WRONG_ITEM ||
		    (strcmp(kept, "restock") == 0 && cond == COND_DAMAGED)))
			rows_bad(&r->rows, "disposition %s does not go with condition %s (%s)",
			    kept, condition, cond == COND_WRONG_ITEM ? "the wrong item is "
			    "rejected: return_to_customer, dispose or vendor_return" :
			    "damaged units are not restocked");
	}
	rejected = cond == COND_WRONG_ITEM || rejection != NULL;
	if (r->rows.err.len == 0 && node_id == NULL) {
		if (rl.node_id[0] == '\0')
			rows_bad(&r->rows, "node_id is empty and RMA \"%s\" names no receiving "
			    "node: say where "
			    "it was received", quote_value(rma_id));
		else
			node_id = rl.node_id;
	}
	/* a locker is where goods are handed in; someone else inspects and shelves them */
	if (r->rows.err.len == 0 && check_node(r, node_id, 0, &node) == 0 &&
	    strcmp(node.type, "locker") == 0)
		rows_bad(&r->rows, "node \"%s\" is a locker, which receives no stock: name the "
		    "node that "
		    "received the goods in node_id", quote_value(node_id));
	if (r->status)
		return -1;
	if (r->rows.err.len == 0 && (has_ex = store_exchange_get(r->st, rma_id, line_no,
	    &ex)) < 0)
		return store_failed(r);
	/* the refund's tender: the record's, else the exchange's, else --tender */
	ex_tender = has_ex ? returns_tender_parse(ex.tender) : run_tender(r);
	if (tender < 0 && rec->val[R_TENDER][0] == '\0')
		tender = ex_tender;
	if (r->rows.err.len == 0 && !rejected && tender_check(r, rl.order_id, tender) != 0 &&
	    r->status)
		return -1;
	if (r->rows.err.len == 0) {
		if ((k = store_return_order(r->st, rl.order_id, &o)) < 0)
			return store_failed(r);
		if (k == 0 || (i = line_index(&o, line_no)) < 0) {
			/* the schema's foreign keys make this impossible */
			diag_error("RMA \"%s\" line %lld: its order line is gone",
			    quote_value(rma_id), (long long)line_no);
			r->status = EX_SOFTWARE;
			store_return_order_release(&o);
			return -1;
		}
	}
	if (r->rows.err.len > 0) {
		ret = reject(r, rec);
		goto out;
	}
	disposition = rejection != NULL ? rejection : kept != NULL ? kept : dispositions[cond];
	memset(&m, 0, sizeof m);
	if (rejected) {
		/* received, not taken back: not returned, restocked nor refunded */
		if (store_receipt_reject(r->st, rma_id, line_no, qty, condition, disposition,
		    node_id, r->now) != 0) {
			ret = store_failed(r);
			goto out;
		}
	} else {
		/* the refund counts the units returned before these */
		returns_refund_units(&o, i, qty, r->o->fee[cond], returns_seller_fault(rl.reason),
		    &m);
		if (store_receipt_add(r->st, rma_id, rl.order_id, line_no, qty, condition,
		    disposition, node_id, r->now) != 0) {
			ret = store_failed(r);
			goto out;
		}
	}
	jsonw_start(&r->payload);
	jsonw_str(&r->payload, "rma_id", rma_id);
	jsonw_int(&r->payload, "line_no", line_no);
	jsonw_str(&r->payload, "sku", o.lines[i].sku);
	jsonw_int(&r->payload, "qty", qty);
	jsonw_str(&r->payload, "condition", condition);
	jsonw_str(&r->payload, "disposition", disposition);
	jsonw_str(&r->payload, "node_id", node_id);
	if (has_ex)
		jsonw_int(&r->payload, "exchange_id", ex.exchange_id);
	if (event(r, rl.order_id, rejected ? "line.return_rejected" : "line.returned") != 0 ||
	    (strcmp(disposition, "restock") == 0 &&
	    restock(r, node_id, o.lines[i].sku, qty, rma_id) != 0)) {
		ret = -1;
		goto out;
	}
	/*
	 * A unit exchanged earns its replacement, not a refund; an advance
	 * exchange already charged for its units missing is refunded as a
	 * plain return when they come after all.
	 */
	if (!rejected && (!has_ex || (ex.advance && ex.charged_at[0] != '\0'))) {
		memset(&f, 0, sizeof f);
		f.order_id = rl.order_id;
		f.rma_id = rma_id;
		f.kind = "return";
		f.reason = rl.reason;
		f.at = r->now;
		f.line_no = line_no;
		f.amount = m.amount;
		f.merchandise = m.merchandise;
		f.restocking_fee = m.restocking_fee;
		f.shipping = m.shipping;
		f.tender = tender == TENDER_STORE_CREDIT ? "store_credit" : NULL;
		if (refund(r, &f, m.capped, &refund_id) != 0) {
			ret = -1;
			goto out;
		}
		refunded = 1;
		amount = m.amount;
		if (m.capped) {
			money_format(m.amount, nums[0]);
			diag_info("%s:%ld: refund cut to %s, what is left to refund on line %lld "
			    "of order \"%s\"", rec->file, rec->line, nums[0], (long long)line_no,
			    quote_value(rl.order_id));
		}
	}
	/* the RMA line now complete: the replacement of the units accepted, once */
	if (has_ex && !ex.advance && rl.received + qty == rl.qty &&
	    (accepted = ex.accepted + (rejected ? 0 : qty)) > 0) {
		memset(&m, 0, sizeof m);
		if (replace(r, &ex, accepted) != 0 ||
		    settle(r, &ex, &o, i, accepted, tender, &amount, &m.merchandise, &charge_id,
		    &refund_id) != 0) {
			ret = -1;
			goto out;
		}
		refunded = refund_id > 0;
		if (amount > 0)
			amount = 0;	/* a charge: not money refunded */
		else
			amount = -amount;
	}
	if (rejected)
		r->n->turned_back += qty;
	else if (strcmp(disposition, "restock") == 0)
		r->n->restocked += qty;
	else
		r->n->damaged += qty;
	memset(row, 0, sizeof row);
	snprintf(nums[0], sizeof nums[0], "%lld", (long long)line_no);
	snprintf(nums[1], sizeof nums[1], "%lld", (long long)qty);
	money_format(amount, nums[2]);
	money_format(m.merchandise, nums[3]);
	money_format(m.restocking_fee, nums[4]);
	money_format(m.shipping, nums[5]);
	snprintf(nums[6], sizeof nums[6], "%lld", (long long)refund_id);
	row[O_RMA] = rma_id;
	row[O_ORDER] = rl.order_id;
	row[O_LINE] = nums[0];
	row[O_SKU] = o.lines[i].sku;
	row[O_QTY] = nums[1];
	row[O_AMOUNT] = refunded ? nums[2] : NULL;
	row[O_REASON] = rl.reason;
	row[O_CHANNEL] = rl.channel;
	row[O_NODE] = node_id;
	row[O_COND] = condition;
	row[O_DISP] = disposition;
	row[O_MERCH] = refunded ? nums[3] : NULL;
	row[O_FEE] = refunded ? nums[4] : NULL;
	row[O_SHIP] = refunded ? nums[5] : NULL;
	row[O_REFUND] = refunded ? nums[6] : NULL;
	writer_row(&r->w, row);
	r->n->lines++;
	r->n->units += qty;
out:
	store_return_order_release(&o);
	return ret;
}

/* --- appease ------------------------------------------------------------ */

/* "line 2 of order "O1"" or "order "O1"": what an appeasement is on. */
static void
appease_subject(char *out, size_t n, const struct return_order *o, int i,
    const char *order_id)
{
	if (i >= 0)
		snprintf(out, n, "line %lld of order \"%s\"", (long long)o->lines[i].line_no,
		    quote_value(order_id));
	else
		snprintf(out, n, "order \"%s\"", quote_value(order_id));
}

/*
 * Check an appeasement of amount (rate > 0: rate hundredths of a percent
 * of what was paid for the units kept) on line i of o (i < 0: the
 * order) against returns_appeasable(): the amount, or -1 with the problem
 * noted.
 */
static int64_t
appeasement(struct run *r, const struct return_order *o, int i, const char *order_id,
    int64_t amount, int64_t rate, const char *percent)
{
	struct returns_goodwill g;
	int64_t ordered = 0, cancelled = 0, shipped = 0, returned = 0, authorized = 0;
	char what[400], m[4][24];
	int k;

	returns_appeasable(o, i, &g);
	appease_subject(what, sizeof what, o, i, order_id);
	if (g.units == 0) {
		for (k = i >= 0 ? i : 0; k < (i >= 0 ? i + 1 : o->nlines); k++) {
			ordered += o->lines[k].qty;
			cancelled += o->lines[k].cancelled;
			shipped += o->lines[k].shipped;
			returned += o->lines[k].returned;
			authorized += o->lines[k].authorized;
		}
		if (authorized > 0)
			return rows_bad(&r->rows, "nothing to appease on %s: none of its units "
			    "shipped and kept "
			    "(ordered %lld, cancelled %lld, shipped %lld, returned %lld, authorised "
			    "for return %lld)", what, (long long)ordered, (long long)cancelled,
			    (long long)shipped, (long long)returned, (long long)authorized);
		return rows_bad(&r->rows, "nothing to appease on %s: none of its units shipped "
		    "and kept "
		    "(ordered %lld, cancelled %lld, shipped %lld, returned %lld)", what,
		    (long long)ordered, (long long)cancelled, (long long)shipped,
		    (long long)returned);
	}
	if (rate > 0)
		amount = returns_percent(g.kept, rate);
	money_format(amount, m[0]);
	money_format(g.left, m[1]);
	if (amount == 0) {
		money_format(g.kept, m[2]);
		return rows_bad(&r->rows, "percent %s of the %s paid for %s comes to "
		    "0.00", percent, m[2],
		    what);
	}
	if (amount <= g.left)
		return amount;
	appease_subject(what, sizeof what, o, g.scope, order_id);
	if (g.by_refunds) {
		money_format(g.scope >= 0 ? returns_line_paid(o, g.scope) : returns_order_paid(o),
		    m[2]);
		money_format(g.scope >= 0 ? o->lines[g.scope].refunded : o->refunded, m[3]);
		return rows_bad(&r->rows, "appeasement %s is more than the %s still refundable "
		    "on %s "
		    "(paid %s, refunded %s)", m[0], m[1], what, m[2], m[3]);
	}
	money_format(g.scope_kept, m[2]);
	money_format(g.scope_appeased, m[3]);
	return rows_bad(&r->rows, "appeasement %s is more than the %s that can still be "
	    "appeased on %s "
	    "(paid %s for the %lld %s shipped and kept, appeased %s)", m[0], m[1], what, m[2],
	    (long long)g.scope_units, g.scope_units == 1 ? "unit" : "units", m[3]);
}

static int
row_appease(struct run *r, const struct record *rec)
{
	const struct colspec *cols = appease_cols;
	const char *order_id, *reason, *ref;
	struct change_ref_seen seen;
	struct return_order o;
	struct refund f;
	int64_t line_no, amount, rate = 0, refund_id;
	char nums[3][24];
	const char *row[O_N];
	int k, i = -1, ret = 0, tender;

	order_id = f_key(r, rec, cols, P_ORDER);
	line_no = f_count(r, rec, cols, P_LINE);
	amount = f_money(r, rec, cols, P_AMOUNT);
	if (rec->val[P_PERCENT][0] != '\0' &&
	    (parse_money(rec->val[P_PERCENT], &rate) != PARSE_OK || rate == 0 || rate > 10000))
		rows_bad(&r->rows, "percent must be a number above 0 and at most 100 (at most "
		    "2 decimals), "
		    "got \"%s\"", quote_value(rec->val[P_PERCENT]));
	if (r->rows.err.len == 0 && (amount > 0) == (rate > 0))
		rows_bad(&r->rows, "give amount or percent: "
		    "%s", amount > 0 ? "not both" : "neither is set");
	reason = f_reason(r, rec, cols, P_REASON);
	tender = f_tender(r, rec, cols, P_TENDER, run_tender(r));
	ref = f_key(r, rec, cols, P_REF);
	memset(&o, 0, sizeof o);
	/* given once under its reference: sent again, told and skipped */
	if (r->rows.err.len == 0 && ref != NULL) {
		if ((k = store_change_ref_get(r->st, ref, &seen)) < 0)
			return store_failed(r);
		if (k == 1) {
			char what[300];

			snprintf(what, sizeof what, "%s", quote_value(ref));
			diag_warn("%s:%ld: appeasement \"%s\" was given already (%s of order \"%s\" "
			    "at %s); skipped", rec->file, rec->line, what, seen.action,
			    quote_value(seen.order_id), seen.at);
			r->n->skipped++;
			return 0;
		}
	}
	if (r->rows.err.len == 0) {
		if ((k = store_return_order(r->st, order_id, &o)) < 0)
			return store_failed(r);
		if (k == 0)
			rows_bad(&r->rows, "unknown order \"%s\"", quote_value(order_id));
		else if (line_no > 0 && (i = line_index(&o, line_no)) < 0)
			rows_bad(&r->rows, "order \"%s\" has no line %lld", quote_value(order_id),
			    (long long)line_no);
	}
	if (r->rows.err.len == 0)
		amount = appeasement(r, &o, i, order_id, amount, rate, rec->val[P_PERCENT]);
	if (r->rows.err.len == 0 && tender_check(r, order_id, tender) != 0 && r->status) {
		store_return_order_release(&o);
		return -1;
	}
	if (r->rows.err.len > 0) {
		ret = reject(r, rec);
		goto out;
	}
	memset(&f, 0, sizeof f);
	f.order_id = order_id;
	f.kind = "appeasement";
	f.tender = tender == TENDER_STORE_CREDIT ? "store_credit" : NULL;
	f.reason = reason;
	f.at = r->now;
	f.line_no = line_no;
	f.amount = amount;
	if (refund(r, &f, 0, &refund_id) != 0 ||
	    (ref != NULL && store_change_ref_add(r->st, ref, "appease", order_id, "") != 0)) {
		ret = -1;
		goto out;
	}
	memset(row, 0, sizeof row);
	money_format(amount, nums[0]);
	snprintf(nums[1], sizeof nums[1], "%lld", (long long)line_no);
	snprintf(nums[2], sizeof nums[2], "%lld", (long long)refund_id);
	row[O_ORDER] = order_id;
	row[O_LINE] = line_no > 0 ? nums[1] : NULL;
	row[O_SKU] = i >= 0 ? o.lines[i].sku : NULL;
	row[O_AMOUNT] = nums[0];
	row[O_REASON] = reason;
	row[O_REFUND] = nums[2];
	writer_row(&r->w, row);
	r->n->lines++;
out:
	store_return_order_release(&o);
	return ret;
}

/* --- the run ------------------------------------------------------------- */

static const struct {
	const struct colspec *cols;
	int ncols;
	int (*row)(struct run *, const struct record *);
} cmds[] = {
	[RETURNS_AUTHORIZE] = { authorize_cols, A_N, row_authorize },
	[RETURNS_RECEIVE] = { receive_cols, R_N, row_receive },
	[RETURNS_APPEASE] = { appease_cols, P_N, row_appease },
	[RETURNS_EXCHANGE] = { exchange_cols, X_N, row_exchange },
	[RETURNS_EXPIRE_EXCHANGES] = { NULL, 0, NULL },	/* no records: expire_exchanges */
};

static int
run_file(struct run *r, const char *file)
{
	struct record rec;
	int k;

	r->in = input_open(file, r->o->input_format, cmds[r->o->cmd].cols,
	    cmds[r->o->cmd].ncols, NULL, &r->status);
	if (r->in == NULL)
		return -1;
	progress_start(file);
	while ((k = input_next(r->in, &rec)) == 1) {
		rows_next(&r->rows);
		r->n->records++;
		progress_tick(r->n->records);
		if (rec.error != NULL) {
			rows_bad(&r->rows, "%s", rec.error);
			if (reject(r, &rec) != 0)
				break;
			continue;
		}
		if (cmds[r->o->cmd].row(r, &rec) != 0)
			break;
	}
	progress_end();
	if (k < 0 && !r->status)
		r->status = input_status(r->in);
	if (input_blank_rows(r->in) > 0)
		diag_warn("%s: skipped %ld empty %s", file, input_blank_rows(r->in),
		    plural(input_blank_rows(r->in), "row", "rows"));
	input_close(r->in);
	r->in = NULL;
	return r->status ? -1 : 0;
}

int
returns_run(struct store *st, const struct returns_opts *o, int nfiles,
    char *const *files, FILE *out, struct returns_counts *counts)
{
	struct run r;
	char *rows = NULL;
	size_t nrows = 0;
	FILE *mem;
	int i, status;

	memset(&r, 0, sizeof r);
	memset(counts, 0, sizeof *counts);
	r.st = st;
	r.o = o;
	r.n = counts;
	r.now = o->now ? o->now : store_run_time(st);
	/* rows are held until the run is known good: a failed run prints none */
	if ((mem = open_memstream(&rows, &nrows)) == NULL) {
		diag_error("out of memory");
		return EX_SOFTWARE;
	}
	if (o->cmd == RETURNS_EXCHANGE || o->cmd == RETURNS_EXPIRE_EXCHANGES)
		writer_init(&r.w, mem, o->format, exchange_out_cols, E_N);
	else
		writer_init(&r.w, mem, o->format, out_cols, O_N);
	r.w.safe_csv = o->safe_csv;
	if (rows_open(&r.rows, o->rejects, o->max_rejects, &counts->rejected, "nothing done",
	    &r.status) != 0)
		goto out;
	if (o->cmd == RETURNS_EXPIRE_EXCHANGES) {
		if (expire_exchanges(&r) != 0 && !r.status)
			r.status = EX_SOFTWARE;
	} else {
		for (i = 0; i < nfiles; i++)
			if (run_file(&r, files[i]) != 0)
				break;
	}
	if (!r.status && r.rows.failed)
		r.status = rows_strict_end(&r.rows, "record", "records", "apply");
	if (!r.status && rma_events(&r) != 0 && !r.status)
		r.status = EX_SOFTWARE;
out:
	writer_finish(&r.w);
	if (fclose(mem) != 0 && !r.status) {
		diag_error("out of memory");
		r.status = EX_SOFTWARE;
	}
	/* a failed write shows when the caller closes the output */
	if (!r.status && nrows > 0)
		fwrite(rows, 1, nrows, out);
	free(rows);
	status = r.status;
	status = rows_close(&r.rows, status);
	for (i = 0; i < r.nrmas; i++) {
		free(r.rmas[i].rma_id);
		free(r.rmas[i].order_id);
		free(r.rmas[i].channel);
		free(r.rmas[i].node_id);
		buf_release(&r.rmas[i].lines);
	}
	free(r.rmas);
	strmap_release(&r.rma_of, NULL);
	strmap_release(&r.seen, NULL);
	buf_release(&r.payload);
	return status;
}
