/*
 * kpi: streams from the store, each one pass over a table in key order
 * (orders, order lines, allocation and routing events, ship times and
 * shipped release lines by release, refunds), joined in memory on the
 * order, then summed per channel.  Definitions: oms-report(1), the kpi
 * view.
 *
 * The orders are held sorted by id.  The other streams come by order id
 * (the lines, the refunds) or nearly so (the events of a type, the
 * release lines), so an order is looked up from where the stream's last
 * one was found: usually the same order or the next few, a merge rather
 * than a search of the whole table.
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
	int chan;			/* -1: created outside the range or channel */
	char promise[11];		/* "" none */
	char created[21];		/* created_at */
	int64_t shipping_charge;
	size_t line0, nlines, route0, nroutes;
	int64_t shipments, promised, on_time;
	double cost;
	int64_t refunds, appeasements;
};

/*
 * Strings kept one after another in one buffer, string i at ids.s +
 * off[i]; with slot, open addressing over them: a slot holds the upper
 * half of the string's hash and its index + 1 (0: empty).
 */
struct ids {
	struct buf ids;
	size_t *off;
	size_t n, capoff;
	uint64_t *slot;
	size_t cap;
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

/* Put string k into the slots (which have room). */
static void
ids_slot(struct ids *x, size_t k, uint64_t h)
{
	size_t i = (size_t)h & (x->cap - 1);

	while (x->slot[i] != 0)
		i = (i + 1) & (x->cap - 1);
	x->slot[i] = (h & UINT64_C(0xffffffff00000000)) | (uint64_t)(k + 1);
}

/* The index + 1 of s, 0 when not there. */
static size_t
ids_get(const struct ids *x, const char *s, uint64_t h)
{
	size_t i;

	if (x->cap == 0)
		return 0;
	for (i = (size_t)h & (x->cap - 1); x->slot[i] != 0; i = (i + 1) & (x->cap - 1))
		if ((x->slot[i] >> 32) == (h >> 32) &&
		    strcmp(ID(x, (uint32_t)x->slot[i] - 1), s) == 0)
			return (uint32_t)x->slot[i];
	return 0;
}

/* The index of s, added when new (*added set). */
static size_t
ids_intern(struct ids *x, const char *s, int *added)
{
	uint64_t h = fnv1a(FNV_INIT, s, strlen(s));
	size_t i = ids_get(x, s, h);

	*added = i == 0;
	if (i != 0)
		return i - 1;
	if (2 * (x->n + 1) > x->cap) {
		free(x->slot);
		x->cap = x->cap ? 2 * x->cap : 1024;
		x->slot = xcalloc(x->cap, sizeof *x->slot);
		for (size_t k = 0; k < x->n; k++)
			ids_slot(x, k, fnv1a(FNV_INIT, ID(x, k), strlen(ID(x, k))));
	}
	ids_add(x, s);
	ids_slot(x, x->n - 1, h);
	return x->n - 1;
}

static void
ids_release(struct ids *x)
{
	buf_release(&x->ids);
	free(x->off);
	free(x->slot);
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

/* A release's ship time, from the confirmations (in the order of c->rels). */
struct kship {
	char at[21];
};

struct kctx {
	struct store *st;
	const char *first, *last, *channel;	/* the range, NULL: unbounded */
	kpi_line_fn line_fn;
	void *line_ctx;
	struct ids order_ix;		/* sorted: the orders in key order */
	struct strmap chan_ix;		/* values: index + 1 */
	struct ids node_ix;
	char **chans;
	int nchans;
	struct korder *o;
	size_t no, co;
	struct kline *l;
	size_t nl, cl;
	struct kroute *r;
	size_t nr, cr;
	struct ids rels;		/* the releases with a ship time */
	size_t last_rel;		/* the last one read */
	struct kship *ship;
	size_t cship;
	struct buf rel;			/* the release being read */
	size_t rel_order;		/* its order's index + 1; 0 outside */
	int rel_node;			/* its node, -1 not read yet */
	/* where each stream found its last order */
	size_t at_line, at_event, at_rel, at_refund;
	size_t line_order;		/* the lines' order's index + 1 */
	struct buf node;		/* the last routing event's node */
	int node_i;			/* its index */
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
order_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	const char *chan = store_col_text(row, 1), *promise = store_col_text(row, 2);
	const char *created = store_col_text(row, 4);
	struct korder *o;

	GROW(c->o, c->no, c->co);
	o = &c->o[c->no++];
	memset(o, 0, sizeof *o);
	/* as SQL compares text: byte by byte, NULL never in a range */
	if ((c->first == NULL || (created != NULL && strcmp(created, c->first) >= 0)) &&
	    (c->last == NULL || (created != NULL && strcmp(created, c->last) <= 0)) &&
	    (c->channel == NULL || (chan != NULL && strcmp(chan, c->channel) == 0)))
		o->chan = intern_chan(c, chan);
	else
		o->chan = -1;
	copy_cut(o->promise, sizeof o->promise, promise);
	copy_cut(o->created, sizeof o->created, created);
	o->shipping_charge = store_col_int(row, 3);
	ids_add(&c->order_ix, store_col_text(row, 0));
	return 0;
}

/*
 * Lines come by order: look the order up when the id changes.  Every
 * line goes to c->line_fn; those of the orders in the range are kept.
 */
static int
line_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	const char *id = store_col_text(row, 0);
	struct korder *o;
	struct kline *l;

	if (c->line_order == 0 || id == NULL ||
	    strcmp(ID(&c->order_ix, c->line_order - 1), id) != 0) {
		c->line_order = ids_seek(&c->order_ix, &c->at_line, id);
		if (c->line_order != 0)
			c->o[c->line_order - 1].line0 = c->nl;
	}
	o = c->line_order ? &c->o[c->line_order - 1] : NULL;
	if (c->line_fn != NULL) {
		struct kpi_line kl;

		kl.order_id = id;
		kl.created_at = o ? o->created : NULL;
		kl.sku = store_col_text(row, 9);
		kl.line_no = store_col_int(row, 1);
		kl.qty = store_col_int(row, 2);
		kl.cancelled = store_col_int(row, 4);
		kl.backordered = store_col_int(row, 6);
		if (c->line_fn(c->line_ctx, &kl) != 0)
			return -1;
	}
	if (o == NULL || o->chan < 0)
		return 0;
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


/*
 * A number value: 1 and *out, or 0.  A plain decimal of up to 15 digits
 * (what oms writes) is the integer of its digits over a power of ten,
 * which IEEE division rounds exactly as strtod does; anything else goes
 * to strtod.
 */
static int
span_num(const struct span *sp, double *out)
{
	static const double p10[16] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
		1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *s;
	int64_t m = 0;
	int digits = 0, frac = -1;

	if (sp->v == NULL || sp->n == 0 || *sp->v == '"' || *sp->v == 'n')
		return 0;
	for (s = sp->v + (*sp->v == '-'); ; s++)
		if (*s >= '0' && *s <= '9') {
			m = m * 10 + (*s - '0');
			digits++;
			if (frac >= 0)
				frac++;
		} else if (*s == '.' && frac < 0)
			frac = 0;
		else
			break;
	if (digits == 0 || digits > 15 || frac == 0 || (*s != ',' && *s != '}' && *s != ' '))
		*out = strtod(sp->v, NULL);
	else {
		*out = frac > 0 ? (double)m / p10[frac] : (double)m;
		if (*sp->v == '-')
			*out = -*out;
	}
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

/* The node of a routing event into c->node and c->node_i: 0, or -1 when none. */
static int
event_node(struct kctx *c, const char *payload, const struct span *sp)
{
	int added;

	/* routing events come by order: the node is often the last one's */
	if (c->node_i >= 0 && sp->v != NULL && sp->n == c->node.len + 2 &&
	    *sp->v == '"' && memcmp(sp->v + 1, c->node.s, c->node.len) == 0)
		return 0;
	if (span_text(payload, "node_id", sp, &c->node) != 0) {
		c->node_i = -1;
		return -1;
	}
	c->node_i = (int)ids_intern(&c->node_ix, c->node.s, &added);
	return 0;
}

static int
event_row(void *p, const struct store_row *row)
{
	static const char *const keys[] = { "line_no", "backordered", "node_id", "cost" };
	struct kctx *c = p;
	size_t oi = counted(c, ids_seek(&c->order_ix, &c->at_event, store_col_text(row, 0)));
	const char *payload;
	struct span f[4];
	double line_no, back, cost;
	struct kline *l;

	if (oi == 0)
		return 0;	/* an order outside the range */
	payload = store_col_text(row, 2);
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
	if (event_node(c, payload, &f[2]) != 0)
		return 0;
	GROW(c->r, c->nr, c->cr);
	c->r[c->nr].order = oi - 1;
	c->r[c->nr].line_no = (int64_t)line_no;
	c->r[c->nr].node = c->node_i;
	c->r[c->nr].cost = span_num(&f[3], &cost) ? cost : 0;
	c->r[c->nr].counted = 0;
	c->nr++;
	return 0;
}

/* Group the routes by order, each order's in the order read (a counting sort). */
static void
group_routes(struct kctx *c)
{
	struct kroute *r = xmalloc((c->nr ? c->nr : 1) * sizeof *r);
	size_t next = 0;

	for (size_t i = 0; i < c->nr; i++)
		c->o[c->r[i].order].nroutes++;
	for (size_t i = 0; i < c->no; i++) {
		c->o[i].route0 = next;
		next += c->o[i].nroutes;
		c->o[i].nroutes = 0;
	}
	for (size_t i = 0; i < c->nr; i++) {
		struct korder *o = &c->o[c->r[i].order];

		r[o->route0 + o->nroutes++] = c->r[i];
	}
	free(c->r);
	c->r = r;
	c->cr = c->nr;
}

static int
ship_time_row(void *p, const struct store_row *row)
{
	struct kctx *c = p;
	const char *rel = store_col_text(row, 0), *at = store_col_text(row, 1);
	size_t i;
	int added;

	if (rel == NULL)
		return 0;
	/* the lines of a release are often confirmed together */
	if (c->rels.n > 0 && strcmp(ID(&c->rels, c->last_rel), rel) == 0)
		i = c->last_rel, added = 0;
	else
		c->last_rel = i = ids_intern(&c->rels, rel, &added);
	if (added) {
		if (i >= c->cship) {
			c->cship = c->cship ? 2 * c->cship : 1024;
			c->ship = xrealloc(c->ship, c->cship * sizeof *c->ship);
		}
		c->ship[i].at[0] = '\0';
	}
	/* the latest */
	if (at && strcmp(at, c->ship[i].at) > 0)
		copy_cut(c->ship[i].at, sizeof c->ship[i].at, at);
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
	if ((i = ids_get(&c->rels, c->rel.s, fnv1a(FNV_INIT, c->rel.s, c->rel.len))) != 0)
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

		c->rel_node = rc == 1 ? (int)ids_get(&c->node_ix, node.s,
		    fnv1a(FNV_INIT, node.s, node.len)) - 1 : -2;
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

/*
 * The index + 1 of order id (0: none) for the release lines: they come by
 * release, their orders far apart, so looked up by hash rather than by
 * seeking from the last one.
 */
static size_t
order_get(struct kctx *c, const char *id)
{
	struct ids *x = &c->order_ix;
	size_t i;

	if (id == NULL)
		return 0;
	if (c->at_rel < x->n && strcmp(ID(x, c->at_rel), id) == 0)
		return c->at_rel + 1;
	if (x->cap == 0 && x->n > 0) {
		for (x->cap = 1024; x->cap < 2 * x->n; x->cap *= 2)
			;
		x->slot = xcalloc(x->cap, sizeof *x->slot);
		for (size_t k = 0; k < x->n; k++)
			ids_slot(x, k, fnv1a(FNV_INIT, ID(x, k), strlen(ID(x, k))));
	}
	if ((i = ids_get(x, id, fnv1a(FNV_INIT, id, strlen(id)))) != 0)
		c->at_rel = i - 1;
	return i;
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
		c->rel_order = counted(c, order_get(c, store_col_text(row, 1)));
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
	size_t oi = counted(c, ids_seek(&c->order_ix, &c->at_refund, store_col_text(row, 0)));

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
	ids_release(&c->order_ix);
	strmap_release(&c->chan_ix, NULL);
	ids_release(&c->node_ix);
	for (int i = 0; i < c->nchans; i++)
		free(c->chans[i]);
	free(c->chans);
	free(c->o);
	free(c->l);
	free(c->r);
	ids_release(&c->rels);
	free(c->ship);
	buf_release(&c->rel);
	buf_release(&c->node);
}

int
kpi_compute(struct store *st, const char *from, const char *to, const char *channel,
    struct kpi_table *t)
{
	return kpi_compute_lines(st, from, to, channel, t, NULL, NULL);
}

int
kpi_compute_lines(struct store *st, const char *from, const char *to, const char *channel,
    struct kpi_table *t, kpi_line_fn fn, void *ctx)
{
	struct kctx c;
	char first[21], last[21];
	int ret = -1;

	memset(&c, 0, sizeof c);
	memset(t, 0, sizeof *t);
	c.st = st;
	c.line_fn = fn;
	c.line_ctx = ctx;
	c.node_i = -1;
	/* whole days: from its first second, to its last */
	if (from != NULL)
		snprintf(first, sizeof first, "%.10sT00:00:00Z", from);
	if (to != NULL)
		snprintf(last, sizeof last, "%.10sT23:59:59Z", to);
	c.first = from ? first : NULL;
	c.last = to ? last : NULL;
	c.channel = channel;
	if (store_kpi_orders(st, order_row, &c) != 0 ||
	    store_kpi_lines(st, line_row, &c) != 0 ||
	    store_kpi_events(st, event_row, &c) != 0)
		goto out;
	group_routes(&c);
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
