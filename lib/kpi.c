/*
 * kpi: streams from the store, each one pass over a table in key order
 * (orders, order lines, the routing costs of what shipped, the releases
 * that shipped, refunds), joined in memory on the order, then summed per
 * channel.  Definitions: oms-report(1), the kpi view.
 *
 * The orders are held sorted by id.  The other streams come by order id
 * too, so an order is looked up from where the stream's last one was
 * found: usually the same order or the next few, a merge rather than a
 * search of the whole table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "parse.h"
#include "returns.h"
#include "util.h"
#include "store-scan.h"

const struct outcol kpi_cols[KPI_NCOLS] = {
	{ "channel", COL_TEXT }, { "orders", COL_NUM }, { "lines", COL_NUM },
	{ "units", COL_NUM }, { "shipped_units", COL_NUM }, { "order_fill_rate", COL_NUM },
	{ "line_fill_rate", COL_NUM }, { "shipments_per_order", COL_NUM },
	{ "avg_ship_cost", COL_NUM }, { "on_time_rate", COL_NUM },
	{ "backorder_rate", COL_NUM }, { "return_rate", COL_NUM }, { "revenue", COL_NUM },
	{ "refund_share", COL_NUM }, { "appeasement_share", COL_NUM },
	{ "adjustment_share", COL_NUM },
};

struct kline {
	int64_t line_no, qty, shipped, cancelled, returned, unit_price, discount;
	int backordered;		/* ever (order_line.ever_backordered), or now */
};

struct korder {
	int chan;			/* -1: created outside the range or channel */
	char promise[11];		/* "" none */
	int64_t shipping_charge;
	size_t line0, nlines;
	int64_t shipments, promised, on_time;
	int64_t cost;			/* cents: routing to where it shipped from */
	int64_t refunds, appeasements, adjustments;
};

/* Strings kept one after another in one buffer, string i at ids.s + off[i]. */
struct ids {
	struct buf ids;
	size_t *off;
	size_t n, capoff;
};

#define ID(x, i) ((x)->ids.s + (x)->off[i])

static void
ids_add(struct ids *x, const char *s)
{
	if (x->n == x->capoff) {
		x->capoff = x->capoff ? x->capoff * 2 : 1024;
		x->off = xrealloc(x->off, x->capoff * sizeof *x->off);
	}
	x->off[x->n++] = x->ids.len;
	buf_add(&x->ids, s, strlen(s) + 1);
}

static void
ids_release(struct ids *x)
{
	buf_release(&x->ids);
	free(x->off);
}

/*
 * The index + 1 of id in the sorted x (0: not there), searched from *at
 * (where the last id of this stream was), which moves to where id is or
 * would be: galloping forward, or back, then halving.
 */
static size_t
ids_seek(const struct ids *x, size_t *at, const char *id)
{
	size_t lo, hi, step;
	int r;

	if (x->n == 0 || id == NULL)
		return 0;
	if (*at >= x->n)
		*at = x->n - 1;
	if ((r = strcmp(id, ID(x, *at))) == 0)
		return *at + 1;
	/* the first string >= id lies in [lo, hi] */
	if (r > 0) {
		lo = *at + 1;
		for (step = 1;; step *= 2) {
			hi = *at + step;
			if (hi >= x->n) {
				hi = x->n;
				break;
			}
			if ((r = strcmp(id, ID(x, hi))) <= 0)
				break;
			lo = hi + 1;
		}
	} else {
		hi = *at;
		for (step = 1;; step *= 2) {
			if (step > hi) {
				lo = 0;
				break;
			}
			lo = hi - step;
			if ((r = strcmp(id, ID(x, lo))) > 0) {
				lo++;
				break;
			}
			hi = lo;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ID(x, mid), id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo < x->n ? lo : x->n - 1;
	return lo < x->n && strcmp(ID(x, lo), id) == 0 ? lo + 1 : 0;
}

struct kctx {
	const char *first, *last;	/* the range, NULL: unbounded */
	const struct strv *channels;	/* NULL or empty: every channel */
	struct ids order_ix;		/* sorted: the orders in key order */
	struct strmap chan_ix;		/* values: index + 1 */
	char **chans;
	int nchans;
	struct korder *o;
	size_t no, co;
	struct kline *l;
	size_t nl, cl;
	/* where each stream found its last order */
	size_t at_line, at_route, at_rel, at_refund;
	size_t line_order;		/* the lines' order's index + 1 */
};

#define GROW(p, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 1024; \
		(p) = xrealloc((p), (cap) * sizeof *(p)); \
	} \
} while (0)

static size_t
map_index(const struct strmap *m, const char *key)
{
	void *v;

	return key && strmap_get(m, key, &v) ? (size_t)(uintptr_t)v : 0;
}

static int
intern_chan(struct kctx *c, const char *name)
{
	size_t i = map_index(&c->chan_ix, name);

	if (i)
		return (int)i - 1;
	c->chans = xrealloc(c->chans, (size_t)(c->nchans + 1) * sizeof *c->chans);
	c->chans[c->nchans] = xstrdup(name);
	strmap_put(&c->chan_ix, name, (void *)(uintptr_t)(c->nchans + 1));
	return c->nchans++;
}

/* The first size - 1 bytes of s (NULL: "") into dst. */
static void
copy_cut(char *dst, size_t size, const char *s)
{
	size_t n = s ? strnlen(s, size - 1) : 0;

	memcpy(dst, s ? s : "", n);
	dst[n] = '\0';
}

/* The order's index + 1 when it counts (created in the range), else 0. */
static size_t
counted(const struct kctx *c, size_t oi)
{
	return oi != 0 && c->o[oi - 1].chan >= 0 ? oi : 0;
}

/* Every order, by id: those created outside the range are kept but marked. */
static int
order_row(void *p, const struct order_fact *row)
{
	struct kctx *c = p;
	const char *chan = row->channel, *promise = row->promise_date;
	const char *created = row->created_at;
	struct korder *o;

	GROW(c->o, c->no, c->co);
	o = &c->o[c->no++];
	memset(o, 0, sizeof *o);
	/* as SQL compares text: byte by byte, NULL never in a range */
	if ((c->first == NULL || (created != NULL && strcmp(created, c->first) >= 0)) &&
	    (c->last == NULL || (created != NULL && strcmp(created, c->last) <= 0)) &&
	    (c->channels == NULL || c->channels->n == 0 || strv_has(c->channels, chan)))
		o->chan = intern_chan(c, chan);
	else
		o->chan = -1;
	copy_cut(o->promise, sizeof o->promise, promise);
	o->shipping_charge = row->shipping_charge;
	ids_add(&c->order_ix, row->order_id);
	return 0;
}

/*
 * Lines come by order: look the order up when the id changes.  Those of
 * the orders in the range are kept.
 */
static int
line_row(void *p, const struct line_fact *row)
{
	struct kctx *c = p;
	const char *id = row->order_id;
	struct korder *o;
	struct kline *l;

	if (c->line_order == 0 || id == NULL ||
	    strcmp(ID(&c->order_ix, c->line_order - 1), id) != 0) {
		c->line_order = ids_seek(&c->order_ix, &c->at_line, id);
		if (c->line_order != 0)
			c->o[c->line_order - 1].line0 = c->nl;
	}
	o = c->line_order ? &c->o[c->line_order - 1] : NULL;
	if (o == NULL || o->chan < 0)
		return 0;
	GROW(c->l, c->nl, c->cl);
	l = &c->l[c->nl++];
	o->nlines++;
	l->line_no = row->line_no;
	l->qty = row->qty;
	l->shipped = row->shipped;
	l->cancelled = row->cancelled;
	l->returned = row->returned;
	l->backordered = row->backordered > 0 || row->ever_backordered != 0;
	l->unit_price = row->unit_price;
	l->discount = row->discount;
	return 0;
}

/* The end of the JSON string whose opening quote is at s: its closing quote. */
static const char *
json_string_end(const char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return s;
}


/*
 * The values of keys[0..n) in a flat JSON object (the payloads oms
 * writes), in one pass: out[i].v NULL when keys[i] is not there.
 */
void
json_fields(const char *s, const char *const *keys, int n, struct span *out)
{
	const char *k, *v, *e;
	int i, found = 0;

	for (i = 0; i < n; i++)
		out[i].v = NULL;
	if (s == NULL || (s = strchr(s, '{')) == NULL)
		return;
	for (s++;;) {
		while (*s == ' ' || *s == ',' || *s == '\n' || *s == '\t' || *s == '\r')
			s++;
		if (*s != '"')
			return;
		k = s + 1;
		e = json_string_end(s);
		if (*e != '"')
			return;
		v = e + 1;
		while (*v == ' ' || *v == ':')
			v++;
		if (*v == '"')
			s = json_string_end(v) + (*json_string_end(v) == '"');
		else if (*v == '{' || *v == '[')
			return;	/* not a flat object: not one of ours */
		else
			for (s = v; *s && *s != ',' && *s != '}'; s++)
				;
		for (i = 0; i < n; i++)
			if (out[i].v == NULL && *k == *keys[i] &&
			    strncmp(k, keys[i], (size_t)(e - k)) == 0 && keys[i][e - k] == '\0') {
				out[i].v = v;
				out[i].n = (size_t)(s - v);
				if (++found == n)
					return;
			}
		if (*s != ',')
			return;
	}
}


/*
 * The routing costs of the lines at the nodes they shipped from
 * (line_node), by order_id, line_no, node_id.
 */
static int
route_row(void *p, const struct route_cost *row)
{
	struct kctx *c = p;
	size_t oi = counted(c, ids_seek(&c->order_ix, &c->at_route, row->order_id));

	if (oi != 0)
		c->o[oi - 1].cost += row->cost_cents;
	return 0;
}

/*
 * A shipment: a release that shipped something, its ship time and the
 * transit days of its band, and when it was delivered.  On time when it
 * is delivered by the promise day: the day it was delivered where that
 * is known, else the day it shipped plus the transit days, against the
 * promise (a delivery date).  One whose delivery day cannot be told is
 * not counted either way.
 */
static int
shipment_row(void *p, const struct shipped_release *row)
{
	struct kctx *c = p;
	size_t oi = counted(c, ids_seek(&c->order_ix, &c->at_rel, row->order_id));
	const char *at = row->shipped_at;
	struct korder *o;
	int64_t shipped, delivered, promise;

	if (oi == 0)
		return 0;
	o = &c->o[oi - 1];
	o->shipments++;
	if (!o->promise[0] || (!row->transit_known && row->delivered_at == NULL))
		return 0;
	promise = date_days(o->promise);
	if (row->delivered_at != NULL) {
		delivered = date_days(row->delivered_at);
	} else {
		shipped = date_days(at);
		delivered = shipped == INT64_MAX ? INT64_MAX : shipped + row->transit_days;
	}
	if (delivered == INT64_MAX || promise == INT64_MAX)
		return 0;	/* not dates: edited by hand */
	o->promised++;
	if (delivered <= promise)
		o->on_time++;
	return 0;
}

static int
refund_row(void *p, const struct refund_total *row)
{
	struct kctx *c = p;
	size_t oi = counted(c, ids_seek(&c->order_ix, &c->at_refund, row->order_id));

	if (oi == 0)
		return 0;
	if (row->kind == 1)
		c->o[oi - 1].appeasements += row->amount;
	else if (row->kind == 2)
		c->o[oi - 1].adjustments += row->amount;
	else
		c->o[oi - 1].refunds += row->amount;
	return 0;
}

/* Add order o to row t. */
static void
tally(struct kctx *c, const struct korder *o, struct kpi_row *t)
{
	int64_t demand_lines = 0, filled = 0, shipped = 0;
	int backordered = 0;

	t->orders++;
	for (size_t i = 0; i < o->nlines; i++) {
		const struct kline *l = &c->l[o->line0 + i];
		int64_t demand = l->qty - l->cancelled;

		t->lines++;
		t->units += l->qty;
		t->shipped_units += l->shipped;
		t->returned_units += l->returned;
		shipped += l->shipped;
		backordered |= l->backordered;
		/* as oms-return counts what was paid, to the cent */
		t->revenue += (double)returns_merchandise(l->qty, l->unit_price, l->discount, 0,
		    l->shipped);
		if (demand <= 0)
			continue;
		demand_lines++;
		if (l->shipped >= demand && !l->backordered)
			filled++;
	}
	if (shipped > 0)
		t->revenue += (double)o->shipping_charge;
	t->demand_lines += demand_lines;
	t->filled_lines += filled;
	if (demand_lines > 0) {
		t->demand_orders++;
		if (filled == demand_lines && !backordered)
			t->filled_orders++;
	}
	t->backordered_orders += backordered;
	if (o->shipments > 0) {
		t->shipped_orders++;
		t->shipments += o->shipments;
		t->ship_cost += o->cost;
	}
	t->promised_shipments += o->promised;
	t->on_time_shipments += o->on_time;
	t->refunds += o->refunds;
	t->appeasements += o->appeasements;
	t->adjustments += o->adjustments;
}

static int
cmp_row(const void *a, const void *b)
{
	return strcmp(((const struct kpi_row *)a)->channel, ((const struct kpi_row *)b)->channel);
}

static void
kctx_release(struct kctx *c)
{
	ids_release(&c->order_ix);
	strmap_release(&c->chan_ix, NULL);
	for (int i = 0; i < c->nchans; i++)
		free(c->chans[i]);
	free(c->chans);
	free(c->o);
	free(c->l);
}

int
kpi_compute(struct store *st, const char *from, const char *to,
    const struct strv *channels, struct kpi_table *t)
{
	struct kctx c;
	char first[21], last[21];
	int ret = -1;

	memset(&c, 0, sizeof c);
	memset(t, 0, sizeof *t);
	/* whole days: from its first second, to its last */
	if (from != NULL)
		snprintf(first, sizeof first, "%.10sT00:00:00Z", from);
	if (to != NULL)
		snprintf(last, sizeof last, "%.10sT23:59:59Z", to);
	c.first = from ? first : NULL;
	c.last = to ? last : NULL;
	c.channels = channels;
	if (store_orders_scan(st, order_row, &c) != 0 ||
	    store_lines_scan(st, line_row, &c) != 0 ||
	    store_route_costs(st, route_row, &c) != 0 ||
	    store_shipped_releases(st, shipment_row, &c) != 0 ||
	    store_refund_totals(st, refund_row, &c) != 0)
		goto out;

	t->n = c.nchans + 1;
	t->rows = xcalloc((size_t)t->n, sizeof *t->rows);
	for (int i = 0; i < c.nchans; i++)
		t->rows[i].channel = xstrdup(c.chans[i]);
	t->rows[c.nchans].channel = xstrdup("all");
	for (size_t i = 0; i < c.no; i++) {
		if (c.o[i].chan < 0)
			continue;
		tally(&c, &c.o[i], &t->rows[c.o[i].chan]);
		tally(&c, &c.o[i], &t->rows[c.nchans]);
	}
	if (c.nchans > 1)
		qsort(t->rows, (size_t)c.nchans, sizeof *t->rows, cmp_row);
	ret = 0;
out:
	kctx_release(&c);
	return ret;
}

void
kpi_table_release(struct kpi_table *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->rows[i].channel);
	free(t->rows);
	memset(t, 0, sizeof *t);
}

static const char *
rate(char *f, double num, double den)
{
	if (den <= 0)
		return "";
	snprintf(f, 32, "%.4f", num / den);
	return f;
}

static const char *
count(char *f, int64_t v)
{
	snprintf(f, 32, "%lld", (long long)v);
	return f;
}

void
kpi_format(const struct kpi_row *r, char f[KPI_NCOLS][32], const char *vals[KPI_NCOLS])
{
	double revenue = r->revenue;

	vals[0] = r->channel;
	vals[1] = count(f[1], r->orders);
	vals[2] = count(f[2], r->lines);
	vals[3] = count(f[3], r->units);
	vals[4] = count(f[4], r->shipped_units);
	vals[5] = rate(f[5], (double)r->filled_orders, (double)r->demand_orders);
	vals[6] = rate(f[6], (double)r->filled_lines, (double)r->demand_lines);
	vals[7] = rate(f[7], (double)r->shipments, (double)r->shipped_orders);
	if (r->shipped_orders > 0) {
		snprintf(f[8], 32, "%.2f", (double)r->ship_cost / 100 / (double)r->shipped_orders);
		vals[8] = f[8];
	} else
		vals[8] = "";
	vals[9] = rate(f[9], (double)r->on_time_shipments, (double)r->promised_shipments);
	vals[10] = rate(f[10], (double)r->backordered_orders, (double)r->orders);
	vals[11] = rate(f[11], (double)r->returned_units, (double)r->shipped_units);
	snprintf(f[12], 32, "%.2f", revenue / 100);
	vals[12] = f[12];
	vals[13] = rate(f[13], (double)r->refunds, revenue);
	vals[14] = rate(f[14], (double)r->appeasements, revenue);
	vals[15] = rate(f[15], (double)r->adjustments, revenue);
}

int
kpi_report(struct store *st, const struct kpi_opts *o, enum outfmt fmt, int safe_csv,
    FILE *fp)
{
	struct kpi_table t;
	struct writer w;

	if (kpi_compute(st, o->from, o->to, o->channels, &t) != 0)
		return store_status(st);
	writer_init(&w, fp, fmt, kpi_cols, KPI_NCOLS);
	w.safe_csv = safe_csv;
	for (int i = 0; i < t.n; i++) {
		char f[KPI_NCOLS][32];
		const char *vals[KPI_NCOLS];

		kpi_format(&t.rows[i], f, vals);
		writer_row(&w, vals);
	}
	writer_finish(&w);
	kpi_table_release(&t);
	return 0;
}
