/*
 * route-promise: oms-promise's decision (promise.h; oms-promise(1)).
 *
 * Availability is allocation's own: an allocator built as oms-allocate
 * builds it (nodes, stock net of safety stock and of what is reserved:
 * routed, released, live reservations), every allocation lines hold
 * today kept, the sourcing rules set, and each cart decided by
 * alloc_order as the next order in the order of service.  The node, the
 * cost and the dates are routing's: the cart is an order of the route
 * wing's network (route-int.h), priced by band_of and ship_cost; a cart
 * ships from the one node that holds all it gets when one does (the
 * cheapest, within the first tier that has it), else line by line, each
 * line's units where they add the least to the cart's cost (a node the
 * cart uses already: their weight; a new one: a shipment and the split
 * penalty), a node holding all of the line first.
 * Carts are answered in the order they come, each seeing the stock the
 * carts before it were promised.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "diag.h"
#include "input.h"
#include "jsonw.h"
#include "model.h"
#include "output.h"
#include "parse.h"
#include "promise.h"
#include "route-int.h"
#include "rows.h"
#include "sourcing.h"
#include "store-promise.h"
#include "store-scan.h"

/* More skus than this in the carts: the tables are read by plain scans. */
#define PROMISE_FEW_SKUS 500

/* A cart line as read. */
struct pline {
	char *cart_id, *sku, *channel, *method, *pickup_node, *postal, *country;
	int64_t line_no, qty, priority;
	double lat, lon;
	int has_ll, ship_complete;
	long cart, seq;		/* its cart's index (first seen), its place in the input */
};

/* A sku of the carts: its item and stock at every node, its open supply. */
struct psupply {
	char *supply_id, *expected_at;
	int node;
	int64_t open;
};
struct psku {
	const char *sku;
	int known;		/* an item */
	double w;
	int alone, vendor;	/* vendor: node index or -1 */
	int64_t price;		/* the item's unit_price, cents: a cart's value */
	int64_t *atp;		/* per node: free for routing (node_atp) */
	struct psupply *sup;	/* by expected_at, supply_id */
	int nsup, capsup;
};

static void name_one(struct buf *b, long *n, const char *name);

/* One row of the answer: a part of a line. */
struct part {
	int node;		/* -1: none */
	int64_t qty, available;
	int supply;		/* index into the sku's sup, -1: stock or none */
	double money;
	int64_t ship, deliver;	/* days; -1 none */
};

struct prun {
	struct store *st;
	const struct promise_opts *o;
	struct promise_counts *n;
	/* what a warning names: skus the store does not have, ship-tos it cannot place */
	struct buf unknown, unplaced;
	long nunknown, nunplaced;
	struct run r;		/* the route wing's network: nodes, rates */
	struct route_opts ropts;
	struct allocator *a;
	struct sourcing *src;	/* NULL: plain */
	int *src_node;		/* node index -> sourcing's, -1 */
	struct alloc_node_caps *caps;	/* per node */
	int ncaps, capcaps;
	long *cpd;		/* per node: capacity_per_day, 0 none */
	long *extra;		/* per node: releases promised past today's room */
	struct strmap skus;	/* sku -> struct psku */
	struct pline *lines;
	int nlines, caplines;
	struct strv sku_list;
	int64_t day;
	struct writer w;
	struct buf payload;
	struct srow *srows;	/* the stock read */
	int nsrows, capsrows;
	struct krow *krows;	/* the allocations kept */
	int nkrows, capkrows;
	struct buf prev_order;	/* line_row: the line before */
	int64_t prev_line;
};

static int
lookup_node(const struct prun *p, const char *id)
{
	void *v;

	if (id == NULL || !strmap_get(&p->r.net.node_ix, id, &v))
		return -1;
	return (int)(intptr_t)v;
}

/* --- reading the network ------------------------------------------------- */

static int
route_node_row(void *ctx, const struct shipping_node *x)
{
	struct prun *p = ctx;
	struct rnode *n = PUSH(p->r.net.nodes, p->r.net.nnodes, p->r.net.capnodes);

	memset(n, 0, sizeof *n);
	n->id = xstrdup(x->node_id);
	n->vendor = strcmp(x->type, "vendor") == 0;
	n->active = (int)x->active;
	n->ship = (int)x->can_ship;
	n->placed = x->place.located;
	n->lat = x->place.lat;
	n->lon = x->place.lon;
	place_xyz(n->lat, n->lon, n->xyz);
	n->handling = x->handling_cost;
	n->proc_days = (int)x->processing_days;
	n->cap = x->capacity_limited ? x->capacity_per_day - x->released_today : NOCAP;
	n->closed = x->capacity_limited && x->capacity_per_day == 0;
	if (n->cap < 0)
		n->cap = 0;
	strmap_put(&p->r.net.node_ix, n->id, (void *)(intptr_t)(p->r.net.nnodes - 1));
	p->cpd = xrealloc(p->cpd, (size_t)p->r.net.nnodes * sizeof *p->cpd);
	p->cpd[p->r.net.nnodes - 1] = x->capacity_limited ? (long)x->capacity_per_day : 0;
	return 0;
}

static int
alloc_node_row(void *ctx, const struct network_node *x)
{
	struct prun *p = ctx;
	struct alloc_node_caps caps = { strcmp(x->type, "vendor") == 0, (int)x->active,
		(int)x->can_ship, (int)x->can_pickup, (int)x->can_curbside,
		x->postal_key == NULL, x->ship_to_store != 0 };

	alloc_add_node(p->a, x->node_id, x->type, &caps, x->postal_key, x->country_key);
	if (p->ncaps == p->capcaps) {
		p->capcaps = p->capcaps ? 2 * p->capcaps : 64;
		p->caps = xrealloc(p->caps, (size_t)p->capcaps * sizeof *p->caps);
	}
	p->caps[p->ncaps++] = caps;
	return 0;
}

static int
rate_row(void *ctx, const struct rate_card_band *x)
{
	struct prun *p = ctx;
	struct rrate *t = PUSH(p->r.net.rates, p->r.net.nrates, p->r.net.caprates);

	t->max_km = x->max_km;
	t->base = x->base_cost;
	t->per_kg = x->per_kg;
	t->transit = (int)x->transit_days;
	rate_band_init(t);
	return 0;
}

static struct psku *
sku_of(const struct prun *p, const char *sku)
{
	void *v;

	return strmap_get(&p->skus, sku, &v) ? v : NULL;
}

static int
item_row(void *ctx, const struct item_shipping *x)
{
	struct prun *p = ctx;
	struct psku *k = sku_of(p, x->sku);

	if (k == NULL)
		return 0;
	k->known = 1;
	k->w = x->weight_kg;
	k->alone = (int)x->ship_alone;
	k->vendor = lookup_node(p, x->vendor_node);
	k->price = x->unit_price;
	return 0;
}

/*
 * The stock and the allocations kept, as read, applied to the allocator
 * once every line's work is known (apply_stock).
 */
struct srow {
	struct psku *k;
	int node;
	int64_t on_hand, safety, reserved;
};
struct krow {
	struct psku *k;
	char *method, *pickup_node;
	int64_t allocated;
	int transfer;
};

static int
stock_row(void *ctx, const struct stock_reserved *s)
{
	struct prun *p = ctx;
	struct psku *k = sku_of(p, s->sku);
	int n = lookup_node(p, s->node_id);
	struct srow *x;

	if (k == NULL || n < 0)
		return 0;	/* not in the carts (a plain scan) */
	x = PUSH(p->srows, p->nsrows, p->capsrows);
	x->k = k;
	x->node = n;
	x->on_hand = s->on_hand;
	x->safety = s->safety_stock;
	x->reserved = s->reserved;
	return 0;
}

static void
keep(struct prun *p, struct psku *k, const char *method, const char *pickup_node,
    int64_t allocated, int transfer)
{
	struct krow *x = PUSH(p->krows, p->nkrows, p->capkrows);

	x->k = k;
	x->method = xstrdup(method);
	x->pickup_node = pickup_node ? xstrdup(pickup_node) : NULL;
	x->allocated = allocated;
	x->transfer = transfer;
}

static int
kept_row(void *ctx, const struct kept_allocation *k)
{
	struct prun *p = ctx;
	struct psku *sk = sku_of(p, k->sku);

	if (sk != NULL)		/* else not in the carts (a plain scan) */
		keep(p, sk, k->method, k->pickup_node, k->allocated, k->ship_to_store != 0);
	return 0;
}

/* A line's row: its allocation kept (once a line), its work reserved at the node. */
static int
line_row(void *ctx, const struct open_line *l)
{
	struct prun *p = ctx;
	struct psku *k = sku_of(p, l->sku);
	int n;

	if (k == NULL)
		return 0;
	if (l->line_no != p->prev_line || strcmp(l->order_id, p->prev_order.s ? p->prev_order.s : "") != 0) {
		buf_reset(&p->prev_order);
		buf_adds(&p->prev_order, l->order_id);
		p->prev_line = l->line_no;
		if (l->allocated > 0)
			keep(p, k, l->method, l->pickup_node, l->allocated, l->ship_to_store != 0);
	}
	if (l->node_id != NULL && (n = lookup_node(p, l->node_id)) >= 0)
		k->atp[n] += l->work;	/* the work, until apply_stock */
	return 0;
}

/*
 * Without --reserve, what the carts answered hold already is theirs: not
 * reserved against them (with --reserve it was dropped before the read).
 */
static int
own_row(void *ctx, const char *sku, const char *node_id, int64_t qty)
{
	struct prun *p = ctx;
	struct psku *k = sku_of(p, sku);
	int n = lookup_node(p, node_id);

	if (k != NULL && n >= 0)
		k->atp[n] -= qty;	/* the work, until apply_stock */
	return 0;
}

/* The stock read, net of every reservation, to the allocator; then what lines keep. */
static void
apply_stock(struct prun *p)
{
	long i;

	for (i = 0; i < p->nsrows; i++) {
		struct srow *x = &p->srows[i];

		x->reserved += x->k->atp[x->node];
		if (x->reserved < 0)
			x->reserved = 0;
	}
	for (i = 0; i < (long)p->sku_list.n; i++) {
		struct psku *k = sku_of(p, p->sku_list.v[i]);

		memset(k->atp, 0, (size_t)p->r.net.nnodes * sizeof *k->atp);
	}
	for (i = 0; i < p->nsrows; i++) {
		struct srow *x = &p->srows[i];
		int64_t atp = node_atp(x->on_hand, x->safety, x->reserved);

		x->k->atp[x->node] = atp;
		alloc_add_stock(p->a, x->k->sku, x->k->vendor >= 0 ?
		    p->r.net.nodes[x->k->vendor].id : NULL, p->r.net.nodes[x->node].id, atp);
	}
	for (i = 0; i < p->nkrows; i++) {
		struct krow *x = &p->krows[i];
		struct alloc_line l;

		memset(&l, 0, sizeof l);
		l.sku = x->k->sku;
		l.method = x->method;
		l.pickup_node = x->pickup_node;
		l.reason = BO_NONE;
		l.node = -1;
		l.transfer = x->transfer;
		alloc_keep(p->a, &l, x->allocated);
		free(x->method);
		free(x->pickup_node);
	}
	p->nkrows = 0;
}

static int
supply_row(void *ctx, const struct open_supply *s)
{
	struct prun *p = ctx;
	struct psku *k = sku_of(p, s->sku);
	struct psupply *u;

	if (k == NULL)
		return 0;
	u = PUSH(k->sup, k->nsup, k->capsup);
	u->supply_id = xstrdup(s->supply_id);
	u->expected_at = xstrdup(s->expected_at);
	u->node = lookup_node(p, s->node_id);
	u->open = s->open;
	return 0;
}

/* --- reading the carts --------------------------------------------------- */

static const struct colspec cols[] = {
	{ "cart_id", 1 }, { "line_no", 1 }, { "sku", 1 }, { "qty", 1 },
	{ "channel", 0 }, { "method", 0 }, { "pickup_node", 0 }, { "postal_code", 0 },
	{ "country", 0 }, { "lat", 0 }, { "lon", 0 }, { "priority", 0 },
	{ "ship_complete", 0 }
};
enum { C_CART, C_LINE, C_SKU, C_QTY, C_CHANNEL, C_METHOD, C_PICKUP, C_POSTAL, C_COUNTRY,
	C_LAT, C_LON, C_PRIORITY, C_SC, NCOLS };

static char *
dup_or(const char *v, const char *def)
{
	return xstrdup(v && v[0] ? v : def);
}

/* Check one record into a line: 0, or -1 with the problem noted. */
static int
parse_record(struct rows *rw, const struct record *rec, struct pline *l)
{
	const char **v = rec->val;
	const char *cart = NULL, *sku = NULL, *method = "ship", *pickup = NULL, *channel = NULL;
	int64_t line_no = 0, qty = 0, prio = 5;
	double lat = 0, lon = 0;
	int sc = 0, bad = 0;

	bad |= rows_key(rw, "cart_id", v[C_CART], 1, &cart);
	bad |= rows_int(rw, "line_no", v[C_LINE], 1, INT32_MAX, "a line number", &line_no);
	bad |= rows_key(rw, "sku", v[C_SKU], 1, &sku);
	bad |= rows_int(rw, "qty", v[C_QTY], 1, INT32_MAX, "a quantity", &qty);
	if (v[C_CHANNEL][0])
		bad |= rows_key(rw, "channel", v[C_CHANNEL], 0, &channel);
	if (v[C_METHOD][0])
		bad |= rows_method(rw, v[C_METHOD], &method);
	if (v[C_PICKUP][0])
		bad |= rows_key(rw, "pickup_node", v[C_PICKUP], 0, &pickup);
	if (!bad && strcmp(method, "ship") != 0 && pickup == NULL)
		bad |= rows_bad(rw, "method %s needs a pickup_node", method);
	if (!bad && strcmp(method, "ship") == 0 && pickup != NULL)
		bad |= rows_bad(rw, "pickup_node is for pickup, curbside or locker, not ship");
	bad |= rows_plain(rw, "postal_code", v[C_POSTAL], 64);
	bad |= rows_plain(rw, "country", v[C_COUNTRY], 64);
	if (v[C_LAT][0] || v[C_LON][0]) {
		bad |= rows_real(rw, "lat", v[C_LAT], -90, 90, "a latitude", &lat);
		bad |= rows_real(rw, "lon", v[C_LON], -180, 180, "a longitude", &lon);
	}
	if (v[C_PRIORITY][0])
		bad |= rows_int(rw, "priority", v[C_PRIORITY], 0, 1000000, "a priority", &prio);
	if (v[C_SC][0])
		bad |= rows_bool(rw, "ship_complete", v[C_SC], &sc);
	if (bad)
		return -1;
	l->cart_id = xstrdup(cart);
	l->line_no = line_no;
	l->sku = xstrdup(sku);
	l->qty = qty;
	l->channel = dup_or(v[C_CHANNEL], "web");
	l->method = xstrdup(method);
	l->pickup_node = pickup ? xstrdup(pickup) : NULL;
	l->postal = xstrdup(v[C_POSTAL]);
	l->country = dup_or(v[C_COUNTRY], "US");
	l->has_ll = v[C_LAT][0] != '\0';
	l->lat = lat;
	l->lon = lon;
	l->priority = prio;
	l->ship_complete = sc;
	return 0;
}

static int
cmp_line(const void *x, const void *y)
{
	const struct pline *a = x, *b = y;

	if (a->cart != b->cart)
		return a->cart < b->cart ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Read every input: 0, or an exit status after diagnostics. */
static int
read_carts(struct prun *p)
{
	struct rows rw;
	struct strmap carts = STRMAP_INIT, seen = STRMAP_INIT;
	long ncarts = 0;
	int i, status = 0;

	if (rows_open(&rw, p->o->rejects, p->o->max_rejects, &p->n->rejected,
	    "nothing promised", &status) != 0)
		return status;
	for (i = 0; i < p->o->nfiles && status == 0; i++) {
		struct input *in = input_open(p->o->files[i], p->o->input_format, cols, NCOLS,
		    NULL, &status);
		struct record rec;
		int rc;

		if (in == NULL)
			break;
		while ((rc = input_next(in, &rec)) == 1) {
			struct pline l;
			char key[2 * ROWS_MAX_KEY + 32];
			void *v;

			memset(&l, 0, sizeof l);
			rows_next(&rw);
			if (rec.error != NULL)
				rows_bad(&rw, "%s", rec.error);
			else if (parse_record(&rw, &rec, &l) == 0) {
				snprintf(key, sizeof key, "%s%c%lld", l.cart_id, 1, (long long)l.line_no);
				if (strmap_get(&seen, key, NULL))
					rows_bad(&rw, "cart %s has line %lld twice",
					    quote_value(l.cart_id), (long long)l.line_no);
			}
			if (rw.err.len > 0) {
				free(l.cart_id); free(l.sku); free(l.channel); free(l.method);
				free(l.pickup_node); free(l.postal); free(l.country);
				if (rows_reject(&rw, in, NULL, rec.file, rec.line, rw.err.s, 1,
				    &status) != 0)
					break;
				continue;
			}
			strmap_put(&seen, key, NULL);
			if (!strmap_get(&carts, l.cart_id, &v)) {
				v = (void *)(intptr_t)ncarts++;
				strmap_put(&carts, l.cart_id, v);
			}
			l.cart = (long)(intptr_t)v;
			l.seq = p->nlines;
			*(struct pline *)PUSH(p->lines, p->nlines, p->caplines) = l;
			if (!strmap_get(&p->skus, l.sku, NULL)) {
				struct psku *k = xcalloc(1, sizeof *k);

				k->vendor = -1;
				k->sku = l.sku;
				strmap_put(&p->skus, l.sku, k);
				strv_push(&p->sku_list, l.sku);
			}
		}
		if (rc < 0 && status == 0)
			status = input_status(in);
		input_close(in);
	}
	strmap_release(&carts, NULL);
	strmap_release(&seen, NULL);
	if (status == 0 && rw.failed)
		status = rows_strict_end(&rw, "cart line", "cart lines", "promise");
	status = rows_close(&rw, status);
	if (status == 0 && p->nlines > 1)
		qsort(p->lines, (size_t)p->nlines, sizeof *p->lines, cmp_line);
	p->n->carts = ncarts;
	return status;
}

/* --- deciding ------------------------------------------------------------ */

/* May node n ship sku k for a line of class cls?  Its tier, 0: no. */
static int
ship_tier(const struct prun *p, const struct psku *k, int cls, int n)
{
	const struct rnode *nd = &p->r.net.nodes[n];
	unsigned s;

	if (nd->closed || !nd->placed)
		return 0;
	s = alloc_serves(&p->caps[n], k->vendor == n);
	if (!(s & ALLOC_SERVES_SHIP))
		return 0;
	if (p->src == NULL)
		return 1;
	if (p->src_node[n] < 0)
		return 0;
	return sourcing_tier(p->src, cls, p->src_node[n], NULL);
}

/* Units of k free at n for class cls. */
static int64_t
free_at(const struct prun *p, const struct psku *k, int cls, int n)
{
	int64_t q = k->atp[n];

	if (p->src != NULL && p->src_node[n] >= 0)
		q -= sourcing_held_back(p->src, cls, p->src_node[n]);
	return q > 0 ? q : 0;
}

/* The day a release of a cart at node n would ship (taking its room when take). */
static int64_t
ship_day(struct prun *p, int n, int take)
{
	struct rnode *nd = &p->r.net.nodes[n];
	int64_t wait = 0;

	if (nd->cap <= 0)
		wait = p->cpd[n] > 0 ? 1 + p->extra[n] / p->cpd[n] : 1;
	if (take) {
		if (nd->cap > 0 && nd->cap != NOCAP)
			nd->cap--;
		else if (nd->cap <= 0)
			p->extra[n]++;
	}
	return p->day + wait + nd->proc_days;
}

/* The shipment cost (money) of weight w from n to the cart's destination. */
static const struct rrate *
band_to(struct prun *p, struct rorder *o, int n, int dest_node)
{
	struct rline l;

	memset(&l, 0, sizeof l);
	l.locker = dest_node;
	return band_of(&p->r, o, n, dest_node >= 0 ? 1 : 0, &l);
}

struct cart_line {
	struct pline *in;
	struct psku *k;
	struct alloc_line al;
	int dest;		/* locker node, or -1: the cart's ship-to */
	int ship;		/* ship or locker */
	struct part *parts;
	int nparts, capparts;
};

static struct part *
add_part(struct cart_line *c, int node, int64_t qty, int64_t available)
{
	struct part *x = PUSH(c->parts, c->nparts, c->capparts);

	memset(x, 0, sizeof *x);
	x->node = node;
	x->qty = qty;
	x->available = available;
	x->supply = -1;
	x->ship = x->deliver = -1;
	return x;
}

/* The last part of line c at node n (there is one). */
static struct part *
part_at(struct cart_line *c, int n)
{
	int j;

	for (j = c->nparts - 1; j > 0; j--)
		if (c->parts[j].node == n)
			break;
	return &c->parts[j];
}

/*
 * Price the ship units[] at node n of the cart's lines, as route-write
 * prices a plan: each destination's regular units one shipment (its
 * money shared by weight, else by units), each ship-alone unit one of its
 * own.  The whole into the return, INF when no band reaches; with
 * price_parts, each line's share added to its last part's money.
 */
static double
price_node(struct prun *p, struct rorder *o, struct cart_line *cl, int nl, int n,
    const int64_t *units, int price_parts)
{
	double total = 0, m;
	const struct rrate *b;
	int i, j;

	for (i = 0; i < nl; i++) {
		double w = 0, uu = 0;
		int first = 1;

		if (!cl[i].ship || units[i] == 0)
			continue;
		if ((b = band_to(p, o, n, cl[i].dest)) == NULL)
			return INF;
		if (cl[i].k->alone) {
			ship_cost(&p->r, o, n, b, cl[i].k->w, &m);
			total += m * (double)units[i];
			if (price_parts)
				part_at(&cl[i], n)->money += m * (double)units[i];
			continue;
		}
		for (j = 0; j < nl; j++) {
			if (!cl[j].ship || units[j] == 0 || cl[j].k->alone || cl[j].dest != cl[i].dest)
				continue;
			if (j < i)
				first = 0;
			w += cl[j].k->w * (double)units[j];
			uu += (double)units[j];
		}
		ship_cost(&p->r, o, n, b, w, &m);
		if (first)
			total += m;
		if (price_parts)
			part_at(&cl[i], n)->money += w > 0 ?
			    m * (double)units[i] * cl[i].k->w / w : m * (double)units[i] / uu;
	}
	return total;
}

/* The transit of the band from n to line c's destination (0 none). */
static int
transit(struct prun *p, struct rorder *o, int n, const struct cart_line *c)
{
	const struct rrate *b = band_to(p, o, n, c->dest);

	return b ? b->transit : 0;
}

/*
 * Choose the nodes of the ship lines' allocated units: the one node
 * holding all (cheapest within the first tier having one), else line by
 * line, whichever costs less with the split penalty.
 */
static void
choose_ship(struct prun *p, struct rorder *o, struct cart_line *cl, int nl)
{
	int64_t *units = xcalloc((size_t)nl, sizeof *units), *at, *u;
	int i, n, nn, nused = 0, best = -1, besttier = 0, any = 0;
	double bestcost = INF, cost;

	for (i = 0; i < nl; i++) {
		if (cl[i].ship && cl[i].al.allocated > 0) {
			units[i] = cl[i].al.allocated;
			any = 1;
		}
	}
	if (!any) {
		free(units);
		return;
	}
	/* one node for all: the first tier that has one, the cheapest there */
	for (n = 0; n < p->r.net.nnodes; n++) {
		int tier = 0, ok = 1;

		for (i = 0; i < nl && ok; i++) {
			int t;

			if (units[i] == 0)
				continue;
			int64_t same = 0;
			int j;

			/* the cart's units of the sku, its other lines' too */
			for (j = 0; j < nl; j++)
				if (cl[j].k == cl[i].k)
					same += units[j];
			t = ship_tier(p, cl[i].k, cl[i].al.cls, n);
			if (t == 0 || free_at(p, cl[i].k, cl[i].al.cls, n) < same)
				ok = 0;
			else if (t > tier)
				tier = t;
		}
		if (!ok || (p->r.net.nodes[n].cap <= 0 && p->cpd[n] == 0 &&
		    p->r.net.nodes[n].cap != NOCAP))
			continue;
		if ((cost = price_node(p, o, cl, nl, n, units, 0)) >= INF)
			continue;
		if (best < 0 || tier < besttier || (tier == besttier && cost < bestcost - EPS)) {
			best = n;
			besttier = tier;
			bestcost = cost;
		}
	}
	if (best >= 0) {
		int64_t sd = ship_day(p, best, 1);

		for (i = 0; i < nl; i++) {
			struct part *x;

			if (units[i] == 0)
				continue;
			x = add_part(&cl[i], best, units[i], units[i]);
			x->ship = sd;
			x->deliver = sd + transit(p, o, best, &cl[i]);
			cl[i].k->atp[best] -= units[i];
		}
		price_node(p, o, cl, nl, best, units, 1);
		free(units);
		return;
	}
	/*
	 * line by line: each line's units from its first tier, a node holding
	 * all of it first, then the least each unit adds to the cart's cost
	 * (a node the cart ships from already adds its weight; a new one, a
	 * shipment and the split penalty)
	 */
	nn = p->r.net.nnodes;
	at = xcalloc((size_t)nl * (size_t)nn + 1, sizeof *at);
	u = xcalloc((size_t)nl + 1, sizeof *u);
	for (i = 0; i < nl; i++) {
		int64_t left = units[i];

		while (left > 0) {
			int bn = -1, bt = 0, bfull = 0;
			double bc = INF;
			int64_t take;

			for (n = 0; n < nn; n++) {
				int t = ship_tier(p, cl[i].k, cl[i].al.cls, n), full, j, fresh = 1;
				int64_t f = free_at(p, cl[i].k, cl[i].al.cls, n), q;
				double base = 0, unit;

				if (t == 0 || f == 0)
					continue;
				for (j = 0; j < nl; j++) {
					u[j] = at[(size_t)j * (size_t)nn + (size_t)n];
					if (u[j] > 0)
						fresh = 0;
				}
				if (!fresh)
					base = price_node(p, o, cl, nl, n, u, 0);
				q = f < left ? f : left;
				u[i] += q;
				full = f >= left;
				cost = price_node(p, o, cl, nl, n, u, 0);
				if (cost >= INF)
					continue;
				unit = (cost - base + (fresh && nused > 0 ? p->ropts.split_penalty : 0)) /
				    (double)q;
				if (bn < 0 || t < bt || (t == bt && (full > bfull ||
				    (full == bfull && unit < bc - EPS)))) {
					bn = n;
					bt = t;
					bfull = full;
					bc = unit;
				}
			}
			if (bn < 0)
				break;	/* cannot happen: the allocator found the units */
			take = free_at(p, cl[i].k, cl[i].al.cls, bn);
			if (take > left)
				take = left;
			{
				int j, fresh = 1;

				for (j = 0; j < nl; j++)
					if (at[(size_t)j * (size_t)nn + (size_t)bn] > 0)
						fresh = 0;
				nused += fresh;
			}
			add_part(&cl[i], bn, take, take);
			at[(size_t)i * (size_t)nn + (size_t)bn] += take;
			cl[i].k->atp[bn] -= take;
			left -= take;
		}
	}
	/* each node used: one release (its day), one shipment priced */
	for (n = 0; n < nn; n++) {
		int j, k, any = 0;
		int64_t sd;

		for (j = 0; j < nl; j++) {
			u[j] = at[(size_t)j * (size_t)nn + (size_t)n];
			any |= u[j] > 0;
		}
		if (!any)
			continue;
		sd = ship_day(p, n, 1);
		for (j = 0; j < nl; j++)
			for (k = 0; k < cl[j].nparts; k++)
				if (cl[j].parts[k].node == n) {
					cl[j].parts[k].ship = sd;
					cl[j].parts[k].deliver = sd + transit(p, o, n, &cl[j]);
				}
		price_node(p, o, cl, nl, n, u, 1);
	}
	free(at);
	free(u);
	free(units);
}

/* The rest of a line (not available now): the earliest open supply that holds it. */
static void
from_supply(struct prun *p, struct rorder *o, struct cart_line *c, int64_t rest)
{
	struct psku *k = c->k;
	int s, best = -1;

	if (k->known)
		for (s = 0; s < k->nsup; s++) {
			struct psupply *u = &k->sup[s];

			if (u->node < 0 || u->open < rest)
				continue;
			if (c->ship) {
				if (ship_tier(p, k, c->al.cls, u->node) == 0)
					continue;
			} else if (u->node != lookup_node(p, c->in->pickup_node))
				continue;
			best = s;
			break;	/* by expected_at: the first is the earliest */
		}
	if (best < 0) {
		add_part(c, -1, rest, 0);
		return;
	}
	{
		struct psupply *u = &k->sup[best];
		struct part *x = add_part(c, u->node, rest, 0);
		int64_t exp = date_days(u->expected_at), sd;
		int64_t units[1];

		if (exp == INT64_MAX || exp < p->day)
			exp = p->day;
		sd = exp + p->r.net.nodes[u->node].proc_days;
		x->supply = best;
		x->ship = sd;
		u->open -= rest;
		if (c->ship) {
			x->deliver = sd + transit(p, o, u->node, c);
			units[0] = rest;
			price_node(p, o, c, 1, u->node, units, 1);
		} else {
			x->deliver = sd;
			x->money = p->r.net.nodes[u->node].handling;
		}
		p->n->units_supply += rest;
	}
}

static const struct outcol out_cols[] = {
	{ "cart_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "available", COL_NUM }, { "node_id", COL_TEXT },
	{ "ship_date", COL_TEXT }, { "delivery_date", COL_TEXT }, { "cost", COL_NUM },
	{ "source", COL_TEXT }, { "cart_available", COL_NUM }
};

static void
cost_text(double v, char *out)
{
	snprintf(out, 32, "%.2f", floor(v * 100 + 0.5) / 100);
}

/* Decide one cart (lines l[0 .. nl)), write its rows, reserve. */
static int
one_cart(struct prun *p, struct pline *l, int nl, long rank)
{
	struct cart_line *cl = xcalloc((size_t)nl, sizeof *cl);
	struct alloc_line *al = xcalloc((size_t)nl, sizeof *al);
	struct rorder o;
	int i, j, sc = 0, whole = 1, ret = 0;
	char expires[21] = "";
	int64_t value = 0;

	memset(&o, 0, sizeof o);
	o.slack = INT_MAX;
	if (l[0].has_ll) {
		o.placed = 1;
		o.lat = l[0].lat;
		o.lon = l[0].lon;
	} else if (l[0].postal[0]) {
		int r = store_promise_place(p->st, l[0].country, l[0].postal, &o.lat, &o.lon);

		if (r < 0) {
			free(cl);
			free(al);
			return -1;
		}
		o.placed = r;
	}
	if (o.placed)
		place_xyz(o.lat, o.lon, o.xyz);
	/* the cart's value at the items' prices, for the rules' value bands */
	for (i = 0; i < nl; i++) {
		const struct psku *k = sku_of(p, l[i].sku);

		if (k != NULL)
			value += l[i].qty * k->price;
	}
	for (i = 0; i < nl; i++) {
		struct cart_line *c = &cl[i];

		c->in = &l[i];
		c->k = sku_of(p, l[i].sku);
		c->ship = strcmp(l[i].method, "ship") == 0 || strcmp(l[i].method, "locker") == 0;
		c->dest = strcmp(l[i].method, "locker") == 0 ? lookup_node(p, l[i].pickup_node) : -1;
		c->al.sku = l[i].sku;
		c->al.method = l[i].method;
		c->al.pickup_node = l[i].pickup_node;
		c->al.demand = c->k->known ? l[i].qty : 0;
		if (!c->k->known)
			name_one(&p->unknown, &p->nunknown, l[i].sku);
		if (!o.placed && c->ship && c->dest < 0 && i == 0)
			name_one(&p->unplaced, &p->nunplaced, l[i].cart_id);
		c->al.reason = BO_NONE;
		c->al.node = -1;
		c->al.may_transfer = 0;
		if (l[i].ship_complete)
			sc = 1;
		if (!o.placed && strcmp(l[i].method, "ship") == 0) {
			c->al.ship_to_code = "";
			c->al.ship_to_country = "";
		}
		if (p->src != NULL) {
			struct sourcing_order so = { .channel = l[i].channel,
				.ship_country = l[i].country, .ship_region = NULL,
				.ship_postal_code = l[i].postal, .priority = l[i].priority,
				.value = value };
			struct sourcing_line sl = { .sku = l[i].sku, .method = l[i].method,
				.item_class = NULL };
			int rule, cls = sourcing_line_class(p->src, &so, &sl, &rule);
			const struct sourcing_rule *ru = sourcing_rule_at(p->src, rule);

			c->al.cls = cls;
			if (ru != NULL && ru->ship_complete)
				sc = 1;
		}
	}
	for (i = 0; i < nl; i++)
		al[i] = cl[i].al;
	alloc_order(p->a, al, nl, sc, rank);
	for (i = 0; i < nl; i++)
		cl[i].al = al[i];
	/* pickup and curbside lines: their store */
	for (i = 0; i < nl; i++) {
		struct cart_line *c = &cl[i];
		int n;

		if (c->ship || c->al.allocated == 0)
			continue;
		n = lookup_node(p, l[i].pickup_node);
		if (n < 0) {
			continue;
		} else {
			struct part *x = add_part(c, n, c->al.allocated, c->al.allocated);

			x->ship = x->deliver = ship_day(p, n, 1);
			x->money = p->r.net.nodes[n].handling;
			if (c->k->atp)
				c->k->atp[n] -= c->al.allocated;
		}
	}
	choose_ship(p, &o, cl, nl);
	for (i = 0; i < nl; i++) {
		int64_t got = 0;

		for (j = 0; j < cl[i].nparts; j++)
			got += cl[i].parts[j].qty;
		if (got < l[i].qty)
			from_supply(p, &o, &cl[i], l[i].qty - got);
		if (cl[i].al.allocated < l[i].qty)
			whole = 0;
	}
	p->n->lines += nl;
	p->n->carts_whole += whole;
	if (p->o->reserve > 0) {
		int64_t exp = date_days(p->o->now) * 86400;
		int h = atoi(p->o->now + 11), m = atoi(p->o->now + 14), s = atoi(p->o->now + 17);
		int64_t t = exp + h * 3600 + m * 60 + s + (int64_t)p->o->reserve * 60;
		char d[11];
		int64_t units = 0;

		snprintf(expires, sizeof expires, "%sT%02d:%02d:%02dZ", days_date(t / 86400, d),
		    (int)(t % 86400 / 3600), (int)(t % 3600 / 60), (int)(t % 60));
		jsonw_start(&p->payload);
		jsonw_str(&p->payload, "cart_id", l[0].cart_id);
		jsonw_str(&p->payload, "expires_at", expires);
		jsonw_array(&p->payload, "lines");
		for (i = 0; i < nl && ret == 0; i++)
			for (j = 0; j < cl[i].nparts && ret == 0; j++) {
				const struct part *x = &cl[i].parts[j];

				if (x->available == 0)
					continue;
				if (store_reservation_add(p->st, l[i].cart_id, l[i].line_no, l[i].sku,
				    p->r.net.nodes[x->node].id, x->available, expires) != 0)
					ret = -1;
				jsonw_object(&p->payload, NULL);
				jsonw_int(&p->payload, "line_no", l[i].line_no);
				jsonw_str(&p->payload, "sku", l[i].sku);
				jsonw_str(&p->payload, "node_id", p->r.net.nodes[x->node].id);
				jsonw_int(&p->payload, "qty", x->available);
				jsonw_object_end(&p->payload);
				units += x->available;
			}
		jsonw_array_end(&p->payload);
		jsonw_int(&p->payload, "units", units);
		jsonw_end(&p->payload);
		if (ret == 0 && units > 0) {
			if (store_event(p->st, l[0].cart_id, "stock.reserved", p->payload.s) != 0)
				ret = -1;
			p->n->carts_reserved++;
			p->n->units_reserved += units;
		}
	}
	for (i = 0; i < nl; i++) {
		for (j = 0; j < cl[i].nparts; j++) {
			const struct part *x = &cl[i].parts[j];
			const char *vals[11];
			int64_t ints[11];
			char sd[11], dd[11], cost[32];

			vals[0] = l[i].cart_id;
			vals[1] = writer_int;
			ints[1] = l[i].line_no;
			vals[2] = l[i].sku;
			vals[3] = writer_int;
			ints[3] = x->qty;
			vals[4] = writer_int;
			ints[4] = x->available;
			vals[5] = x->node >= 0 ? p->r.net.nodes[x->node].id : NULL;
			vals[6] = x->ship >= 0 ? days_date(x->ship, sd) : NULL;
			vals[7] = x->deliver >= 0 ? days_date(x->deliver, dd) : NULL;
			cost_text(x->money, cost);
			vals[8] = x->node >= 0 ? cost : NULL;
			vals[9] = x->node < 0 ? NULL : x->supply >= 0 ?
			    cl[i].k->sup[x->supply].supply_id : "stock";
			vals[10] = writer_int;
			ints[10] = whole;
			writer_row_ints(&p->w, vals, ints);
		}
		p->n->units += l[i].qty;
		p->n->units_available += cl[i].al.allocated;
		free(cl[i].parts);
	}
	free(cl);
	free(al);
	return ret;
}

static void
free_sku(void *v)
{
	struct psku *k = v;
	int i;

	for (i = 0; i < k->nsup; i++) {
		free(k->sup[i].supply_id);
		free(k->sup[i].expected_at);
	}
	free(k->sup);
	free(k->atp);
	free(k);
}

/* Count name in *n, and add it to the list b while it has fewer than three. */
static void
name_one(struct buf *b, long *n, const char *name)
{
	if (*n < 3) {
		if (*n > 0)
			buf_adds(b, ", ");
		buf_addf(b, "\"%s\"", quote_value(name));
	}
	(*n)++;
}

/* The list b of n names, " and N more" past the three it names. */
static const char *
names_end(struct buf *b, long n)
{
	if (n > 3)
		buf_addf(b, " and %ld more", n - 3);
	return buf_str(b);
}

int
promise_run(struct store *st, const struct promise_opts *o, FILE *out,
    struct promise_counts *n)
{
	struct prun p;
	const struct strv *few;
	long i, first;
	int status = 0, nn;

	memset(&p, 0, sizeof p);
	memset(n, 0, sizeof *n);
	p.st = st;
	p.o = o;
	p.n = n;
	p.day = date_days(o->today);
	route_policy(&p.ropts, "balanced");
	p.ropts.max_splits = -1;
	p.r.st = st;
	p.r.opts = &p.ropts;
	p.r.net.day = p.day;
	if ((status = read_carts(&p)) != 0)
		goto out;
	if (o->reserve > 0) {
		long e = store_reservations_expire(st, o->now);

		if (e < 0)
			goto fail;
		n->expired = e;
		/* a cart answered again is not held twice */
		for (i = 0; i < p.nlines; i++) {
			int64_t u;

			if (i > 0 && p.lines[i].cart == p.lines[i - 1].cart)
				continue;
			if ((u = store_reservations_drop(st, p.lines[i].cart_id)) < 0)
				goto fail;
			n->replaced += u > 0;
		}
	}
	p.a = alloc_new();
	store_scan_begin(st);	/* a hot sku's lines are many reads: mapped, not copied */
	if (store_route_nodes(st, o->today, route_node_row, &p) != 0 ||
	    store_alloc_nodes(st, alloc_node_row, &p) != 0 ||
	    store_route_rates(st, rate_row, &p) != 0)
		goto fail;
	nn = p.r.net.nnodes;
	if (p.ncaps != nn) {
		diag_error("the nodes changed while read");
		status = EX_SOFTWARE;
		goto out;
	}
	p.extra = xcalloc((size_t)nn + 1, sizeof *p.extra);
	if (sourcing_load(st, &p.src) != 0)
		goto fail;
	if (sourcing_plain(p.src)) {
		sourcing_free(p.src);
		p.src = NULL;
	} else {
		alloc_set_sourcing(p.a, p.src);
		p.src_node = xcalloc((size_t)nn + 1, sizeof *p.src_node);
		for (i = 0; i < nn; i++)
			p.src_node[i] = sourcing_node(p.src, p.r.net.nodes[i].id);
	}
	for (i = 0; i < (long)p.sku_list.n; i++) {
		struct psku *k = sku_of(&p, p.sku_list.v[i]);

		k->atp = xcalloc((size_t)nn + 1, sizeof *k->atp);
	}
	/* a few skus by their indexes; many, by plain scans of the tables */
	few = p.sku_list.n <= PROMISE_FEW_SKUS ? &p.sku_list : NULL;
	if (store_promise_items(st, few, item_row, &p) != 0 ||
	    store_promise_stock(st, few, o->now, stock_row, &p) != 0 ||
	    (few ? store_promise_lines(st, few, line_row, &p) :
	    store_promise_kept(st, kept_row, &p)) != 0 ||
	    store_promise_supply(st, &p.sku_list, supply_row, &p) != 0)
		goto fail;
	if (o->reserve == 0) {
		struct strv carts = STRV_INIT;

		for (i = 0; i < p.nlines; i++)
			if (i == 0 || p.lines[i].cart != p.lines[i - 1].cart)
				strv_push(&carts, p.lines[i].cart_id);
		if (store_promise_cart_held(st, &carts, o->now, own_row, &p) != 0) {
			strv_release(&carts);
			goto fail;
		}
		strv_release(&carts);
	}
	apply_stock(&p);
	writer_init(&p.w, out, o->format, out_cols, 11);
	p.w.safe_csv = o->safe_csv;
	for (first = 0; first < p.nlines; first = i) {
		for (i = first; i < p.nlines && p.lines[i].cart == p.lines[first].cart; i++)
			;
		if (one_cart(&p, &p.lines[first], (int)(i - first), first) != 0)
			goto fail;
	}
	writer_finish(&p.w);
	/* data to fix, as oms-allocate and oms-route warn of it */
	if (p.nunknown > 0)
		diag_warn("%ld cart %s name%s items the store does not have (not available): %s",
		    p.nunknown, p.nunknown == 1 ? "line" : "lines", p.nunknown == 1 ? "s" : "",
		    names_end(&p.unknown, p.nunknown));
	if (p.nunplaced > 0)
		diag_warn("%ld %s a destination that cannot be placed (not available to ship): %s",
		    p.nunplaced, p.nunplaced == 1 ? "cart has" : "carts have",
		    names_end(&p.unplaced, p.nunplaced));
	goto out;
fail:
	status = store_status(st);
	if (status == 0)
		status = EX_SOFTWARE;
out:
	for (i = 0; i < p.nlines; i++) {
		struct pline *l = &p.lines[i];

		free(l->cart_id); free(l->sku); free(l->channel); free(l->method);
		free(l->pickup_node); free(l->postal); free(l->country);
	}
	free(p.lines);
	for (i = 0; i < p.nkrows; i++) {
		free(p.krows[i].method);
		free(p.krows[i].pickup_node);
	}
	free(p.krows);
	free(p.srows);
	buf_release(&p.prev_order);
	for (i = 0; i < p.r.net.nnodes; i++)
		free(p.r.net.nodes[i].id);
	free(p.r.net.nodes);
	free(p.r.net.rates);
	strmap_release(&p.r.net.node_ix, NULL);
	strmap_release(&p.skus, free_sku);
	strv_release(&p.sku_list);
	free(p.caps);
	free(p.cpd);
	free(p.extra);
	free(p.src_node);
	if (p.src)
		sourcing_free(p.src);
	if (p.a)
		alloc_free(p.a);
	buf_release(&p.payload);
	buf_release(&p.unknown);
	buf_release(&p.unplaced);
	buf_release(&p.w.line);
	free(p.w.keys);
	free(p.w.key);
	return status;
}
