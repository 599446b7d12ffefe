/*
 * order-show: the 360-degree view of an order or of a customer's orders
 * (oms-order show, oms-order customer); the changes are in order.c.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "order.h"
#include "output.h"
#include "parse.h"
#include "util.h"
#include "store-order.h"
#include "store-return.h"

enum vtype { V_TEXT, V_INT, V_REAL, V_MONEY, V_BOOL, V_JSON };

struct vcol {
	const char *name;
	enum vtype type;
};

/* Each section's fields in the order shown, by the names the store gives them. */
static const struct vcol order_vcols[] = {
	{ "order_id", V_TEXT }, { "channel", V_TEXT }, { "customer_id", V_TEXT },
	{ "created_at", V_TEXT }, { "priority", V_INT }, { "promise_date", V_TEXT },
	{ "ship_name", V_TEXT }, { "ship_address1", V_TEXT }, { "ship_city", V_TEXT },
	{ "ship_region", V_TEXT }, { "ship_postal_code", V_TEXT }, { "ship_country", V_TEXT },
	{ "ship_lat", V_REAL }, { "ship_lon", V_REAL }, { "ship_complete", V_BOOL },
	{ "shipping_charge", V_MONEY }, { "held", V_BOOL },
	{ "status", V_TEXT },	/* of its lines taken together (view_row) */
};
static const struct vcol line_vcols[] = {
	{ "line_no", V_INT }, { "sku", V_TEXT }, { "qty", V_INT }, { "unit_price", V_MONEY },
	{ "discount", V_MONEY }, { "method", V_TEXT }, { "pickup_node", V_TEXT },
	{ "status", V_TEXT }, { "open", V_INT },	/* of its counts (view_row) */
	{ "backordered", V_INT }, { "backorder_reason", V_TEXT }, { "allocated", V_INT },
	{ "routed", V_INT }, { "released", V_INT }, { "shipped", V_INT },
	{ "cancelled", V_INT }, { "returned", V_INT }, { "cancel_requested", V_INT },
};
static const struct vcol alloc_vcols[] = {
	{ "line_no", V_INT }, { "sku", V_TEXT }, { "allocated", V_INT },
	{ "backordered", V_INT }, { "backorder_reason", V_TEXT },
};
static const struct vcol route_vcols[] = {
	{ "line_no", V_INT }, { "node_id", V_TEXT }, { "routed", V_INT }, { "released", V_INT },
};
static const struct vcol release_vcols[] = {
	{ "release_id", V_TEXT }, { "node_id", V_TEXT }, { "released_at", V_TEXT },
	{ "business_day", V_TEXT }, { "line_no", V_INT }, { "qty", V_INT },
	{ "shipped", V_INT }, { "short", V_INT }, { "cancelled", V_INT },
	{ "cancel_requested", V_INT },
};
static const struct vcol ship_vcols[] = {
	{ "release_id", V_TEXT }, { "node_id", V_TEXT }, { "line_no", V_INT },
	{ "status", V_TEXT }, { "qty", V_INT }, { "carrier", V_TEXT }, { "tracking", V_TEXT },
	{ "at", V_TEXT },
};
static const struct vcol return_vcols[] = {
	{ "rma_id", V_TEXT }, { "channel", V_TEXT }, { "node_id", V_TEXT },
	{ "authorized_at", V_TEXT }, { "line_no", V_INT }, { "qty", V_INT },
	{ "received", V_INT }, { "reason", V_TEXT },
};
static const struct vcol receipt_vcols[] = {
	{ "rma_id", V_TEXT }, { "line_no", V_INT }, { "qty", V_INT }, { "condition", V_TEXT },
	{ "disposition", V_TEXT }, { "node_id", V_TEXT }, { "at", V_TEXT },
};
static const struct vcol refund_vcols[] = {
	{ "refund_id", V_INT }, { "kind", V_TEXT }, { "line_no", V_INT }, { "rma_id", V_TEXT },
	{ "amount", V_MONEY }, { "merchandise", V_MONEY }, { "restocking_fee", V_MONEY },
	{ "shipping", V_MONEY }, { "reason", V_TEXT }, { "tender", V_TEXT }, { "at", V_TEXT },
};
static const struct vcol appease_vcols[] = {
	{ "refund_id", V_INT }, { "line_no", V_INT }, { "amount", V_MONEY },
	{ "reason", V_TEXT }, { "tender", V_TEXT }, { "at", V_TEXT },
};
static const struct vcol adjust_vcols[] = {
	{ "refund_id", V_INT }, { "line_no", V_INT }, { "amount", V_MONEY },
	{ "code", V_TEXT }, { "reason", V_TEXT }, { "tender", V_TEXT }, { "at", V_TEXT },
};
static const struct vcol exchange_vcols[] = {
	{ "exchange_id", V_INT }, { "order_id", V_TEXT }, { "rma_id", V_TEXT },
	{ "line_no", V_INT }, { "sku", V_TEXT },
	{ "qty", V_INT }, { "received", V_INT }, { "accepted", V_INT }, { "new_sku", V_TEXT },
	{ "advance", V_BOOL }, { "replacement_order", V_TEXT }, { "replacement_line", V_INT },
	{ "status", V_TEXT }, { "unit_price", V_MONEY }, { "merchandise", V_MONEY },
	{ "difference", V_MONEY }, { "tender", V_TEXT }, { "due_by", V_TEXT },
	{ "charged_at", V_TEXT }, { "at", V_TEXT },
};
static const struct vcol hold_vcols[] = {
	{ "hold_type", V_TEXT }, { "reason", V_TEXT }, { "held_by", V_TEXT },
	{ "held_at", V_TEXT },
};
static const struct vcol event_vcols[] = {
	{ "seq", V_INT }, { "at", V_TEXT }, { "type", V_TEXT }, { "payload", V_JSON },
};
static const struct vcol customer_vcols[] = {
	{ "customer_id", V_TEXT }, { "name", V_TEXT }, { "email", V_TEXT },
	{ "phone", V_TEXT }, { "tier", V_TEXT },
	{ "store_credit", V_MONEY },	/* the balance of the store_credit ledger */
};

#define VCOLS(t) t, (int)(sizeof t / sizeof *t)

/*
 * The sections in the order shown: the JSON key, the record name in rows,
 * and which of its columns fill a row's qty, ref, status and at.
 */
static const struct section {
	enum order_section id;
	const char *key, *record;
	const struct vcol *cols;
	int ncols;
	const char *qty, *ref, *status, *at;
} sections[] = {
	{ OS_ORDER, "order", "order", VCOLS(order_vcols), NULL, NULL, "status", "created_at" },
	{ OS_LINES, "lines", "line", VCOLS(line_vcols), "qty", NULL, "status", NULL },
	{ OS_ALLOCATIONS, "allocations", "allocation", VCOLS(alloc_vcols), "allocated", NULL,
	    NULL, NULL },
	{ OS_ROUTING, "routing", "route", VCOLS(route_vcols), "routed", NULL, NULL, NULL },
	{ OS_RELEASES, "releases", "release", VCOLS(release_vcols), "qty", "release_id", NULL,
	    "released_at" },
	{ OS_SHIPMENTS, "shipments", "shipment", VCOLS(ship_vcols), "qty", "release_id",
	    "status", "at" },
	{ OS_RETURNS, "returns", "return", VCOLS(return_vcols), "qty", "rma_id", NULL,
	    "authorized_at" },
	{ OS_RECEIPTS, "receipts", "receipt", VCOLS(receipt_vcols), "qty", "rma_id",
	    "condition", "at" },
	{ OS_REFUNDS, "refunds", "refund", VCOLS(refund_vcols), NULL, "refund_id", NULL, "at" },
	{ OS_APPEASEMENTS, "appeasements", "appeasement", VCOLS(appease_vcols), NULL,
	    "refund_id", NULL, "at" },
	{ OS_ADJUSTMENTS, "adjustments", "adjustment", VCOLS(adjust_vcols), NULL,
	    "refund_id", "code", "at" },
	{ OS_EXCHANGES, "exchanges", "exchange", VCOLS(exchange_vcols), "qty", "rma_id",
	    "status", "at" },
	{ OS_HOLDS, "holds", "hold", VCOLS(hold_vcols), NULL, "hold_type", NULL, "held_at" },
	{ OS_EVENTS, "events", "event", VCOLS(event_vcols), NULL, "seq", "type", "at" },
};
static const struct section customer_section = {
	OS_CUSTOMER, "customer", "customer", VCOLS(customer_vcols), NULL, "customer_id", NULL,
	NULL
};

/* The rows of the flat form. */
static const struct outcol row_cols[] = {
	{ "order_id", COL_TEXT }, { "record", COL_TEXT }, { "line_no", COL_NUM },
	{ "ref", COL_TEXT }, { "node_id", COL_TEXT }, { "qty", COL_NUM },
	{ "status", COL_TEXT }, { "at", COL_TEXT }, { "data", COL_RAWJSON },
};

struct view {
	struct store *st;
	FILE *out;
	int nested;
	const char *indent;	/* of the order document (nested) */
	struct writer w;
	struct buf rec;
	const char *order_id;
	const struct section *sec;
	long n;			/* records of the section so far */
	struct line_qty total;	/* the order's lines, for its status */
};

static int
vcol_find(const struct section *s, const char *name)
{
	for (int i = 0; name != NULL && i < s->ncols; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return i;
	return -1;
}

/* One record: vals[i] for the section's cols[i], NULL for null. */
static void
emit(struct view *v, const char *const *vals)
{
	const struct section *s = v->sec;
	char money[24];
	int i;

	buf_reset(&v->rec);
	buf_addc(&v->rec, '{');
	for (i = 0; i < s->ncols; i++) {
		const char *x = vals[i];

		if (i)
			buf_addc(&v->rec, ',');
		buf_add_json_string(&v->rec, s->cols[i].name, strlen(s->cols[i].name));
		buf_addc(&v->rec, ':');
		if (x == NULL) {
			buf_adds(&v->rec, "null");
			continue;
		}
		switch (s->cols[i].type) {
		case V_TEXT:
			buf_add_json_string(&v->rec, x, strlen(x));
			break;
		case V_MONEY:
			money_format(strtoll(x, NULL, 10), money);
			buf_adds(&v->rec, money);
			break;
		case V_BOOL:
			buf_adds(&v->rec, strcmp(x, "0") == 0 ? "false" : "true");
			break;
		default:
			buf_adds(&v->rec, x);
		}
	}
	buf_addc(&v->rec, '}');
	if (v->nested) {
		if (s->id == OS_ORDER || s->id == OS_CUSTOMER)
			fprintf(v->out, "%s  \"%s\": %s", v->indent, s->key, v->rec.s);
		else
			fprintf(v->out, "%s\n%s    %s", v->n ? "," : "", v->indent, v->rec.s);
	} else {
		const char *row[9];
		int k;

		row[0] = v->order_id;
		row[1] = s->record;
		row[2] = (k = vcol_find(s, "line_no")) >= 0 ? vals[k] : NULL;
		row[3] = (k = vcol_find(s, s->ref)) >= 0 ? vals[k] : NULL;
		row[4] = (k = vcol_find(s, "node_id")) >= 0 ? vals[k] : NULL;
		row[5] = (k = vcol_find(s, s->qty)) >= 0 ? vals[k] : NULL;
		row[6] = (k = vcol_find(s, s->status)) >= 0 ? vals[k] : NULL;
		row[7] = (k = vcol_find(s, s->at)) >= 0 ? vals[k] : NULL;
		row[8] = v->rec.s;
		writer_row(&v->w, row);
	}
	v->n++;
}

/*
 * The value of the record's field name: the store names each field as the
 * view prints it (store-order.h), so a field of a section's table that
 * the store does not give is a mistake in this file or the store's.
 */
static const char *
field(const struct order_record *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->name[i], name) == 0)
			return r->value[i];
	assert(!"a field of the view is not in the store's record");
	return NULL;
}

static int64_t
field_int(const struct order_record *r, const char *name)
{
	const char *v = field(r, name);

	return v ? strtoll(v, NULL, 10) : 0;
}

/* A line's counts (a record of OS_LINES). */
static void
record_qty(const struct order_record *r, struct line_qty *q)
{
	q->qty = field_int(r, "qty");
	q->backordered = field_int(r, "backordered");
	q->allocated = field_int(r, "allocated");
	q->routed = field_int(r, "routed");
	q->released = field_int(r, "released");
	q->shipped = field_int(r, "shipped");
	q->cancelled = field_int(r, "cancelled");
	q->returned = field_int(r, "returned");
}

static int
sum_row(void *p, const struct order_record *r)
{
	struct line_qty q, *t = p;

	record_qty(r, &q);
	t->qty += q.qty;
	t->backordered += q.backordered;
	t->allocated += q.allocated;
	t->routed += q.routed;
	t->released += q.released;
	t->shipped += q.shipped;
	t->cancelled += q.cancelled;
	t->returned += q.returned;
	return 0;
}

/*
 * A record in the order of the section's table: the order's status is of
 * its lines taken together, a line's status and open of its counts; the
 * rest is the store's.
 */
static int
view_row(void *p, const struct order_record *r)
{
	struct view *v = p;
	const struct section *s = v->sec;
	const char *vals[32];
	char open[24];
	struct line_qty q;

	if (s->id == OS_LINES) {
		record_qty(r, &q);
		snprintf(open, sizeof open, "%lld", (long long)line_open(&q));
	}
	for (int i = 0; i < s->ncols; i++) {
		const char *name = s->cols[i].name;

		if (s->id == OS_ORDER && strcmp(name, "status") == 0)
			vals[i] = line_status(&v->total);
		else if (s->id == OS_LINES && strcmp(name, "status") == 0)
			vals[i] = line_status(&q);
		else if (s->id == OS_LINES && strcmp(name, "open") == 0)
			vals[i] = open;
		else
			vals[i] = field(r, name);
	}
	emit(v, vals);
	return 0;
}

/* One order, nested or as rows.  0, or -1 after a store error. */
static int
view_order(struct view *v, const char *order_id)
{
	size_t i;

	v->order_id = order_id;
	memset(&v->total, 0, sizeof v->total);
	if (store_order_section(v->st, OS_LINES, order_id, sum_row, &v->total) != 0)
		return -1;
	if (v->nested)
		fprintf(v->out, "%s{\n", v->indent);
	for (i = 0; i < sizeof sections / sizeof *sections; i++) {
		v->sec = &sections[i];
		v->n = 0;
		if (v->nested && i > 0)
			fprintf(v->out, ",\n%s  \"%s\": [", v->indent, v->sec->key);
		if (store_order_section(v->st, v->sec->id, order_id, view_row, v) != 0)
			return -1;
		if (v->nested && i > 0 && v->n > 0)
			fprintf(v->out, "\n%s  ]", v->indent);
		else if (v->nested && i > 0)
			fputc(']', v->out);
	}
	if (v->nested)
		fprintf(v->out, "\n%s}", v->indent);
	return 0;
}

static void
view_init(struct view *v, struct store *st, int nested, int fmt, int safe_csv, FILE *out)
{
	memset(v, 0, sizeof *v);
	v->st = st;
	v->out = out;
	v->nested = nested;
	v->indent = "";
	if (!nested) {
		writer_init(&v->w, out, fmt, row_cols, 9);
		v->w.safe_csv = safe_csv;
	}
}

static void
view_finish(struct view *v)
{
	if (!v->nested)
		writer_finish(&v->w);
	buf_release(&v->rec);
}

static int
exists_row(void *p, const struct order_record *r)
{
	(void)r;
	*(int *)p = 1;
	return 0;
}

int
order_show(struct store *st, const char *order_id, int nested, int fmt, int safe_csv,
    FILE *out)
{
	struct view v;
	int found = 0, r;

	if (store_order_section(st, OS_ORDER, order_id, exists_row, &found) != 0)
		return store_status(st);
	if (!found) {
		diag_error("unknown order \"%s\"", quote_value(order_id));
		return EX_DATAERR;
	}
	view_init(&v, st, nested, fmt, safe_csv, out);
	r = view_order(&v, order_id);
	if (nested)
		fputc('\n', out);
	view_finish(&v);
	return r == 0 ? 0 : store_status(st);
}

struct id_list {
	char **v;
	int n;
};

static int
id_row(void *p, const struct order_record *r)
{
	struct id_list *l = p;

	l->v = xrealloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrdup(field(r, "order_id"));
	return 0;
}

int
order_customer(struct store *st, const char *customer_id, int nested, int fmt,
    int safe_csv, FILE *out)
{
	struct id_list orders = { NULL, 0 };
	struct view v;
	int found = 0, r = 0, i;

	if (store_order_section(st, OS_CUSTOMER, customer_id, exists_row, &found) != 0 ||
	    store_order_section(st, OS_CUSTOMER_ORDERS, customer_id, id_row, &orders) != 0) {
		r = store_status(st);
		goto out;
	}
	if (!found && orders.n == 0) {
		diag_error("unknown customer \"%s\"", quote_value(customer_id));
		r = EX_DATAERR;
		goto out;
	}
	view_init(&v, st, nested, fmt, safe_csv, out);
	v.sec = &customer_section;
	if (nested)
		fputs("{\n", out);
	if (found) {
		r = store_order_section(st, OS_CUSTOMER, customer_id, view_row, &v);
	} else {
		/* orders name a customer the store has no record of */
		const char *vals[6] = { customer_id, NULL, NULL, NULL, NULL, NULL };
		char balance[24];
		int64_t cents;

		if ((r = store_credit_balance(st, customer_id, &cents)) == 0) {
			snprintf(balance, sizeof balance, "%lld", (long long)cents);
			vals[5] = balance;
			emit(&v, vals);
		}
	}
	if (nested)
		fprintf(out, ",\n  \"orders\": [%s", orders.n ? "\n" : "");
	v.indent = "    ";
	for (i = 0; r == 0 && i < orders.n; i++) {
		if (nested && i > 0)
			fputs(",\n", out);
		r = view_order(&v, orders.v[i]);
	}
	if (nested)
		fprintf(out, "%s]\n}\n", orders.n ? "\n  " : "");
	view_finish(&v);
	if (r != 0)
		r = store_status(st);
out:
	for (i = 0; i < orders.n; i++)
		free(orders.v[i]);
	free(orders.v);
	return r;
}

/* --- store credit --------------------------------------------------------- */

static const struct outcol credit_cols[] = {
	{ "entry_id", COL_NUM }, { "at", COL_TEXT }, { "customer_id", COL_TEXT },
	{ "kind", COL_TEXT }, { "amount", COL_NUM }, { "balance", COL_NUM },
	{ "refund_id", COL_NUM }, { "order_id", COL_TEXT }, { "reason", COL_TEXT },
	{ "by", COL_TEXT },
};

struct credit_view {
	struct writer w;
	const char *customer_id;
	long n;
};

static int
credit_row(void *p, const struct credit_entry *e)
{
	struct credit_view *v = p;
	char id[24], amount[24], balance[24], refund[24];
	const char *row[10];

	snprintf(id, sizeof id, "%lld", (long long)e->entry_id);
	money_format(e->amount, amount);
	money_format(e->balance, balance);
	snprintf(refund, sizeof refund, "%lld", (long long)e->refund_id);
	row[0] = id;
	row[1] = e->at;
	row[2] = v->customer_id;
	row[3] = e->refund_id > 0 ? "credit" : "spend";
	row[4] = amount;
	row[5] = balance;
	row[6] = e->refund_id > 0 ? refund : NULL;
	row[7] = e->refund_id > 0 ? e->order_id : e->order_ref;
	row[8] = e->reason;
	row[9] = e->by;
	writer_row(&v->w, row);
	v->n++;
	return 0;
}

static int
count_entry(void *p, const struct credit_entry *e)
{
	(void)e;
	(*(long *)p)++;
	return 0;
}

int
order_credit(struct store *st, const char *customer_id, int fmt, int safe_csv, FILE *out)
{
	struct credit_view v;
	struct id_list orders = { NULL, 0 };
	long entries = 0;
	int found = 0, r = 0, i;

	/* a customer the store knows of: a record, orders, or a ledger */
	if (store_order_section(st, OS_CUSTOMER, customer_id, exists_row, &found) != 0 ||
	    store_order_section(st, OS_CUSTOMER_ORDERS, customer_id, id_row, &orders) != 0 ||
	    (!found && orders.n == 0 &&
	    store_credit_entries(st, customer_id, count_entry, &entries) != 0)) {
		r = store_status(st);
		goto out;
	}
	if (!found && orders.n == 0 && entries == 0) {
		diag_error("unknown customer \"%s\"", quote_value(customer_id));
		r = EX_DATAERR;
		goto out;
	}
	memset(&v, 0, sizeof v);
	v.customer_id = customer_id;
	writer_init(&v.w, out, fmt, credit_cols, 10);
	v.w.safe_csv = safe_csv;
	if (store_credit_entries(st, customer_id, credit_row, &v) != 0)
		r = store_status(st);
	else
		writer_finish(&v.w);
out:
	for (i = 0; i < orders.n; i++)
		free(orders.v[i]);
	free(orders.v);
	return r;
}
