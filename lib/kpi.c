/*
 * kpi: streams from the store, each one pass over a table in key order
 * (orders in the range, order lines, allocation and routing events, ship
 * times and shipped release lines by release, refunds), joined in memory
 * on the order, then summed per channel.  Definitions: oms-report(1),
 * the kpi view.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kpi.h"
#include "parse.h"
#include "report.h"
#include "util.h"

const struct outcol kpi_cols[KPI_NCOLS] = {
	{ "channel", COL_TEXT }, { "orders", COL_NUM }, { "lines", COL_NUM },
	{ "units", COL_NUM }, { "shipped_units", COL_NUM }, { "order_fill_rate", COL_NUM },
	{ "line_fill_rate", COL_NUM }, { "split_rate", COL_NUM },
	{ "avg_ship_cost", COL_NUM }, { "on_time_rate", COL_NUM },
	{ "backorder_rate", COL_NUM }, { "return_rate", COL_NUM }, { "revenue", COL_NUM },
	{ "refund_share", COL_NUM }, { "appeasement_share", COL_NUM },
};

struct kline {
	int64_t line_no, qty, shipped, cancelled, returned, unit_price, discount;
	int backordered;		/* ever: an event said so, or it is now */
};

struct kroute {
	size_t order;
	int64_t line_no;
	int node;
	double cost;
	int counted;			/* already added to its order's cost */
};

struct korder {
	int chan;
	char promise[11];		/* "" none */
	int64_t shipping_charge;
	size_t line0, nlines, route0, nroutes;
	int64_t shipments, promised, on_time;
	double cost;
	int64_t refunds, appeasements;
};

/* A release's ship time, from the confirmations (ship_ix: by release_id). */
struct kship {
	char at[21];
};

/* A key looked up and its index + 1, to skip the lookup of a repeat. */
struct last {
	struct buf key;
	size_t ix;
};

/*
 * The orders by id, for the streams not in order_id order: open
 * addressing over the ids, kept one after another in one buffer; a slot
 * holds the upper half of the id's hash and the order's index + 1.
 */
struct oindex {
	uint64_t *slot;			/* 0: empty */
	size_t cap;
	struct buf ids;
	size_t *off;			/* order i's id: ids.s + off[i] */
	size_t n, capoff;
};

static void
oindex_add(struct oindex *x, const char *id)
{
	if (x->n == x->capoff) {
		x->capoff = x->capoff ? x->capoff * 2 : 1024;
		x->off = xrealloc(x->off, x->capoff * sizeof *x->off);
	}
	x->off[x->n++] = x->ids.len;
	buf_add(&x->ids, id, strlen(id) + 1);
}

/* Index the ids added, once they are all there. */
static void
oindex_build(struct oindex *x)
{
	x->cap = 64;
	while (x->cap < 2 * x->n)
		x->cap *= 2;
	x->slot = xcalloc(x->cap, sizeof *x->slot);
	for (size_t k = 0; k < x->n; k++) {
		const char *id = x->ids.s + x->off[k];
		uint64_t h = fnv1a(FNV_INIT, id, strlen(id));
		size_t i = (size_t)h & (x->cap - 1);

		while (x->slot[i] != 0) {
			if (strcmp(x->ids.s + x->off[(uint32_t)x->slot[i] - 1], id) == 0)
				break;	/* the same id twice: the first stays */
			i = (i + 1) & (x->cap - 1);
		}
		if (x->slot[i] == 0)
			x->slot[i] = (h & UINT64_C(0xffffffff00000000)) | (uint64_t)(k + 1);
	}
}

/* Order id's index + 1, 0 when not there. */
static size_t
oindex_get(const struct oindex *x, const char *id)
{
	uint64_t h;
	size_t i;

	if (x->cap == 0 || id == NULL)
		return 0;
	h = fnv1a(FNV_INIT, id, strlen(id));
	for (i = (size_t)h & (x->cap - 1); x->slot[i] != 0; i = (i + 1) & (x->cap - 1))
		if ((x->slot[i] >> 32) == (h >> 32) &&
		    strcmp(x->ids.s + x->off[(uint32_t)x->slot[i] - 1], id) == 0)
			return (uint32_t)x->slot[i];
	return 0;
}

static void
oindex_release(struct oindex *x)
{
	free(x->slot);
	free(x->off);
	buf_release(&x->ids);
}

struct kctx {
	struct store *st;
	struct oindex order_ix;
	struct strmap chan_ix, node_ix;	/* values: index + 1 */
	char **chans;
	int nchans;
	struct korder *o;
	size_t no, co;
	struct kline *l;
	size_t nl, cl;
	struct kroute *r;
	size_t nr, cr;
	struct kship *ship;
	size_t nship, cship;
	struct strmap ship_ix;		/* release_id: index + 1 in ship */
	struct buf rel;			/* the release being read */
	size_t rel_order;		/* its order's index + 1; 0 outside */
	int rel_node;			/* its node, -1 not read yet */
	/* the last key looked up per stream: rows come grouped by key */
	struct last last_line, last_event, last_rel_order, last_node;
	struct buf node;		/* scratch */
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

static size_t
cached_index(const struct oindex *m, struct last *l, const char *key)
{
	if (l->key.s != NULL && key != NULL && strcmp(l->key.s, key) == 0)
		return l->ix;
	buf_reset(&l->key);
	buf_adds(&l->key, key ? key : "");
	return l->ix = oindex_get(m, key);
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

static int
intern_node(struct kctx *c, const char *id)
{
	size_t i = map_index(&c->node_ix, id);

	if (i)
		return (int)i - 1;
	i = c->node_ix.len + 1;
	strmap_put(&c->node_ix, id, (void *)(uintptr_t)i);
	return (int)i - 1;
}

static int
order_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	const char *promise = store_col_text(row, 2);
	struct korder *o;

	GROW(c->o, c->no, c->co);
	o = &c->o[c->no++];
	memset(o, 0, sizeof *o);
	o->chan = intern_chan(c, store_col_text(row, 1));
	snprintf(o->promise, sizeof o->promise, "%.10s", promise ? promise : "");
	o->shipping_charge = store_col_int(row, 3);
	oindex_add(&c->order_ix, store_col_text(row, 0));
	return 0;
}

/* Lines come by order: look the order up when the id changes. */
static int
line_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	const char *id = store_col_text(row, 0);
	struct korder *o;
	struct kline *l;

	size_t oi = c->last_line.ix;

	if (c->last_line.key.s == NULL || strcmp(c->last_line.key.s, id) != 0) {
		if ((oi = cached_index(&c->order_ix, &c->last_line, id)) != 0)
			c->o[oi - 1].line0 = c->nl;
	}
	if (oi == 0)
		return 0;
	o = &c->o[oi - 1];
	GROW(c->l, c->nl, c->cl);
	l = &c->l[c->nl++];
	o->nlines++;
	l->line_no = store_col_int(row, 1);
	l->qty = store_col_int(row, 2);
	l->shipped = store_col_int(row, 3);
	l->cancelled = store_col_int(row, 4);
	l->returned = store_col_int(row, 5);
	l->backordered = store_col_int(row, 6) > 0;
	l->unit_price = store_col_int(row, 7);
	l->discount = store_col_int(row, 8);
	return 0;
}

static struct kline *
find_line(struct kctx *c, const struct korder *o, int64_t line_no)
{
	for (size_t i = 0; i < o->nlines; i++)
		if (c->l[o->line0 + i].line_no == line_no)
			return &c->l[o->line0 + i];
	return NULL;
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

/* A number value: 1 and *out, or 0. */
static int
span_num(const struct span *sp, double *out)
{
	if (sp->v == NULL || sp->n == 0 || *sp->v == '"' || *sp->v == 'n')
		return 0;
	*out = strtod(sp->v, NULL);
	return 1;
}

/* A string value into out: 0, or -1 when not one. */
static int
span_text(const char *payload, const char *key, const struct span *sp, struct buf *out)
{
	json_t *j, *f;

	if (sp->v == NULL || sp->n < 2 || *sp->v != '"')
		return -1;
	buf_reset(out);
	if (memchr(sp->v + 1, '\\', sp->n - 2) == NULL) {
		buf_add(out, sp->v + 1, sp->n - 2);
		return 0;
	}
	/* escapes: let jansson read the whole object */
	if ((j = json_loads(payload, 0, NULL)) == NULL)
		return -1;
	f = json_object_get(j, key);
	if (json_is_string(f))
		buf_adds(out, json_string_value(f));
	json_decref(j);
	return json_is_string(f) ? 0 : -1;
}

static int
event_row(void *p, const struct store_row *row)
{
	static const char *const keys[] = { "line_no", "backordered", "node_id", "cost" };
	struct kctx *c = p;
	size_t oi = cached_index(&c->order_ix, &c->last_event, store_col_text(row, 0));
	const char *payload = store_col_text(row, 2);
	struct span f[4];
	double line_no, back, cost;
	struct kline *l;

	if (oi == 0)
		return 0;	/* an order outside the range */
	/* an allocation event needs line_no and backordered only */
	json_fields(payload, keys, store_col_int(row, 1) ? 4 : 2, f);
	if (!span_num(&f[0], &line_no))
		return 0;
	if (!store_col_int(row, 1)) {
		if (span_num(&f[1], &back) && back > 0 &&
		    (l = find_line(c, &c->o[oi - 1], (int64_t)line_no)) != NULL)
			l->backordered = 1;
		return 0;
	}
	if (span_text(payload, "node_id", &f[2], &c->node) != 0)
		return 0;
	GROW(c->r, c->nr, c->cr);
	c->r[c->nr].order = oi - 1;
	c->r[c->nr].line_no = (int64_t)line_no;
	/* routing events come by order: the node is often the last one's */
	if (c->last_node.key.s == NULL || strcmp(c->last_node.key.s, c->node.s) != 0) {
		buf_reset(&c->last_node.key);
		buf_adds(&c->last_node.key, c->node.s);
		c->last_node.ix = (size_t)intern_node(c, c->node.s) + 1;
	}
	c->r[c->nr].node = (int)c->last_node.ix - 1;
	c->r[c->nr].cost = span_num(&f[3], &cost) ? cost : 0;
	c->r[c->nr].counted = 0;
	c->nr++;
	return 0;
}

static int
cmp_route(const void *a, const void *b)
{
	const struct kroute *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static int
ship_time_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	const char *rel = store_col_text(row, 0), *at = store_col_text(row, 1);
	size_t i = map_index(&c->ship_ix, rel);

	if (i == 0) {
		GROW(c->ship, c->nship, c->cship);
		c->ship[c->nship].at[0] = '\0';
		strmap_put(&c->ship_ix, rel, (void *)(uintptr_t)++c->nship);
		i = c->nship;
	}
	/* the latest */
	if (at && strcmp(at, c->ship[i - 1].at) > 0)
		snprintf(c->ship[i - 1].at, sizeof c->ship[i - 1].at, "%s", at);
	return 0;
}

/* Count the release just read as a shipment of its order. */
static void
release_end(struct kctx *c)
{
	struct korder *o;
	const char *at = "";
	size_t i;

	if (c->rel.s == NULL || c->rel_order == 0)
		return;
	o = &c->o[c->rel_order - 1];
	o->shipments++;
	if ((i = map_index(&c->ship_ix, c->rel.s)) != 0)
		at = c->ship[i - 1].at;
	if (o->promise[0] && at[0]) {
		o->promised++;
		/* shipped on or before the promise day */
		if (strncmp(at, o->promise, 10) <= 0)
			o->on_time++;
	}
}

/*
 * The routing cost of line_no's work at the release's node, once.  A line
 * routed to one node only shipped from there; only a line routed to
 * several needs the release's node, read then.
 */
static int
add_cost(struct kctx *c, struct korder *o, int64_t line_no)
{
	size_t i, first = SIZE_MAX;
	int several = 0;

	for (i = 0; i < o->nroutes; i++) {
		const struct kroute *r = &c->r[o->route0 + i];

		if (r->line_no != line_no)
			continue;
		if (first == SIZE_MAX)
			first = i;
		else if (r->node != c->r[o->route0 + first].node)
			several = 1;
	}
	if (first == SIZE_MAX)
		return 0;
	if (several && c->rel_node == -1) {
		struct buf node = BUF_INIT;
		int rc = store_kpi_release_node(c->st, c->rel.s, &node);

		c->rel_node = rc == 1 ? (int)map_index(&c->node_ix, node.s) - 1 : -2;
		buf_release(&node);
		if (rc < 0)
			return -1;
	}
	for (i = first; i < o->nroutes; i++) {
		struct kroute *r = &c->r[o->route0 + i];

		if (r->line_no != line_no || r->counted ||
		    (several && r->node != c->rel_node))
			continue;
		o->cost += r->cost;
		r->counted = 1;
	}
	return 0;
}

static int
shipped_line_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	const char *rel = store_col_text(row, 0);

	if (c->rel.s == NULL || strcmp(c->rel.s, rel) != 0) {
		release_end(c);
		buf_reset(&c->rel);
		buf_adds(&c->rel, rel);
		c->rel_order = cached_index(&c->order_ix, &c->last_rel_order,
		    store_col_text(row, 1));
		c->rel_node = -1;
	}
	if (c->rel_order == 0)
		return 0;
	return add_cost(c, &c->o[c->rel_order - 1], store_col_int(row, 2));
}

static int
refund_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	size_t oi = oindex_get(&c->order_ix, store_col_text(row, 0));

	if (oi == 0)
		return 0;
	if (store_col_int(row, 1))
		c->o[oi - 1].appeasements += store_col_int(row, 2);
	else
		c->o[oi - 1].refunds += store_col_int(row, 2);
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
		if (l->qty > 0)
			t->revenue += (double)l->shipped * (double)l->unit_price -
			    (double)l->discount * (double)l->shipped / (double)l->qty;
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
}

static int
cmp_row(const void *a, const void *b)
{
	return strcmp(((const struct kpi_row *)a)->channel, ((const struct kpi_row *)b)->channel);
}

static void
kctx_release(struct kctx *c)
{
	oindex_release(&c->order_ix);
	strmap_release(&c->chan_ix, NULL);
	strmap_release(&c->node_ix, NULL);
	for (int i = 0; i < c->nchans; i++)
		free(c->chans[i]);
	free(c->chans);
	free(c->o);
	free(c->l);
	free(c->r);
	strmap_release(&c->ship_ix, NULL);
	free(c->ship);
	buf_release(&c->rel);
	buf_release(&c->last_line.key);
	buf_release(&c->last_event.key);
	buf_release(&c->last_rel_order.key);
	buf_release(&c->last_node.key);
	buf_release(&c->node);
}

int
kpi_compute(struct store *st, const char *from, const char *to, const char *channel,
    struct kpi_table *t)
{
	struct kctx c;
	char first[21], last[21];
	int ret = -1;

	memset(&c, 0, sizeof c);
	memset(t, 0, sizeof *t);
	c.st = st;
	/* whole days: from its first second, to its last */
	if (from != NULL)
		snprintf(first, sizeof first, "%.10sT00:00:00Z", from);
	if (to != NULL)
		snprintf(last, sizeof last, "%.10sT23:59:59Z", to);
	if (store_kpi_orders(st, from ? first : NULL, to ? last : NULL, channel, order_row,
	    &c) != 0)
		goto out;
	oindex_build(&c.order_ix);
	if (store_kpi_lines(st, line_row, &c) != 0 ||
	    store_kpi_events(st, event_row, &c) != 0)
		goto out;
	if (c.nr > 0)
		qsort(c.r, c.nr, sizeof *c.r, cmp_route);
	for (size_t i = 0; i < c.nr; i++) {
		struct korder *o = &c.o[c.r[i].order];

		if (o->nroutes++ == 0)
			o->route0 = i;
	}
	if (store_kpi_ship_times(st, ship_time_row, &c) != 0)
		goto out;
	if (store_kpi_shipped_lines(st, shipped_line_row, &c) != 0)
		goto out;
	release_end(&c);
	if (store_kpi_refunds(st, refund_row, &c) != 0)
		goto out;

	t->n = c.nchans + 1;
	t->rows = xcalloc((size_t)t->n, sizeof *t->rows);
	for (int i = 0; i < c.nchans; i++)
		t->rows[i].channel = xstrdup(c.chans[i]);
	t->rows[c.nchans].channel = xstrdup("all");
	for (size_t i = 0; i < c.no; i++) {
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
		snprintf(f[8], 32, "%.2f", r->ship_cost / (double)r->shipped_orders);
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
}

int
kpi_report(struct store *st, const struct report_opts *o, FILE *fp)
{
	struct kpi_table t;
	struct writer w;

	if (kpi_compute(st, o->from, o->to, o->channel, &t) != 0)
		return store_status(st);
	writer_init(&w, fp, o->format, kpi_cols, KPI_NCOLS);
	w.safe_csv = o->safe_csv;
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
