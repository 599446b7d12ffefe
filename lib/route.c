/*
 * route: where each allocated line ships from.
 *
 * The problem: every unit allocated to an order line must be placed at a
 * node that holds it, minimising over the whole batch the cost of the
 * shipments (rate card by distance band and weight, node handling), a
 * penalty per extra shipment of an order and per late shipment; subject to
 * node ATP, node daily capacity (releases, that is order-node pairs, per
 * day), pickup lines pinned to their store, ship-alone items in boxes of
 * their own, a limit on splits, active nodes only.
 *
 * The method (oms-route(1)):
 *  1. pinned lines (pickup, curbside) go to their store, taking its slot;
 *  2. every other order takes its best response to what is left, the
 *     orders with the most to lose first (regret: what an order's best
 *     plan costs more without the nodes it would use): the cheapest of the
 *     single nodes that hold it all, the pairs of its cheapest candidates
 *     (unless no split can win), and a greedy cover by units covered;
 *  3. one improvement pass: an order that pays more than it would with
 *     the network to itself asks the latest orders on a node its ideal
 *     plan lacks to make room, and keeps the exchange when the two pay
 *     less together (ejection); then every such order re-plans against
 *     what is left.  Each accepted move lowers the total;
 *  4. chains of one sku: the single-unit lines of each sku re-assigned
 *     to its stock at once, each at what its order then costs, by an
 *     exact transportation solve (shortest augmenting paths): the chains
 *     of moves no exchange of two orders finds;
 *  5. a neighbourhood search with a fixed number of rounds: an order
 *     paying above its ideal and the orders holding what it wants are
 *     re-planned together, kept when no worse (the chains again after);
 *  6. the plain --greedy is built too, and kept when it is better, so
 *     the result is never worse than the baseline; orders still short
 *     take what the moves set free.
 * Everything is deterministic: fixed orders, ties to the lower node id.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "diag.h"
#include "output.h"
#include "parse.h"
#include "route.h"
#include "util.h"

#define INF 1e300
#define TOPK 8			/* candidates paired with each other */
#define MAXSET 8		/* nodes in a greedy cover */
#define EJECT_USERS 4		/* orders asked to make room, per conflict */
#define PASSES 1		/* improvement passes over the batch */
#define EJECT_SCAN 64		/* latest users looked at, per conflict */
#define LNS_SET 12		/* orders re-planned together in a round */
#define LNS_TRIES 2		/* orders of re-planning tried per round */
#define LNS_PER_ORDER 20	/* rounds per order that pays above its ideal */
#define LNS_WORK 20000000L	/* rounds at most this over the orders in play */
#define LNS_MIN 1000		/* no search when the budget allows fewer rounds */
#define LNS_PARTS 2		/* the rounds in parts, sku re-assignment between */
#define TP_PASSES 2		/* sku re-assignment passes over the skus */
#define TP_CHUNK 128		/* lines of one sku re-assigned together */
#define TP_OPTS 12		/* the cheapest entries each line may move to */
#define NOCAP LONG_MAX
#define EPS 1e-7

struct rnode {
	char *id;
	char *code, *country;	/* unplaced: the keys of its postal code (model.h) */
	long lost;		/* lines backordered this run for want of its place */
	int active, ship, vendor, placed, excluded;
	int closed;		/* capacity_per_day 0: takes no release, ever */
	double lat, lon, handling;
	double xyz[3];
	int proc;
	long cap, cap0;		/* releases still possible today */
	int *users;		/* orders planned here (may be stale) */
	int nusers, capusers;
};

struct rrate {
	double max_km, base, per_kg;
	double chord2;		/* max_km as a squared chord of the unit sphere */
	int transit;
};

struct ritem {
	double w;
	int alone, vendor;	/* vendor: node index or -1 */
	int first, nstock;	/* its entries in run.stock, adjacent, by node */
};

/*
 * A stock entry (node and item): what the search reads on every best
 * response, kept small so that an item's entries share few cache lines;
 * what it counts from (struct rqty, by the same index) and who uses it
 * (struct ruse) apart.
 */
struct rstock {
	int node, item;
	int64_t atp, atp0;
};

struct rqty {
	int64_t on_hand, safety, routed, released;	/* as read */
	int64_t kept;		/* routed work that stays put */
};

struct ruse {
	int *users;		/* orders planned on it (may be stale) */
	int nusers, capusers;
};

struct rwork {
	int node;
	int64_t qty, inplay;	/* routed there before; how much of it moves */
};

struct rline {
	int capold;
	int order, item;
	int64_t line_no, qty, alloc, back;
	char *sku, *old_reason;
	int pin, locker;	/* node indexes or -1 */
	int64_t want;		/* units to place in this run */
	struct rwork *old;
	int nold;
	int64_t short_units;	/* no stock anywhere eligible */
	int closed;		/* pinned to a store that takes no release */
	int64_t nowhere;	/* units whose destination cannot be placed */
	int64_t assigned;	/* settle(): units placed this run */
	int64_t shortq;		/* settle(): units sent back to backorder */
	int why;		/* settle(): enum why, for shortq */
	int why_node;		/* WHY_NODE, WHY_LOCKER: the node */
};

/* Why units go back to backorder (settle, reason_text). */
enum why {
	WHY_STOCK,		/* no stock left at an eligible node */
	WHY_STORE,		/* no stock at the pickup store */
	WHY_DEST,		/* the order's destination cannot be placed */
	WHY_LOCKER,		/* the line's locker cannot be placed */
	WHY_NODE		/* the stock is at a node that cannot be placed */
};

/* Whose place is missing (rorder.nowhere). */
enum {
	NOWHERE_SHIP_TO = 1,
	NOWHERE_LOCKER = 2
};

/* A node and destination an order already ships from (see used_add). */
struct rused {
	int node, dest;
	int regular;		/* a regular shipment (not ship-alone units only) */
};

struct rasg {
	int line, node;
	int64_t qty;
};

struct plan {
	struct rasg *a;
	int n, cap;
	int64_t covered;
	double cost;
};

struct rorder {
	char *id;
	int first, n;		/* its lines */
	int placed;
	double lat, lon;
	double xyz[3];
	int slack;		/* days from the business day to the promise */
	int *kept;		/* nodes holding work of it that stays */
	int nkept;
	struct plan plan;	/* its unpinned lines */
	struct plan pins;	/* its pinned lines */
	struct plan ideal_plan;	/* its best with the network to itself */
	int64_t need;		/* unpinned units wanted */
	double ideal;
	char *code, *country;	/* unplaced: the keys looked up (model.h) */
	int nowhere;		/* NOWHERE_*: some line's destination has no place */
	/* routed work that stays, released and shipped work: the nodes it
	 * already uses, for --max-splits and the split penalty */
	struct rused *used;
	int nused, capused, nused_regular;
};

#define EVENTS 256		/* events queued before a write */

struct run {
	struct event_row ev[EVENTS];	/* queued events (payloads are ours) */
	int nev;
	unsigned *seen, stamp;	/* candidates(): nodes met for this order */
	unsigned *bseen, bstamp;	/* the band to its ship-to from each node, */
	const struct rrate **bto;	/* cached while the same order plans */
	const struct rorder *border;
	int *cidx;		/* and their candidate index */
	unsigned char *nflags;	/* per node: NF_* */
	struct centry *ce;	/* the stock entries met, for the table */
	int nce, capce;
	int *sh;		/* stock_at's table */
	size_t capsh;
	struct okey *okeys;	/* reading: each order's place in the order of service */
	int capokeys;
	struct buf okeytext;	/* their promise dates and creation times */
	struct store *st;
	const struct route_opts *o;
	struct route_counts *n;
	struct rnode *nodes;
	int nnodes, capnodes;
	struct strmap node_ix;
	struct rrate *rates;
	int nrates, caprates;
	struct ritem *items;
	int nitems, capitems;
	struct strmap item_ix;
	struct rstock *stock;
	int nstock, capstock;
	struct rqty *sq;	/* by stock index */
	int nsq, capsq;
	struct ruse *su;	/* by stock index */
	struct rline *lines;
	int nlines, caplines;
	struct rorder *orders;
	int norders, caporders;
	int64_t day;		/* the business day, days since 1970 */
	int ideal;		/* evaluate against the untouched network */
	int failed;
	/* scratch */
	struct plan tmp, best, save1, save2, save3;
	int *cand;
	double *candf;
	int64_t *catp;		/* [candidate * lines + line] */
	double *cunit;
	size_t capcm;
	int ncand, capcand;
	long responses;		/* best responses computed, for -v */
	struct buf why;		/* reason_text's */
	unsigned char *dirty;	/* per item: plans on its stock changed since tp */
};

/* --- small things ---------------------------------------------------------- */

static void
push(void **v, int *n, int *cap, size_t size)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, (size_t)*cap * size);
	}
	(*n)++;
}
#define PUSH(arr, n, cap) (push((void **)&(arr), &(n), &(cap), sizeof *(arr)), &(arr)[(n) - 1])

static int
lookup(const struct strmap *m, const char *key)
{
	void *v;

	return key != NULL && strmap_get(m, key, &v) ? (int)(intptr_t)v - 1 : -1;
}

static void
plan_clear(struct plan *p)
{
	p->n = 0;
	p->covered = 0;
	p->cost = INF;
}

static void
plan_add(struct plan *p, int line, int node, int64_t qty)
{
	struct rasg *a;
	int i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].line == line && p->a[i].node == node) {
			p->a[i].qty += qty;
			return;
		}
	a = PUSH(p->a, p->n, p->cap);
	a->line = line;
	a->node = node;
	a->qty = qty;
}

static void
plan_copy(struct plan *dst, const struct plan *src)
{
	if (dst->cap < src->n) {
		dst->cap = src->n;
		dst->a = xrealloc(dst->a, (size_t)dst->cap * sizeof *dst->a);
	}
	if (src->n)
		memcpy(dst->a, src->a, (size_t)src->n * sizeof *src->a);
	dst->n = src->n;
	dst->covered = src->covered;
	dst->cost = src->cost;
}

/* The stock of item at node: open addressing on item and node. */
static size_t
stock_slot(const struct run *r, int item, int node)
{
	uint64_t k = (uint64_t)item * (uint64_t)r->nnodes + (uint64_t)node;

	return (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) & (r->capsh - 1);
}

static const struct rstock *cmp_stock;	/* for stock_cmp */

static int
stock_cmp(const void *a, const void *b)
{
	const struct rstock *x = &cmp_stock[*(const int *)a], *y = &cmp_stock[*(const int *)b];

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * Index the stock by item and node.  The entries of one item are made
 * adjacent first: candidates() walks an item's stock for every best
 * response, and entries scattered in the order read cost a cache miss each.
 */
static void
stock_index(struct run *r)
{
	int *perm = xcalloc((size_t)r->nstock + 1, sizeof *perm);
	struct rstock *st = xcalloc((size_t)r->nstock + 1, sizeof *st);
	struct rqty *sq = xcalloc((size_t)r->nstock + 1, sizeof *sq);
	int i;

	for (i = 0; i < r->nstock; i++)
		perm[i] = i;
	cmp_stock = r->stock;
	if (r->nstock > 1)
		qsort(perm, (size_t)r->nstock, sizeof *perm, stock_cmp);
	for (i = 0; i < r->nstock; i++) {
		st[i] = r->stock[perm[i]];
		sq[i] = r->sq[perm[i]];
	}
	free(r->stock);
	free(r->sq);
	free(perm);
	r->stock = st;
	r->sq = sq;
	r->capstock = r->nsq = r->capsq = r->nstock;
	r->su = xcalloc((size_t)r->nstock + 1, sizeof *r->su);
	for (i = 0; i < r->nitems; i++)
		r->items[i].nstock = 0;
	for (i = r->nstock - 1; i >= 0; i--) {
		struct ritem *it = &r->items[r->stock[i].item];

		it->first = i;
		it->nstock++;
	}
	for (r->capsh = 64; r->capsh < 2 * (size_t)r->nstock; r->capsh *= 2)
		;
	r->sh = xmalloc(r->capsh * sizeof *r->sh);
	memset(r->sh, 0xff, r->capsh * sizeof *r->sh);
	for (i = 0; i < r->nstock; i++) {
		size_t h = stock_slot(r, r->stock[i].item, r->stock[i].node);

		while (r->sh[h] >= 0)
			h = (h + 1) & (r->capsh - 1);
		r->sh[h] = i;
	}
}

static struct rstock *
stock_at(struct run *r, int item, int node)
{
	size_t h = stock_slot(r, item, node);

	for (; r->sh[h] >= 0; h = (h + 1) & (r->capsh - 1)) {
		struct rstock *s = &r->stock[r->sh[h]];

		if (s->item == item && s->node == node)
			return s;
	}
	return NULL;
}

static int64_t
atp_of(struct run *r, int item, int node)
{
	struct rstock *s = stock_at(r, item, node);

	if (s == NULL)
		return 0;
	return r->ideal ? s->atp0 : s->atp;
}

static int
order_kept(const struct rorder *o, int node)
{
	int i;

	for (i = 0; i < o->nkept; i++)
		if (o->kept[i] == node)
			return 1;
	return 0;
}

/*
 * What an order already uses: node n ships (or shipped) to destination
 * dest (line_dest) of o, regular: other than ship-alone units.
 */
static void
used_add(struct rorder *o, int n, int dest, int regular)
{
	struct rused *u;
	int i;

	for (i = 0; i < o->nused; i++)
		if (o->used[i].node == n && o->used[i].dest == dest) {
			if (regular && !o->used[i].regular) {
				o->used[i].regular = 1;
				o->nused_regular++;
			}
			return;
		}
	u = PUSH(o->used, o->nused, o->capused);
	u->node = n;
	u->dest = dest;
	u->regular = regular;
	o->nused_regular += regular;
}

/* A regular shipment of o from n to dest would be one it does not have yet. */
static int
fresh_shipment(const struct rorder *o, int n, int dest)
{
	int i;

	for (i = 0; i < o->nused; i++)
		if (o->used[i].regular && o->used[i].node == n && o->used[i].dest == dest)
			return 0;
	return 1;
}

/*
 * The splits fresh new regular shipments make: each one past the order's
 * first shipment, counting those it already has.
 */
static int
splits_of(const struct rorder *o, int fresh)
{
	return fresh > 0 && o->nused_regular == 0 ? fresh - 1 : fresh;
}

/* The k-th of the nodes within_limit counts. */
static int
limit_node(const struct rorder *o, const struct plan *p, const int *extra, int k)
{
	int m = p ? p->n : 0;

	return k < o->nused ? o->used[k].node : k < o->nused + m ? p->a[k - o->nused].node :
	    extra[k - o->nused - m];
}

/*
 * --max-splits: would o ship from no more than max-splits + 1 nodes, with
 * the nodes it already uses, those of plan p (NULL: none) and the nodes
 * extra[0 .. nextra)?
 */
static int
within_limit(const struct run *r, const struct rorder *o, const struct plan *p,
    const int *extra, int nextra)
{
	int total = o->nused + (p ? p->n : 0) + nextra, count = 0, k, j, node;

	if (r->o->max_splits < 0)
		return 1;
	for (k = 0; k < total; k++) {
		node = limit_node(o, p, extra, k);
		for (j = 0; j < k && limit_node(o, p, extra, j) != node; j++)
			;
		if (j == k && count++ > r->o->max_splits)
			return 0;
	}
	return 1;
}

/* --- the cost model ---------------------------------------------------------- */

/* Where a line goes: 0 the order's ship-to, else its locker's index + 1. */
static int
line_dest(const struct rline *l)
{
	return l->locker + 1;
}

/*
 * The rate band from node n to the destination d of order o, or NULL.
 * Points are kept as unit vectors, and each band's max_km as the squared
 * chord it subtends, so no trigonometry is needed here: the great-circle
 * distance grows with the chord.
 */
static const struct rrate *
band_of(struct run *r, const struct rorder *o, int n, int d, const struct rline *l)
{
	const struct rnode *nd = &r->nodes[n];
	const double *p;
	double dx, dy, dz, c2;
	int i;

	if (!nd->placed)
		return NULL;
	if (d) {
		const struct rnode *lk = &r->nodes[l->locker];

		if (!lk->placed)
			return NULL;
		p = lk->xyz;
	} else {
		if (!o->placed)
			return NULL;
		p = o->xyz;
	}
	dx = nd->xyz[0] - p[0];
	dy = nd->xyz[1] - p[1];
	dz = nd->xyz[2] - p[2];
	c2 = dx * dx + dy * dy + dz * dz;
	for (i = 0; i < r->nrates; i++)
		if (r->rates[i].chord2 >= c2)
			return &r->rates[i];
	return NULL;
}

/*
 * band_of(), cached per node for the ship-to of one order at a time (the
 * order being planned: bands_for() names it), since the same order asks
 * for the same bands again and again while it plans
 */
static const struct rrate *
band(struct run *r, const struct rorder *o, int n, int d, const struct rline *l)
{
	if (d != 0 || o != r->border)
		return band_of(r, o, n, d, l);
	if (r->bseen[n] != r->bstamp) {
		r->bseen[n] = r->bstamp;
		r->bto[n] = band_of(r, o, n, 0, l);
	}
	return r->bto[n];
}

/* Cache the bands to the ship-to of o from here on. */
static void
bands_for(struct run *r, const struct rorder *o)
{
	if (r->border != o) {
		r->border = o;
		r->bstamp++;
	}
}

static void
unit_vector(double lat, double lon, double xyz[3])
{
	const double k = M_PI / 180;

	xyz[0] = cos(lat * k) * cos(lon * k);
	xyz[1] = cos(lat * k) * sin(lon * k);
	xyz[2] = sin(lat * k);
}

static int
is_late(struct run *r, const struct rorder *o, int n, const struct rrate *b)
{
	return o->slack != INT_MAX && r->nodes[n].proc + b->transit > o->slack;
}

/* One shipment of weight w from n: money, and money plus penalties. */
static double
ship_cost(struct run *r, const struct rorder *o, int n, const struct rrate *b, double w,
    double *money)
{
	double m = b->base + b->per_kg * w + r->nodes[n].handling;

	if (money)
		*money = m;
	return m + (is_late(r, o, n, b) ? r->o->late_penalty : 0) +
	    r->o->day_cost * (r->nodes[n].proc + b->transit);
}

/*
 * The cost of a plan for order o (its unpinned lines): each node and
 * destination with regular lines is one shipment; each ship-alone unit is
 * a shipment of its own; every regular shipment past the order's first
 * pays the split penalty, its first being one it already has (routed
 * work that stays, released or shipped work) when it has one.  INF when
 * some part cannot be shipped.
 */
static double
plan_cost(struct run *r, const struct rorder *o, const struct plan *p, int *nregular)
{
	double cost = 0;
	int i, j, nreg = 0, fresh = 0;

	for (i = 0; i < p->n; i++) {
		const struct rline *l = &r->lines[p->a[i].line];
		const struct ritem *it = &r->items[l->item];
		const struct rrate *b;
		int d = line_dest(l), seen = 0;
		double w = 0;

		if (p->a[i].qty == 0)
			continue;
		if (it->alone) {
			if ((b = band(r, o, p->a[i].node, d, l)) == NULL)
				return INF;
			cost += (double)p->a[i].qty * ship_cost(r, o, p->a[i].node, b, it->w, NULL);
			continue;
		}
		/* the first regular assignment of its node and destination prices it */
		for (j = 0; j < i && !seen; j++) {
			const struct rline *m = &r->lines[p->a[j].line];

			seen = p->a[j].node == p->a[i].node && p->a[j].qty > 0 &&
			    !r->items[m->item].alone && line_dest(m) == d;
		}
		if (seen)
			continue;
		for (j = i; j < p->n; j++) {
			const struct rline *m = &r->lines[p->a[j].line];

			if (p->a[j].node == p->a[i].node && !r->items[m->item].alone &&
			    line_dest(m) == d)
				w += (double)p->a[j].qty * r->items[m->item].w;
		}
		if ((b = band(r, o, p->a[i].node, d, l)) == NULL)
			return INF;
		cost += ship_cost(r, o, p->a[i].node, b, w, NULL);
		nreg++;
		fresh += o->nused_regular == 0 || fresh_shipment(o, p->a[i].node, d);
	}
	cost += r->o->split_penalty * splits_of(o, fresh);
	if (nregular)
		*nregular = nreg;
	return cost;
}

/* What node n may ship, in a byte per node (node_flags) for the hot loops. */
enum {
	NF_SHIP = 1,		/* anything: not excluded, and alloc_serves */
	NF_VENDOR = 2		/* only its own items: a vendor, ... */
};

/*
 * What node n may ship by allocation's rule (alloc_serves: a node that
 * cannot be placed ships nothing), as if it could be placed when placed
 * is 1 (lost_node).
 */
static unsigned
node_serves(const struct run *r, int n, int own_item, int placed)
{
	const struct rnode *nd = &r->nodes[n];
	struct alloc_node_caps caps = { nd->vendor, nd->active, nd->ship, 0, 0, placed };

	return alloc_serves(&caps, own_item) & ALLOC_SERVES_SHIP;
}

static void
node_flags(struct run *r, int n)
{
	int placed = r->nodes[n].placed;

	r->nflags[n] = r->nodes[n].excluded ? 0 : node_serves(r, n, 0, placed) ? NF_SHIP :
	    node_serves(r, n, 1, placed) ? NF_VENDOR : 0;
}

/* May node n ship line l of order o? (stock and capacity aside) */
static int
eligible(struct run *r, const struct rline *l, int n)
{
	unsigned char f = r->nflags[n];

	return (f & NF_SHIP) || ((f & NF_VENDOR) && r->items[l->item].vendor == n);
}

static long
cap_of(struct run *r, int n)
{
	return r->ideal ? r->nodes[n].cap0 : r->nodes[n].cap;
}

/* Node n can take a new release for o (or already has one). */
static int
has_room(struct run *r, const struct rorder *o, int n)
{
	return cap_of(r, n) > 0 || order_kept(o, n);
}

/* --- best response of one order ---------------------------------------------- */

/*
 * The candidates of the order being planned: every node that may ship one
 * of its unpinned lines from stock and has room, cheapest fixed cost
 * first, with, per candidate and line, the stock there and the cost of one
 * more unit (INF: not from there).  Computed once per best response.
 */
/* A stock entry that may serve a line of the order being planned. */
struct centry {
	int line, node;		/* the line's index in its order */
	int64_t atp;
	double unit;		/* the cost of one more unit from there */
};

/* Sort the candidates by fixed cost, then node index (a merge sort). */
static void
cand_sort(struct run *r)
{
	int n = r->ncand, w, i;
	int *a = r->cand, *ta = r->cand + r->capcand;
	double *f = r->candf, *tf = r->candf + r->capcand;

	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			int lo = i, mid = i + w < n ? i + w : n, hi = i + 2 * w < n ? i + 2 * w : n;
			int x = lo, y = mid, k = lo;

			while (x < mid && y < hi) {
				if (f[y] < f[x] || (f[y] == f[x] && a[y] < a[x])) {
					ta[k] = a[y];
					tf[k++] = f[y++];
				} else {
					ta[k] = a[x];
					tf[k++] = f[x++];
				}
			}
			for (; x < mid; x++, k++) {
				ta[k] = a[x];
				tf[k] = f[x];
			}
			for (; y < hi; y++, k++) {
				ta[k] = a[y];
				tf[k] = f[y];
			}
		}
		memcpy(a, ta, (size_t)n * sizeof *a);
		memcpy(f, tf, (size_t)n * sizeof *f);
	}
}

static void
candidates(struct run *r, const struct rorder *o)
{
	int i, j, c, nl = o->n;

	r->ncand = 0;
	r->nce = 0;
	r->stamp++;
	bands_for(r, o);
	/*
	 * one walk over each line's stock entries: the entries that may serve
	 * it, and the nodes that become candidates (stock there now, room)
	 */
	for (j = 0; j < nl; j++) {
		const struct rline *l = &r->lines[o->first + j];
		const struct ritem *it;
		const struct rstock *s, *end;

		if (l->pin != -1 || l->want == 0 || l->item < 0)
			continue;
		it = &r->items[l->item];
		for (s = &r->stock[it->first], end = s + it->nstock; s < end; s++) {
			const struct rrate *b;
			int64_t atp;
			struct centry *e;

			/* a node without room is no candidate: none of its entries count */
			if (!eligible(r, l, s->node) || !has_room(r, o, s->node))
				continue;
			atp = r->ideal ? s->atp0 : s->atp;
			if (atp <= 0) {
				/* counts only if another line makes its node a candidate:
				 * its cost then, when the band is known */
				e = PUSH(r->ce, r->nce, r->capce);
				e->line = j;
				e->node = s->node;
				e->atp = atp;
				e->unit = NAN;
				continue;
			}
			if ((b = band(r, o, s->node, line_dest(l), l)) == NULL)
				continue;
			e = PUSH(r->ce, r->nce, r->capce);
			e->line = j;
			e->node = s->node;
			e->atp = atp;
			e->unit = it->alone ? ship_cost(r, o, s->node, b, it->w, NULL) : b->per_kg * it->w;
			if (r->seen[s->node] == r->stamp)
				continue;
			r->seen[s->node] = r->stamp;
			if (r->ncand == r->capcand) {
				/* twice the room: the second half is cand_sort's */
				r->capcand = r->capcand ? 2 * r->capcand : 64;
				r->cand = xrealloc(r->cand, 2 * (size_t)r->capcand * sizeof *r->cand);
				r->candf = xrealloc(r->candf, 2 * (size_t)r->capcand * sizeof *r->candf);
			}
			r->cand[r->ncand] = s->node;
			r->candf[r->ncand] = ship_cost(r, o, s->node, b, 0, NULL);
			r->ncand++;
		}
	}
	cand_sort(r);
	if ((size_t)r->ncand * (size_t)nl > r->capcm) {
		r->capcm = (size_t)r->ncand * (size_t)nl * 2;
		r->catp = xrealloc(r->catp, r->capcm * sizeof *r->catp);
		r->cunit = xrealloc(r->cunit, r->capcm * sizeof *r->cunit);
	}
	for (c = 0; c < r->ncand; c++) {
		r->cidx[r->cand[c]] = c;
		for (j = 0; j < nl; j++) {
			r->catp[(size_t)c * nl + j] = 0;
			r->cunit[(size_t)c * nl + j] = INF;
		}
	}
	/* the stock of each line at each candidate, and its unit cost there */
	for (i = 0; i < r->nce; i++) {
		const struct centry *e = &r->ce[i];
		size_t x;

		if (r->seen[e->node] != r->stamp)
			continue;
		x = (size_t)r->cidx[e->node] * nl + (size_t)e->line;
		if (isnan(e->unit)) {
			const struct rline *l = &r->lines[o->first + e->line];
			const struct ritem *it = &r->items[l->item];
			const struct rrate *b = band(r, o, e->node, line_dest(l), l);

			if (b == NULL)
				continue;
			r->cunit[x] = it->alone ? ship_cost(r, o, e->node, b, it->w, NULL) :
			    b->per_kg * it->w;
		} else
			r->cunit[x] = e->unit;
		r->catp[x] = e->atp;
	}
}

/*
 * Drop the candidates at excluded nodes, the others keeping their order
 * and their stock and costs: what candidates() would now find, when only
 * exclusions changed since it ran for the same order.
 */
static void
cand_drop_excluded(struct run *r, const struct rorder *o)
{
	int c, k = 0, nl = o->n;

	for (c = 0; c < r->ncand; c++) {
		if (r->nodes[r->cand[c]].excluded)
			continue;
		if (k != c) {
			r->cand[k] = r->cand[c];
			r->candf[k] = r->candf[c];
			memmove(&r->catp[(size_t)k * nl], &r->catp[(size_t)c * nl],
			    (size_t)nl * sizeof *r->catp);
			memmove(&r->cunit[(size_t)k * nl], &r->cunit[(size_t)c * nl],
			    (size_t)nl * sizeof *r->cunit);
		}
		k++;
	}
	r->ncand = k;
}

/*
 * Line i of order o takes what it can, up to left units, from candidate c
 * into plan p (less what earlier lines of p took of the same sku there);
 * returns the units taken.
 */
static int64_t
take_units(struct run *r, const struct rorder *o, struct plan *p, int i, int c, int64_t left)
{
	const struct rline *l = &r->lines[o->first + i];
	int64_t atp = r->catp[(size_t)c * o->n + i], take;
	int n = r->cand[c], q;

	for (q = 0; q < p->n; q++)
		if (p->a[q].node == n && r->lines[p->a[q].line].item == l->item)
			atp -= p->a[q].qty;
	take = atp < left ? atp : left;
	if (take <= 0)
		return 0;
	plan_add(p, o->first + i, n, take);
	p->covered += take;
	return take;
}

/*
 * Place the unpinned units of order o on the candidates in set (indexes
 * into r->cand), each line on the set's cheapest nodes for it first, as
 * far as stock allows; result in p with its cost and the units it covers.
 */
static void
assign(struct run *r, const struct rorder *o, const int *set, int nset, struct plan *p)
{
	int i, k, j, nl = o->n;

	plan_clear(p);
	for (i = 0; i < nl; i++) {
		struct rline *l = &r->lines[o->first + i];
		int64_t left = l->want;
		int order[MAXSET + 2];

		if (l->pin != -1 || left == 0)
			continue;
		for (k = 0; k < nset; k++)
			order[k] = k;
		for (k = 1; k < nset; k++)
			for (j = k; j > 0 && r->cunit[(size_t)set[order[j]] * nl + i] <
			    r->cunit[(size_t)set[order[j - 1]] * nl + i]; j--) {
				int t = order[j];

				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		for (k = 0; k < nset && left > 0; k++) {
			int c = set[order[k]];
			int64_t take;

			if (r->cunit[(size_t)c * nl + i] >= INF)
				continue;
			take = take_units(r, o, p, i, c, left);
			left -= take;
		}
	}
	p->cost = plan_cost(r, o, p, NULL);
}

/* a better than b: covers more, else costs less */
static int
better(const struct plan *a, const struct plan *b)
{
	if (a->covered != b->covered)
		return a->covered > b->covered;
	return a->cost < b->cost - EPS;
}

/* A set of nset nodes is not over --max-splits by its size alone. */
static int
set_ok(struct run *r, int nset)
{
	return r->o->max_splits < 0 || nset - 1 <= r->o->max_splits;
}

/* The candidates set[0 .. nset) keep o within --max-splits. */
static int
set_within(struct run *r, const struct rorder *o, const int *set, int nset)
{
	int nodes[MAXSET + 1], i;

	assert(nset <= MAXSET + 1);
	if (r->o->max_splits < 0)
		return 1;
	for (i = 0; i < nset; i++)
		nodes[i] = r->cand[set[i]];
	return within_limit(r, o, NULL, nodes, nset);
}

/* Candidate c can ship every unpinned unit of o by itself. */
static int
holds_all(struct run *r, const struct rorder *o, int c)
{
	int i, j, nl = o->n;

	for (i = 0; i < nl; i++) {
		const struct rline *l = &r->lines[o->first + i];
		int64_t need = 0;

		if (l->pin != -1 || l->want == 0)
			continue;
		if (r->cunit[(size_t)c * nl + i] >= INF)
			return 0;
		for (j = 0; j < nl; j++)
			if (r->lines[o->first + j].pin == -1 &&
			    r->lines[o->first + j].item == l->item)
				need += r->lines[o->first + j].want;
		if (r->catp[(size_t)c * nl + i] < need)
			return 0;
	}
	return 1;
}

/* The best plan for o on the candidates found, in *out. */
static void
respond(struct run *r, const struct rorder *o, struct plan *out)
{
	int set[MAXSET];
	int i, j, k, nset, top;

	plan_clear(out);
	out->covered = -1;
	r->responses++;
	/* single nodes: those that hold it all (a partial one is never
	 * better than the covers below) */
	for (i = 0; i < r->ncand; i++) {
		if (!holds_all(r, o, i) || !set_within(r, o, &i, 1))
			continue;
		assign(r, o, &i, 1, &r->tmp);
		if (better(&r->tmp, out))
			plan_copy(out, &r->tmp);
	}
	/*
	 * pairs, unless no split can win: two shipments cost at least the two
	 * cheapest fixed costs and the split penalty
	 */
	if (!set_ok(r, 2) || r->ncand < 2 || (out->covered == o->need &&
	    out->cost <= r->candf[0] + r->candf[1] + r->o->split_penalty))
		goto done;
	top = r->ncand < TOPK ? r->ncand : TOPK;
	for (i = 0; i < top; i++)
		for (j = i + 1; j < top; j++) {
			set[0] = i;
			set[1] = j;
			if (!set_within(r, o, set, 2))
				continue;
			assign(r, o, set, 2, &r->tmp);
			if (better(&r->tmp, out))
				plan_copy(out, &r->tmp);
		}
	/*
	 * greedy cover, when no pair covers it all: add the node that covers
	 * most of what is still uncovered (the cheaper on a tie), until all is
	 */
	if (out->covered == o->need)
		goto done;
	{
		int64_t rem[64];
		int nl = o->n < 64 ? o->n : 64;

		for (j = 0; j < nl; j++) {
			const struct rline *l = &r->lines[o->first + j];

			rem[j] = l->pin == -1 ? l->want : 0;
		}
		for (nset = 0; nset < MAXSET && set_ok(r, nset + 1); nset++) {
			int64_t gain, bestgain = 0;
			int pick = -1;

			for (k = 0; k < r->ncand; k++) {
				int in = 0;

				for (j = 0; j < nset && !in; j++)
					in = set[j] == k;
				if (in)
					continue;
				set[nset] = k;
				if (!set_within(r, o, set, nset + 1))
					continue;
				for (gain = 0, j = 0; j < nl; j++) {
					int64_t a = r->catp[(size_t)k * o->n + j];

					if (r->cunit[(size_t)k * o->n + j] < INF)
						gain += a < rem[j] ? a : rem[j];
				}
				if (gain > bestgain) {
					bestgain = gain;
					pick = k;
				}
			}
			if (pick < 0)
				break;
			set[nset] = pick;
			for (j = 0; j < nl; j++) {
				int64_t a = r->catp[(size_t)pick * o->n + j];

				if (r->cunit[(size_t)pick * o->n + j] < INF)
					rem[j] -= a < rem[j] ? a : rem[j];
			}
			assign(r, o, set, nset + 1, &r->tmp);
			if (better(&r->tmp, out))
				plan_copy(out, &r->tmp);
			if (r->tmp.covered == o->need)
				break;
		}
	}
done:
	if (out->covered < 0) {
		plan_clear(out);
		out->cost = 0;
	}
}

/* The best plan for o against what is left (or the whole network), in *out. */
static void
best_response(struct run *r, const struct rorder *o, struct plan *out)
{
	candidates(r, o);
	respond(r, o, out);
}

static int plan_uses(const struct plan *p, int node);

/* The plain baseline: the nearest node that holds it all, else line by line. */
static void
greedy_response(struct run *r, const struct rorder *o, struct plan *out)
{
	int i, k, nl = o->n;

	plan_clear(out);
	candidates(r, o);
	/* nearest first: the fixed cost grows with the distance band; ties
	 * broken by node index, as in candidates() */
	for (k = 0; k < r->ncand; k++) {
		if (!holds_all(r, o, k) || !set_within(r, o, &k, 1))
			continue;
		assign(r, o, &k, 1, &r->tmp);
		if (r->tmp.covered == o->need && r->tmp.cost < INF) {
			plan_copy(out, &r->tmp);
			return;
		}
	}
	for (i = 0; i < nl; i++) {
		struct rline *l = &r->lines[o->first + i];
		int64_t left = l->want;

		if (l->pin != -1)
			continue;
		for (k = 0; k < r->ncand && left > 0; k++) {
			int n = r->cand[k];

			if (r->cunit[(size_t)k * nl + i] >= INF)
				continue;
			if (!plan_uses(out, n) && !within_limit(r, o, out, &n, 1))
				continue;
			left -= take_units(r, o, out, i, k, left);
		}
	}
	out->cost = plan_cost(r, o, out, NULL);
}

/* --- applying plans ------------------------------------------------------------ */

static int
plan_uses(const struct plan *p, int node)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].node == node && p->a[i].qty > 0)
			return 1;
	return 0;
}

/* Take (sign 1) or give back (sign -1) what plan p of order oi uses. */
static void
apply(struct run *r, int oi, const struct plan *p, int sign)
{
	struct rorder *o = &r->orders[oi];
	int i, j;

	for (i = 0; i < p->n; i++) {
		const struct rasg *a = &p->a[i];
		struct rstock *s = stock_at(r, r->lines[a->line].item, a->node);
		int first = 1;

		if (r->dirty != NULL && r->lines[a->line].item >= 0)
			r->dirty[r->lines[a->line].item] = 1;
		if (s != NULL) {
			s->atp -= sign * a->qty;
			if (sign > 0) {
				struct ruse *us = &r->su[s - r->stock];
				int *u = PUSH(us->users, us->nusers, us->capusers);

				*u = oi;
			}
		}
		for (j = 0; j < i && first; j++)
			first = p->a[j].node != a->node;
		if (!first || order_kept(o, a->node))
			continue;
		if (r->nodes[a->node].cap != NOCAP)
			r->nodes[a->node].cap -= sign;
		if (sign > 0) {
			struct rnode *nd = &r->nodes[a->node];
			int *u = PUSH(nd->users, nd->nusers, nd->capusers);

			*u = oi;
		}
	}
}

/* Could plan p be applied to what is left now? */
static int
fits(struct run *r, const struct rorder *o, const struct plan *p)
{
	int i, j;

	for (i = 0; i < p->n; i++) {
		int64_t need = 0;
		int first = 1;

		for (j = 0; j < p->n; j++)
			if (p->a[j].node == p->a[i].node &&
			    r->lines[p->a[j].line].item == r->lines[p->a[i].line].item)
				need += p->a[j].qty;
		if (atp_of(r, r->lines[p->a[i].line].item, p->a[i].node) < need)
			return 0;
		for (j = 0; j < i && first; j++)
			first = p->a[j].node != p->a[i].node;
		if (first && !has_room(r, o, p->a[i].node))
			return 0;
	}
	return 1;
}

static void
set_plan(struct run *r, int oi, const struct plan *p)
{
	struct rorder *o = &r->orders[oi];

	plan_copy(&o->plan, p);
	apply(r, oi, &o->plan, 1);
}

static void
drop_plan(struct run *r, int oi)
{
	apply(r, oi, &r->orders[oi].plan, -1);
}

/*
 * Ejection: order oi pays more than it would with the network to itself.
 * Take its ideal plan; for a node where that plan lacks stock or room, ask
 * the orders using that node to re-plan without the contested resource;
 * accept the first exchange that lowers the total cost.
 */
static int
uses_stock(struct run *r, const struct plan *p, int node, int item)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].node == node && p->a[i].qty > 0 && r->lines[p->a[i].line].item == item)
			return 1;
	return 0;
}

/*
 * Ejection: order oi pays more than it would with the network to itself.
 * Take that ideal plan; where it lacks stock or room at a node, ask the
 * latest orders planned there to re-plan without it; keep the first
 * exchange that lowers the total cost.
 */
static int
eject(struct run *r, int oi)
{
	struct rorder *o = &r->orders[oi];
	struct plan *want = &r->save1, *alt = &r->save2;
	int i, u, done = 0;

	drop_plan(r, oi);
	plan_copy(want, &o->ideal_plan);
	if (want->covered < o->plan.covered || want->cost >= o->plan.cost - EPS ||
	    want->covered <= 0) {
		apply(r, oi, &o->plan, 1);
		return 0;
	}
	for (i = 0; i < want->n && !done; i++) {
		const struct rasg *a = &want->a[i];
		int item = r->lines[a->line].item;
		struct rstock *s = stock_at(r, item, a->node);
		struct rnode *nd = &r->nodes[a->node];
		int nusers, tried[EJECT_USERS], ntried = 0, by_stock;

		if (s == NULL)
			continue;
		by_stock = s->atp < a->qty;
		if (!by_stock && has_room(r, o, a->node))
			continue;
		nusers = by_stock ? r->su[s - r->stock].nusers : nd->nusers;
		for (u = nusers - 1; u >= 0 && u >= nusers - EJECT_SCAN && ntried < EJECT_USERS &&
		    !done; u--) {
			/* the lists grow (and move) as plans are applied below */
			int oj = (by_stock ? r->su[s - r->stock].users : nd->users)[u], k, dup = 0;
			struct rorder *p = &r->orders[oj];

			if (oj == oi || (by_stock ? !uses_stock(r, &p->plan, a->node, item) :
			    !plan_uses(&p->plan, a->node)))
				continue;
			for (k = 0; k < ntried && !dup; k++)
				dup = tried[k] == oj;
			if (dup)
				continue;
			tried[ntried++] = oj;
			drop_plan(r, oj);
			/*
			 * with the other order's resources free, the first one
			 * re-plans (its ideal plan when that fits), then the
			 * other takes what is left
			 */
			if (fits(r, o, want))
				plan_copy(&r->save3, want);
			else
				best_response(r, o, &r->save3);
			apply(r, oi, &r->save3, 1);
			best_response(r, p, alt);
			apply(r, oi, &r->save3, -1);
			if (alt->covered >= p->plan.covered &&
			    r->save3.covered >= o->plan.covered &&
			    r->save3.cost + alt->cost < o->plan.cost + p->plan.cost - EPS) {
				set_plan(r, oj, alt);
				set_plan(r, oi, &r->save3);
				done = 1;
			} else {
				apply(r, oj, &p->plan, 1);
			}
		}
	}
	if (!done)
		apply(r, oi, &o->plan, 1);
	return done;
}

/* --- large-neighbourhood search ---------------------------------------------- */

/*
 * A deterministic generator (splitmix64), seeded from the batch: the same
 * store and flags give the same run.
 */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int
rng_below(uint64_t *s, int n)
{
	return (int)(rng_next(s) % (uint64_t)n);
}

struct lns {
	int set[LNS_SET], nset;
	int perm[LNS_SET];
	struct plan old[LNS_SET], best[LNS_SET];
};

static int
lns_has(const struct lns *z, int oi)
{
	int i;

	for (i = 0; i < z->nset; i++)
		if (z->set[i] == oi)
			return 1;
	return 0;
}

/*
 * Add to the set up to picks orders planned on a stock entry (item >= 0)
 * or a node (item -1), at random among the latest users of its list.
 */
static void
lns_pick(struct run *r, struct lns *z, int node, int item, int picks, uint64_t *rng)
{
	struct rstock *s = item >= 0 ? stock_at(r, item, node) : NULL;
	const int *users;
	int nusers, lo, tries;

	if (item >= 0 && s == NULL)
		return;
	users = s ? r->su[s - r->stock].users : r->nodes[node].users;
	nusers = s ? r->su[s - r->stock].nusers : r->nodes[node].nusers;
	lo = nusers > EJECT_SCAN ? nusers - EJECT_SCAN : 0;
	for (tries = 0; tries < 2 * picks + 2 && picks > 0 && nusers > lo &&
	    z->nset < LNS_SET; tries++) {
		int oj = users[lo + rng_below(rng, nusers - lo)];
		const struct plan *p = &r->orders[oj].plan;

		if (lns_has(z, oj) || (s ? !uses_stock(r, p, node, item) : !plan_uses(p, node)))
			continue;
		z->set[z->nset++] = oj;
		picks--;
	}
}

/* One round: take the set off the network, re-plan it, keep it if better. */
static int
lns_round(struct run *r, struct lns *z, int seed, uint64_t *rng)
{
	double oldcost = 0, bestcost = INF;
	int64_t bestcov = -1;
	int i, j, t, m, ok;

	z->nset = 0;
	z->set[z->nset++] = seed;
	/* the orders holding what the members want or use, breadth first */
	for (m = 0; m < z->nset && z->nset < LNS_SET; m++) {
		const struct rorder *o = &r->orders[z->set[m]];
		const struct plan *ps[2] = { &o->ideal_plan, &o->plan };
		int q;

		for (q = 0; q < 2; q++)
			for (i = 0; i < ps[q]->n && z->nset < LNS_SET; i++) {
				const struct rasg *a = &ps[q]->a[i];
				int item = r->lines[a->line].item;

				if (item < 0)
					continue;
				lns_pick(r, z, a->node, item, m == 0 ? 2 : 1, rng);
				if (m == 0 && q == 0 && !has_room(r, o, a->node))
					lns_pick(r, z, a->node, -1, 2, rng);
			}
	}
	if (z->nset < 2)
		return 0;
	for (i = 0; i < z->nset; i++) {
		plan_copy(&z->old[i], &r->orders[z->set[i]].plan);
		oldcost += z->old[i].cost;
		drop_plan(r, z->set[i]);
	}
	for (t = 0; t < LNS_TRIES; t++) {
		double cost = 0;

		for (i = 0; i < z->nset; i++)
			z->perm[i] = i;
		if (t > 0)	/* the first try in the order met, then shuffled */
			for (i = z->nset - 1; i > 0; i--) {
				int k = rng_below(rng, i + 1), x = z->perm[i];

				z->perm[i] = z->perm[k];
				z->perm[k] = x;
			}
		ok = 1;
		for (i = 0; i < z->nset; i++) {
			int oi = z->set[z->perm[i]];

			best_response(r, &r->orders[oi], &r->best);
			if (r->best.covered < z->old[z->perm[i]].covered)
				ok = 0;
			cost += r->best.cost;
			set_plan(r, oi, &r->best);
		}
		if (ok)	/* each again, with the others in place */
			for (i = 0; i < z->nset; i++) {
				int oi = z->set[z->perm[i]];
				struct rorder *o = &r->orders[oi];

				drop_plan(r, oi);
				best_response(r, o, &r->best);
				if (r->best.covered >= o->plan.covered && r->best.cost < o->plan.cost - EPS) {
					cost += r->best.cost - o->plan.cost;
					set_plan(r, oi, &r->best);
				} else
					apply(r, oi, &o->plan, 1);
			}
		if (ok && cost < bestcost - EPS) {
			bestcost = cost;
			bestcov = 0;
			for (i = 0; i < z->nset; i++)
				plan_copy(&z->best[i], &r->orders[z->set[i]].plan);
		}
		for (i = 0; i < z->nset; i++)
			drop_plan(r, z->set[i]);
	}
	ok = bestcov >= 0 && bestcost < oldcost + EPS;
	for (j = 0; j < z->nset; j++)
		set_plan(r, z->set[j], ok ? &z->best[j] : &z->old[j]);
	return ok;
}

static double total_cost(struct run *r);

static int
unhappy(const struct rorder *o)
{
	return o->plan.n > 0 && (o->plan.covered < o->need || o->plan.cost > o->ideal + EPS);
}

/*
 * Large-neighbourhood search: an order that pays more than it would alone
 * and the orders holding what it wants are taken off together and
 * re-planned in turn, in two orders; the better result is kept when it
 * does not raise their total.  A fixed number of rounds: repeatable.
 */
static void
lns(struct run *r, int parts, uint64_t *rngp)
{
	struct lns *z = xcalloc(1, sizeof *z);
	int *cand = xcalloc((size_t)r->norders + 1, sizeof *cand);
	int i, n = 0;
	long rounds, it, moves = 0;
	uint64_t rng = *rngp;
	double before = total_cost(r);

	for (i = 0; i < r->norders; i++)
		if (unhappy(&r->orders[i]))
			cand[n++] = i;
	/*
	 * the budget: a batch of a few thousand orders gets its twenty rounds
	 * an order; a large one, whose own phases take the time, fewer
	 */
	rounds = (long)n * LNS_PER_ORDER;
	if (rounds > LNS_WORK / (r->norders + 1))
		rounds = LNS_WORK / (r->norders + 1);
	rounds /= parts;
	for (it = 0; it < rounds && n > 0; it++) {
		int k = rng_below(&rng, n), oi = cand[k];

		if (!unhappy(&r->orders[oi])) {
			cand[k] = cand[--n];
			continue;
		}
		moves += lns_round(r, z, oi, &rng);
	}
	diag_info("neighbourhood search: %ld %s, %ld kept, cost %.2f -> %.2f (%ld best "
	    "%s so far)", it, plural(it, "round", "rounds"), moves, before, total_cost(r),
	    r->responses, plural(r->responses, "response", "responses"));
	for (i = 0; i < LNS_SET; i++) {
		free(z->old[i].a);
		free(z->best[i].a);
	}
	free(z);
	free(cand);
	*rngp = rng;
}

/* --- the units of one sku, re-assigned exactly -------------------------------- */

/*
 * Every single-unit line of one sku on the network at once: with the rest
 * of each order where it is, moving the line to another node that holds
 * the sku costs what its order's plan then costs; the cheapest assignment
 * of the lines to the sku's stock (a transportation problem, solved
 * exactly by shortest augmenting paths) may move many lines in a chain no
 * exchange of two orders finds.  Orders with more than one such line of
 * the sku stay put (their costs would not add up).
 */
struct tp {
	int *line, *order, *asg;	/* per line: its plan entry */
	int *at;			/* its stock entry now, then chosen */
	int *ent, *cap, *used;		/* per stock entry in play: its index */
	int *head, nxt[TP_CHUNK], prv[TP_CHUNK];	/* the lines on each entry */
	int opt[TP_CHUNK][TP_OPTS], nopt[TP_CHUNK];	/* each line's cheapest entries */
	double *c;			/* [line * nst + entry] */
	double *dist;
	int *pred, *inq, *queue;
	int m, nst, capm, capst;
	unsigned *ostamp, ostampv;
	struct plan *newp;
	int capnewp;
};

static void
tp_grow(struct tp *t, int m, int nst)
{
	if (m > t->capm) {
		t->capm = m * 2;
		t->line = xrealloc(t->line, (size_t)t->capm * sizeof *t->line);
		t->order = xrealloc(t->order, (size_t)t->capm * sizeof *t->order);
		t->asg = xrealloc(t->asg, (size_t)t->capm * sizeof *t->asg);
	}
	if (nst <= t->capst)
		return;
	/* a chunk's lines against the sku's entries */
	t->capst = nst * 2;
	t->at = xrealloc(t->at, TP_CHUNK * sizeof *t->at);
	t->c = xrealloc(t->c, (size_t)TP_CHUNK * (size_t)t->capst * sizeof *t->c);
	t->ent = xrealloc(t->ent, (size_t)t->capst * sizeof *t->ent);
	t->cap = xrealloc(t->cap, (size_t)t->capst * sizeof *t->cap);
	t->head = xrealloc(t->head, (size_t)t->capst * sizeof *t->head);
	t->used = xrealloc(t->used, (size_t)t->capst * sizeof *t->used);
	t->dist = xrealloc(t->dist, (size_t)(TP_CHUNK + t->capst) * sizeof *t->dist);
	t->pred = xrealloc(t->pred, (size_t)(TP_CHUNK + t->capst) * sizeof *t->pred);
	t->inq = xrealloc(t->inq, (size_t)(TP_CHUNK + t->capst) * sizeof *t->inq);
	t->queue = xrealloc(t->queue, (size_t)(TP_CHUNK + t->capst) * sizeof *t->queue);
}

/* Shortest augmenting path from line u to a stock entry with room; 0 if none. */
static int
tp_augment(struct tp *t, int u)
{
	int m = t->m, nst = t->nst, V = m + nst, head = 0, tail = 0, i, k, best = -1;
	long steps = 0;

	for (i = 0; i < V; i++) {
		t->dist[i] = INF;
		t->pred[i] = -1;
		t->inq[i] = 0;
	}
	t->dist[u] = 0;
	t->queue[tail++] = u;
	t->inq[u] = 1;
	/* SPFA: vertices 0..m-1 lines, m..m+nst-1 stock entries */
	while (head != tail) {
		int v = t->queue[head];

		head = head + 1 == V ? 0 : head + 1;
		t->inq[v] = 0;
		if (++steps > 64L * V * V)
			break;	/* cannot happen without a negative cycle */
		if (v < m) {
			int j;

			for (j = 0; j < t->nopt[v]; j++) {
				double d;

				k = t->opt[v][j];
				d = t->dist[v] + t->c[(size_t)v * nst + k];
				if (k == t->at[v] || d >= t->dist[m + k] - EPS)
					continue;
				t->dist[m + k] = d;
				t->pred[m + k] = v;
				if (!t->inq[m + k]) {
					t->inq[m + k] = 1;
					t->queue[tail] = m + k;
					tail = tail + 1 == V ? 0 : tail + 1;
				}
			}
		} else {
			k = v - m;
			for (i = t->head[k]; i >= 0; i = t->nxt[i]) {
				double d;

				d = t->dist[v] - t->c[(size_t)i * nst + k];
				if (d >= t->dist[i] - EPS)
					continue;
				t->dist[i] = d;
				t->pred[i] = v;
				if (!t->inq[i]) {
					t->inq[i] = 1;
					t->queue[tail] = i;
					tail = tail + 1 == V ? 0 : tail + 1;
				}
			}
		}
	}
	for (k = 0; k < nst; k++)
		if (t->used[k] < t->cap[k] && t->dist[m + k] < INF &&
		    (best < 0 || t->dist[m + k] < t->dist[m + best] - EPS))
			best = k;
	if (best < 0)
		return 0;
	t->used[best]++;
	/* walk back: entry <- line <- entry <- line ... <- u */
	for (k = best; ; ) {
		int l = t->pred[m + k], prev = t->at[l];

		if (prev >= 0) {	/* off its entry, onto k */
			if (t->prv[l] >= 0)
				t->nxt[t->prv[l]] = t->nxt[l];
			else
				t->head[prev] = t->nxt[l];
			if (t->nxt[l] >= 0)
				t->prv[t->nxt[l]] = t->prv[l];
		}
		t->prv[l] = -1;
		t->nxt[l] = t->head[k];
		if (t->head[k] >= 0)
			t->prv[t->head[k]] = l;
		t->head[k] = l;
		t->at[l] = k;
		if (l == u)
			break;
		k = prev;
	}
	return 1;
}

/*
 * Lines base .. base + m - 1 of the sku's list, against the stock entries
 * with units free or one of these lines on them.
 */
static int
tp_chunk(struct run *r, struct tp *t, int item, int base, int m)
{
	struct ritem *it = &r->items[item];
	int nst = 0, k, i, u, ok = 1, moved = 0;
	double before = 0, after = 0;

	/* the entries in play: free units, or one of the lines now */
	for (k = 0; k < it->nstock; k++) {
		struct rstock *s = &r->stock[it->first + k];
		int here = 0;

		for (u = 0; u < m && !here; u++)
			here = r->orders[t->order[base + u]].plan.a[t->asg[base + u]].node == s->node;
		if (s->atp <= 0 && !here)
			continue;
		t->ent[nst] = it->first + k;
		t->cap[nst] = (int)(s->atp > INT_MAX / 2 ? INT_MAX / 2 : s->atp);
		t->used[nst] = 0;
		nst++;
	}
	if (nst < 2)
		return 0;
	t->m = m;
	t->nst = nst;
	for (u = 0; u < m; u++) {
		struct rorder *o = &r->orders[t->order[base + u]];
		struct rasg *a = &o->plan.a[t->asg[base + u]];
		const struct rline *l = &r->lines[t->line[base + u]];
		int cur = a->node;

		bands_for(r, o);
		before += o->plan.cost;
		for (k = 0; k < nst; k++) {
			int n = r->stock[t->ent[k]].node;
			double *c = &t->c[(size_t)u * nst + k];

			if (n == cur) {
				t->cap[k]++;
				*c = o->plan.cost;
				continue;
			}
			if (!eligible(r, l, n) || band(r, o, n, line_dest(l), l) == NULL ||
			    (!plan_uses(&o->plan, n) && !has_room(r, o, n))) {
				*c = INF;
				continue;
			}
			a->node = n;
			*c = within_limit(r, o, &o->plan, NULL, 0) ? plan_cost(r, o, &o->plan, NULL) :
			    INF;
			a->node = cur;
		}
	}
	/*
	 * each line's options: its TP_OPTS cheapest entries and its own; no
	 * line with a cheaper one, nothing to gain
	 */
	for (u = 0; u < m; u++) {
		const double *c = &t->c[(size_t)u * nst];
		int *op = t->opt[u], n = 0, cur = -1, j;

		for (k = 0; k < nst; k++) {
			if (r->stock[t->ent[k]].node ==
			    r->orders[t->order[base + u]].plan.a[t->asg[base + u]].node)
				cur = k;
			if (c[k] >= INF)
				continue;
			if (n < TP_OPTS)
				j = n++;
			else if (c[k] >= c[op[TP_OPTS - 1]])
				continue;
			else
				j = TP_OPTS - 1;
			for (; j > 0 && c[op[j - 1]] > c[k]; j--)
				op[j] = op[j - 1];
			op[j] = k;
		}
		for (j = 0; j < n && op[j] != cur; j++)
			;
		if (j == n) {	/* its own, last */
			if (n == TP_OPTS)
				n--;
			op[n++] = cur;
		}
		t->nopt[u] = n;
		if (c[op[0]] < c[cur] - EPS)
			ok = 2;
	}
	if (ok != 2)
		return 0;
	ok = 1;
	/* from nothing: each line in turn by its shortest augmenting path */
	for (u = 0; u < m; u++)
		t->at[u] = -1;
	for (k = 0; k < nst; k++)
		t->head[k] = -1;
	for (u = 0; u < m && ok; u++)
		ok = tp_augment(t, u);
	if (!ok)
		return 0;
	for (u = 0; u < m; u++)
		after += t->c[(size_t)u * nst + t->at[u]];
	if (after >= before - EPS)
		return 0;
	/* apply: the moved orders' plans with their line at its new node */
	if (t->capnewp < m) {
		t->newp = xrealloc(t->newp, (size_t)m * sizeof *t->newp);
		memset(t->newp + t->capnewp, 0, (size_t)(m - t->capnewp) * sizeof *t->newp);
		t->capnewp = m;
	}
	for (u = 0; u < m; u++) {
		struct rorder *o = &r->orders[t->order[base + u]];
		int q = t->asg[base + u];

		plan_copy(&t->newp[u], &o->plan);
		t->newp[u].a[q].node = r->stock[t->ent[t->at[u]]].node;
		t->newp[u].cost = plan_cost(r, o, &t->newp[u], NULL);
		if (t->newp[u].a[q].node != o->plan.a[q].node)
			drop_plan(r, t->order[base + u]);
	}
	for (u = 0; u < m && ok; u++) {
		struct rorder *o = &r->orders[t->order[base + u]];
		int q = t->asg[base + u];
		struct plan keep;

		if (t->newp[u].a[q].node == o->plan.a[q].node)
			continue;
		if (!fits(r, o, &t->newp[u])) {
			ok = 0;
			break;
		}
		/* the old plan is kept in newp, should all be undone */
		keep = o->plan;
		o->plan = t->newp[u];
		t->newp[u] = keep;
		apply(r, t->order[base + u], &o->plan, 1);
		moved++;
	}
	if (!ok) {	/* undo (capacity, should two moves need one slot) */
		for (i = 0; i < u; i++) {
			struct rorder *o = &r->orders[t->order[base + i]];
			int q = t->asg[base + i];
			struct plan keep;

			if (t->newp[i].a[q].node == o->plan.a[q].node)
				continue;
			drop_plan(r, t->order[base + i]);
			keep = o->plan;
			o->plan = t->newp[i];
			t->newp[i] = keep;
		}
		for (i = 0; i < m; i++) {
			int q = t->asg[base + i];

			if (t->newp[i].a[q].node != r->orders[t->order[base + i]].plan.a[q].node)
				apply(r, t->order[base + i], &r->orders[t->order[base + i]].plan, 1);
		}
		return 0;
	}
	return moved;
}

/* The single-unit lines of the sku now on the network, in chunks. */
static int
tp_item(struct run *r, struct tp *t, int item)
{
	struct ritem *it = &r->items[item];
	int k, q, i, n = 0, base, moved = 0;

	/* nothing on its stock changed since it was last solved: no gain */
	if (it->nstock < 2 || !r->dirty[item])
		return 0;
	r->dirty[item] = 0;
	t->ostampv++;
	for (k = 0; k < it->nstock; k++) {
		const struct ruse *us = &r->su[it->first + k];

		for (q = 0; q < us->nusers; q++) {
			int oi = us->users[q], line = -1, asg = -1, bad = 0;
			struct rorder *o = &r->orders[oi];

			if (t->ostamp[oi] == t->ostampv)
				continue;
			t->ostamp[oi] = t->ostampv;
			for (i = 0; i < o->plan.n && !bad; i++) {
				const struct rasg *a = &o->plan.a[i];

				if (r->lines[a->line].item != item || a->qty == 0)
					continue;
				if (line >= 0 || a->qty != 1 || r->lines[a->line].want != 1)
					bad = 1;
				line = a->line;
				asg = i;
			}
			if (bad || line < 0)
				continue;
			tp_grow(t, n + 1, it->nstock);
			t->line[n] = line;
			t->order[n] = oi;
			t->asg[n] = asg;
			n++;
		}
	}
	tp_grow(t, n > TP_CHUNK ? n : TP_CHUNK, it->nstock);
	for (base = 0; base + 1 < n; base += TP_CHUNK)
		moved += tp_chunk(r, t, item, base, n - base < TP_CHUNK ? n - base : TP_CHUNK);
	return moved;
}

static double total_cost(struct run *r);

/* Every sku in turn, passes times. */
static void
tp_all(struct run *r, int passes)
{
	struct tp t;
	int i, p;
	long moved = 0;
	double before = total_cost(r);

	memset(&t, 0, sizeof t);
	t.ostamp = xcalloc((size_t)r->norders + 1, sizeof *t.ostamp);
	for (p = 0; p < passes; p++) {
		long m = 0;

		for (i = 0; i < r->nitems; i++)
			m += tp_item(r, &t, i);
		moved += m;
		if (m == 0)
			break;
	}
	diag_info("chains of one sku: %d %s, %ld %s moved, cost %.2f -> %.2f", p,
	    plural(p, "pass", "passes"), moved, plural(moved, "line", "lines"), before,
	    total_cost(r));
	for (i = 0; i < t.capnewp; i++)
		free(t.newp[i].a);
	free(t.newp);
	free(t.line);
	free(t.order);
	free(t.asg);
	free(t.at);
	free(t.ent);
	free(t.head);
	free(t.cap);
	free(t.used);
	free(t.c);
	free(t.dist);
	free(t.pred);
	free(t.inq);
	free(t.queue);
	free(t.ostamp);
}

/* --- reading ------------------------------------------------------------------- */

static const char *
text_or_empty(const struct store_row *row, int col)
{
	const char *v = store_col_text(row, col);

	return v ? v : "";
}

static int
node_row(void *ctx, const struct store_row *row)
{
	struct run *r = ctx;
	struct rnode *n = PUSH(r->nodes, r->nnodes, r->capnodes);
	const char *type = store_col_text(row, 1);

	memset(n, 0, sizeof *n);
	n->id = xstrdup(store_col_text(row, 0));
	n->vendor = strcmp(type, "vendor") == 0;
	n->active = (int)store_col_int(row, 2);
	n->ship = (int)store_col_int(row, 3);
	n->placed = !store_col_null(row, 6) && !store_col_null(row, 7);
	if (!n->placed) {
		n->code = xstrdup(text_or_empty(row, 12));
		n->country = xstrdup(text_or_empty(row, 13));
	}
	n->lat = store_col_real(row, 6);
	n->lon = store_col_real(row, 7);
	unit_vector(n->lat, n->lon, n->xyz);
	n->handling = store_col_real(row, 8);
	n->proc = (int)store_col_int(row, 9);
	n->cap = store_col_null(row, 10) ? NOCAP : store_col_int(row, 10) - store_col_int(row, 11);
	n->closed = !store_col_null(row, 10) && store_col_int(row, 10) == 0;
	if (n->cap < 0)
		n->cap = 0;
	if (r->o->evacuate != NULL && strcmp(r->o->evacuate, n->id) == 0)
		n->excluded = 1;
	strmap_put(&r->node_ix, n->id, (void *)(intptr_t)r->nnodes);
	return 0;
}

static int
rate_row(void *ctx, const struct store_row *row)
{
	struct run *r = ctx;
	struct rrate *t = PUSH(r->rates, r->nrates, r->caprates);

	t->max_km = store_col_real(row, 0);
	t->base = store_col_real(row, 1);
	t->per_kg = store_col_real(row, 2);
	t->transit = (int)store_col_int(row, 3);
	{
		double half = t->max_km / (2 * 6371.0088);
		double chord = half >= M_PI / 2 ? 2 : 2 * sin(half);

		t->chord2 = chord * chord * (1 + 1e-12);
	}
	return 0;
}

struct item_tmp {
	char *vendor;
};

static int
item_row(void *ctx, const struct store_row *row)
{
	struct run *r = ctx;
	struct ritem *it = PUSH(r->items, r->nitems, r->capitems);

	memset(it, 0, sizeof *it);
	it->w = store_col_real(row, 1);
	it->alone = (int)store_col_int(row, 2);
	it->vendor = lookup(&r->node_ix, store_col_text(row, 3));
	strmap_put(&r->item_ix, store_col_text(row, 0), (void *)(intptr_t)r->nitems);
	return 0;
}

static int
stock_row(void *ctx, const struct store_row *row)
{
	struct run *r = ctx;
	int n = lookup(&r->node_ix, store_col_text(row, 0));
	int i = lookup(&r->item_ix, store_col_text(row, 1));
	struct rstock *s;
	struct rqty *q;

	if (n < 0 || i < 0)
		return 0;
	s = PUSH(r->stock, r->nstock, r->capstock);
	memset(s, 0, sizeof *s);
	s->node = n;
	s->item = i;
	q = PUSH(r->sq, r->nsq, r->capsq);
	memset(q, 0, sizeof *q);
	q->on_hand = store_col_int(row, 2);
	q->safety = store_col_int(row, 3);
	q->routed = store_col_int(row, 4);
	q->released = store_col_int(row, 5);
	return 0;
}

/*
 * The lines come in the order of their keys (a plain scan, no sort in
 * SQL); the order of service, priority, then promise date (none last),
 * creation time, order id, is sorted here, by these keys of each order
 * (the dates as the text SQLite compares).
 */
struct okey {
	int64_t priority;
	size_t promise, created;	/* offsets in okeytext; promise 0: none */
	int order;
};

static int
line_row(void *ctx, const struct store_row *row)
{
	struct run *r = ctx;
	const char *oid = store_col_text(row, 0), *method = store_col_text(row, 5);
	const char *reason = store_col_text(row, 13);
	struct rorder *o = r->norders ? &r->orders[r->norders - 1] : NULL;
	struct rline *l;
	int pickup = method_handed_over(method);

	if (o == NULL || strcmp(o->id, oid) != 0) {
		const char *promise = store_col_text(row, 8);
		struct okey *k;
		int64_t pd;

		o = PUSH(r->orders, r->norders, r->caporders);
		memset(o, 0, sizeof *o);
		o->id = xstrdup(oid);
		o->first = r->nlines;
		o->placed = !store_col_null(row, 10) && !store_col_null(row, 11);
		if (!o->placed) {
			o->code = xstrdup(text_or_empty(row, 14));
			o->country = xstrdup(text_or_empty(row, 15));
		}
		o->lat = store_col_real(row, 10);
		o->lon = store_col_real(row, 11);
		unit_vector(o->lat, o->lon, o->xyz);
		pd = date_days(promise);
		o->slack = pd == INT64_MAX ? INT_MAX : (int)(pd - r->day);
		plan_clear(&o->plan);
		plan_clear(&o->pins);
		plan_clear(&o->ideal_plan);
		if (r->capokeys < r->caporders) {
			r->capokeys = r->caporders;
			r->okeys = xrealloc(r->okeys, (size_t)r->capokeys * sizeof *r->okeys);
		}
		k = &r->okeys[r->norders - 1];
		k->order = r->norders - 1;
		k->priority = store_col_int(row, 7);
		if (r->okeytext.len == 0)
			buf_addc(&r->okeytext, '\0');	/* offset 0: no promise date */
		k->promise = 0;
		if (promise != NULL) {
			k->promise = r->okeytext.len;
			buf_adds(&r->okeytext, promise);
			buf_addc(&r->okeytext, '\0');
		}
		k->created = r->okeytext.len;
		buf_adds(&r->okeytext, store_col_text(row, 9));
		buf_addc(&r->okeytext, '\0');
	}
	l = PUSH(r->lines, r->nlines, r->caplines);
	memset(l, 0, sizeof *l);
	o->n++;
	l->order = r->norders - 1;
	l->line_no = store_col_int(row, 1);
	l->sku = xstrdup(store_col_text(row, 2));
	l->item = lookup(&r->item_ix, l->sku);
	l->qty = store_col_int(row, 3);
	l->alloc = store_col_int(row, 4);
	l->back = store_col_int(row, 12);
	l->old_reason = reason ? xstrdup(reason) : NULL;
	l->pin = pickup ? lookup(&r->node_ix, store_col_text(row, 6)) : -1;
	if (pickup && l->pin < 0)
		l->pin = -2;	/* no such store: nothing can serve it */
	l->locker = strcmp(method, "locker") == 0 ?
	    lookup(&r->node_ix, store_col_text(row, 6)) : -1;
	l->want = l->alloc;
	return 0;
}

/* The line (order_id, line_no), while the lines are in the order of their keys. */
static int
line_find(struct run *r, const char *order_id, int64_t line_no)
{
	int lo = 0, hi = r->nlines - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const struct rline *l = &r->lines[mid];
		int c = strcmp(r->orders[l->order].id, order_id);

		if (c == 0)
			c = l->line_no < line_no ? -1 : l->line_no > line_no;
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int
work_row(void *ctx, const struct store_row *row)
{
	struct run *r = ctx;
	struct rwork *w;
	struct rline *l;
	int li;

	li = line_find(r, store_col_text(row, 0), store_col_int(row, 1));
	if (li < 0)
		return 0;
	l = &r->lines[li];
	w = PUSH(l->old, l->nold, l->capold);
	w->node = lookup(&r->node_ix, store_col_text(row, 2));
	w->qty = store_col_int(row, 3);
	w->inplay = 0;
	return 0;
}

/* The order order_id, while the orders are in the order of their keys; -1 none. */
static int
order_find(struct run *r, const char *order_id)
{
	int lo = 0, hi = r->norders - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(r->orders[mid].id, order_id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Work of an order in play released to a node or shipped from it. */
static int
used_row(void *ctx, const struct store_row *row)
{
	struct run *r = ctx;
	int oi = order_find(r, store_col_text(row, 0));
	int n = lookup(&r->node_ix, store_col_text(row, 1));
	int item = lookup(&r->item_ix, store_col_text(row, 4)), dest = 0;

	if (oi < 0 || n < 0)
		return 0;
	if (strcmp(store_col_text(row, 2), "locker") == 0)
		dest = lookup(&r->node_ix, store_col_text(row, 3)) + 1;
	used_add(&r->orders[oi], n, dest, item < 0 || !r->items[item].alone);
	return 0;
}

static const char *okey_text;	/* for okey_cmp */

static int
okey_cmp(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;
	int c;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if ((x->promise == 0) != (y->promise == 0))
		return x->promise == 0 ? 1 : -1;
	if (x->promise != 0 && (c = strcmp(okey_text + x->promise, okey_text + y->promise)) != 0)
		return c;
	if ((c = strcmp(okey_text + x->created, okey_text + y->created)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;	/* by id, as read */
}

/* Put the orders, and their lines with them, in the order of service. */
static void
service_order(struct run *r)
{
	struct rorder *orders;
	struct rline *lines;
	int i, k, n = 0;

	if (r->norders > 1) {
		okey_text = r->okeytext.s;
		qsort(r->okeys, (size_t)r->norders, sizeof *r->okeys, okey_cmp);
	}
	orders = xcalloc((size_t)r->caporders + 1, sizeof *orders);
	lines = xcalloc((size_t)r->caplines + 1, sizeof *lines);
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &orders[i];

		*o = r->orders[r->okeys[i].order];
		for (k = 0; k < o->n; k++) {
			lines[n + k] = r->lines[o->first + k];
			lines[n + k].order = i;
		}
		o->first = n;
		n += o->n;
	}
	free(r->orders);
	free(r->lines);
	r->orders = orders;
	r->lines = lines;
	free(r->okeys);
	r->okeys = NULL;
	buf_release(&r->okeytext);
}

/* --- deciding ------------------------------------------------------------------ */

/* Put routed work back in play: w of line l. */
static void
unroute(struct rline *l, struct rwork *w, int64_t qty)
{
	w->inplay += qty;
	l->want += qty;
}

/*
 * What moves this run: every allocation; routed work when --reroute, on
 * the evacuated node or an inactive one; and, where a node's stock no
 * longer covers what is routed there, the routed work of the lowest
 * priority lines there until it does.
 */
static void
choose_work(struct run *r)
{
	int i, k;

	for (i = 0; i < r->nlines; i++) {
		struct rline *l = &r->lines[i];

		for (k = 0; k < l->nold; k++) {
			struct rwork *w = &l->old[k];

			if (r->o->reroute || w->node < 0 || r->nodes[w->node].excluded ||
			    !r->nodes[w->node].active)
				unroute(l, w, w->qty);
		}
	}
	/* stock that no longer covers the work: kept = routed less in play */
	for (i = 0; i < r->nstock; i++)
		r->sq[i].kept = r->sq[i].routed;
	for (i = 0; i < r->nlines; i++)
		for (k = 0; k < r->lines[i].nold; k++) {
			struct rwork *w = &r->lines[i].old[k];
			struct rstock *s = w->node >= 0 && r->lines[i].item >= 0 ?
			    stock_at(r, r->lines[i].item, w->node) : NULL;

			if (s != NULL)
				r->sq[s - r->stock].kept -= w->inplay;
		}
	for (i = r->nlines - 1; i >= 0; i--) {
		struct rline *l = &r->lines[i];

		for (k = 0; k < l->nold; k++) {
			struct rwork *w = &l->old[k];
			struct rstock *s = w->node >= 0 && l->item >= 0 ?
			    stock_at(r, l->item, w->node) : NULL;
			struct rqty *q;
			int64_t over, take;

			if (s == NULL || w->qty == w->inplay)
				continue;
			q = &r->sq[s - r->stock];
			over = q->kept + q->released - (q->on_hand - q->safety);
			if (over <= 0)
				continue;
			take = w->qty - w->inplay < over ? w->qty - w->inplay : over;
			unroute(l, w, take);
			q->kept -= take;
		}
	}
}

/* ATP and capacity left for this run's work. */
static void
set_resources(struct run *r)
{
	int i, k, j;

	for (i = 0; i < r->nstock; i++) {
		struct rstock *s = &r->stock[i];
		const struct rqty *q = &r->sq[i];
		int64_t atp = q->on_hand - q->safety - q->released - q->kept;

		s->atp = s->atp0 = atp > 0 ? atp : 0;
	}
	/*
	 * a release slot for every order with work that stays at a node; the
	 * shipments that work makes are the order's already
	 */
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		for (k = o->first; k < o->first + o->n; k++) {
			struct rline *l = &r->lines[k];

			for (j = 0; j < l->nold; j++) {
				struct rwork *w = &l->old[j];
				int dup = 0, q;

				if (w->node < 0 || w->qty == w->inplay)
					continue;
				if (l->pin == -1)
					used_add(o, w->node, line_dest(l), l->item < 0 ||
					    !r->items[l->item].alone);
				for (q = 0; q < o->nkept && !dup; q++)
					dup = o->kept[q] == w->node;
				if (dup)
					continue;
				o->kept = xrealloc(o->kept, (size_t)(o->nkept + 1) * sizeof *o->kept);
				o->kept[o->nkept++] = w->node;
				if (r->nodes[w->node].cap != NOCAP && r->nodes[w->node].cap > 0)
					r->nodes[w->node].cap--;
			}
		}
	}
	for (i = 0; i < r->nnodes; i++)
		r->nodes[i].cap0 = r->nodes[i].cap;
}

/* Pickup and curbside lines go to their store, as far as its stock allows. */
static void
place_pins(struct run *r)
{
	int i, k;

	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		for (k = o->first; k < o->first + o->n; k++) {
			struct rline *l = &r->lines[k];
			struct rstock *s;
			int64_t take;

			if (l->pin == -1 || l->want == 0)
				continue;
			/*
			 * a store whose capacity_per_day is 0 would never release
			 * it: the line stays allocated, waiting for the store to
			 * take releases (or the order to change)
			 */
			if (l->pin >= 0 && r->nodes[l->pin].active && r->nodes[l->pin].closed) {
				l->closed = 1;
				diag_warn("order \"%s\" line %lld: its store \"%s\" takes no releases "
				    "(capacity_per_day 0); left allocated", quote_value(o->id),
				    (long long)l->line_no, r->nodes[l->pin].id);
				continue;
			}
			s = l->pin >= 0 && l->item >= 0 && r->nodes[l->pin].active ?
			    stock_at(r, l->item, l->pin) : NULL;
			take = s == NULL ? 0 : s->atp < l->want ? s->atp : l->want;
			if (take > 0) {
				struct rnode *nd = &r->nodes[l->pin];

				plan_add(&o->pins, k, l->pin, take);
				s->atp -= take;
				s->atp0 -= take;
				/* the order's release at its store takes a slot of the
				 * day (when one is left: the pickup cannot go elsewhere) */
				if (!order_kept(o, l->pin)) {
					o->kept = xrealloc(o->kept, (size_t)(o->nkept + 1) *
					    sizeof *o->kept);
					o->kept[o->nkept++] = l->pin;
					if (nd->cap != NOCAP && nd->cap > 0) {
						nd->cap--;
						nd->cap0--;
					}
				}
			}
			l->short_units = l->want - take;
		}
	}
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		for (k = o->first; k < o->first + o->n; k++)
			if (r->lines[k].pin == -1 && r->lines[k].item >= 0)
				o->need += r->lines[k].want;
	}
}

/*
 * Lines whose destination (the ship-to, or the locker) cannot be placed
 * take no part in the plan: their units go back to backorder (settle).
 */
static void
destinations(struct run *r)
{
	int i, k;

	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		for (k = o->first; k < o->first + o->n; k++) {
			struct rline *l = &r->lines[k];

			if (l->pin != -1 || l->want == 0 || l->item < 0 ||
			    (l->locker >= 0 ? r->nodes[l->locker].placed : o->placed))
				continue;
			l->nowhere = l->want;
			l->want = 0;
			if (!o->nowhere)
				r->n->unplaced++;
			o->nowhere |= l->locker >= 0 ? NOWHERE_LOCKER : NOWHERE_SHIP_TO;
		}
	}
}

static int
routable(const struct rorder *o)
{
	return o->need > 0;
}

static double
total_cost(struct run *r)
{
	double t = 0;
	int i;

	for (i = 0; i < r->norders; i++)
		if (r->orders[i].plan.cost < INF)
			t += r->orders[i].plan.cost;
	return t;
}

static int64_t
total_covered(struct run *r)
{
	int64_t t = 0;
	int i;

	for (i = 0; i < r->norders; i++)
		t += r->orders[i].plan.covered > 0 ? r->orders[i].plan.covered : 0;
	return t;
}

/*
 * A local search can end worse than the plain greedy on a small book;
 * build that too, on the same network, and keep whichever is better, so
 * oms-route is never worse than the baseline it is measured against.
 */
static void
keep_better_of_greedy(struct run *r)
{
	struct plan *mine = xcalloc((size_t)r->norders + 1, sizeof *mine);
	double cost = total_cost(r);
	int64_t covered = total_covered(r);
	int i;

	for (i = 0; i < r->norders; i++) {
		plan_clear(&mine[i]);
		plan_copy(&mine[i], &r->orders[i].plan);
		drop_plan(r, i);
		plan_clear(&r->orders[i].plan);
	}
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		if (!routable(o))
			continue;
		greedy_response(r, o, &r->best);
		set_plan(r, i, &r->best);
	}
	if (total_covered(r) > covered ||
	    (total_covered(r) == covered && total_cost(r) < cost - EPS)) {
		diag_info("the plain greedy did better (%.2f against %.2f): kept",
		    total_cost(r), cost);
	} else {
		for (i = 0; i < r->norders; i++) {
			drop_plan(r, i);
			set_plan(r, i, &mine[i]);
		}
	}
	for (i = 0; i < r->norders; i++)
		free(mine[i].a);
	free(mine);
}

struct regret {
	double regret;
	int order;
};

static int
regret_cmp(const void *a, const void *b)
{
	const struct regret *x = a, *y = b;

	if (x->regret != y->regret)
		return x->regret > y->regret ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * The order in which orders choose first: the greatest regret first, that
 * is what an order loses when the nodes of its best plan are taken from it
 * (an order with nowhere else to go has infinite regret).
 */
static struct regret *
by_regret(struct run *r)
{
	struct regret *g = xcalloc((size_t)r->norders + 1, sizeof *g);
	int i, k;

	r->ideal = 1;
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		g[i].order = i;
		g[i].regret = 0;
		if (!routable(o))
			continue;
		best_response(r, o, &r->save1);
		plan_copy(&o->ideal_plan, &r->save1);
		for (k = 0; k < r->save1.n; k++) {
			r->nodes[r->save1.a[k].node].excluded++;
			node_flags(r, r->save1.a[k].node);
		}
		/* the same candidates less the excluded nodes */
		cand_drop_excluded(r, o);
		respond(r, o, &r->save2);
		for (k = 0; k < r->save1.n; k++) {
			r->nodes[r->save1.a[k].node].excluded--;
			node_flags(r, r->save1.a[k].node);
		}
		g[i].regret = r->save2.covered < r->save1.covered ? 1e12 :
		    r->save2.cost - r->save1.cost;
	}
	r->ideal = 0;
	qsort(g, (size_t)r->norders, sizeof *g, regret_cmp);
	return g;
}

static void
decide(struct run *r)
{
	struct regret *g = NULL;
	int i, pass;
	/* the search's generator, seeded from the batch */
	uint64_t rng = 0x6f6d732d726f7574ull ^ (uint64_t)r->norders * 0x100000001b3ull ^
	    (uint64_t)r->nlines << 20 ^ (uint64_t)r->nstock;

	if (r->o->algo != ROUTE_GREEDY)
		g = by_regret(r);
	for (i = 0; i < r->norders; i++) {
		int oi = g ? g[i].order : i;
		struct rorder *o = &r->orders[oi];

		progress_tick(i + 1);
		if (!routable(o))
			continue;
		if (r->o->algo == ROUTE_GREEDY)
			greedy_response(r, o, &r->best);
		else
			best_response(r, o, &r->best);
		set_plan(r, oi, &r->best);
	}
	free(g);
	if (r->o->algo == ROUTE_GREEDY)
		return;
	/* the network to each order alone: what it could pay at best */
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		o->ideal = o->plan.cost;
		if (o->need > 0 && o->plan.n > 0 && o->ideal_plan.covered >= o->plan.covered)
			o->ideal = o->ideal_plan.cost;
	}
	{
		double t = 0;

		for (i = 0; i < r->norders; i++)
			if (r->orders[i].plan.n > 0)
				t += r->orders[i].ideal;
		diag_info("each order alone with the network: cost %.2f", t);
	}
	for (pass = 0; pass < PASSES; pass++) {
		double before = total_cost(r);
		long moves = 0;

		for (i = 0; i < r->norders; i++) {
			struct rorder *o = &r->orders[i];

			if (o->plan.n == 0 || (o->plan.covered == o->need && o->plan.cost <= o->ideal + EPS))
				continue;
			moves += eject(r, i);
		}
		for (i = 0; i < r->norders; i++) {
			struct rorder *o = &r->orders[i];

			/* an order that pays what it would alone cannot do better */
			if (o->plan.n == 0 || (o->plan.covered == o->need && o->plan.cost <= o->ideal + EPS))
				continue;
			drop_plan(r, i);
			best_response(r, o, &r->best);
			if (better(&r->best, &o->plan)) {
				set_plan(r, i, &r->best);
				moves++;
			} else {
				apply(r, i, &o->plan, 1);
			}
		}
		diag_info("improvement pass %d: %ld %s, cost %.2f -> %.2f (%ld best %s "
		    "so far)", pass + 1, moves, plural(moves, "move", "moves"), before,
		    total_cost(r), r->responses, plural(r->responses, "response", "responses"));
		if (moves == 0)
			break;
	}
	/*
	 * the chains of one sku, exactly; then the neighbourhood search, in
	 * parts with the chains again after each
	 */
	tp_all(r, TP_PASSES);
	/* (on a batch too large for a useful number of rounds, not at all) */
	for (pass = 0; pass < LNS_PARTS && LNS_WORK / (r->norders + 1) >= LNS_MIN; pass++) {
		lns(r, LNS_PARTS, &rng);
		tp_all(r, 1);
	}
	keep_better_of_greedy(r);
	/* last, orders still short take what the moves set free */
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];

		if (!routable(o) || o->plan.covered == o->need)
			continue;
		drop_plan(r, i);
		best_response(r, o, &r->best);
		if (better(&r->best, &o->plan))
			set_plan(r, i, &r->best);
		else
			apply(r, i, &o->plan, 1);
	}
}

/* --- the LP relaxation (for the benchmark's lower bound) -------------------- */

/*
 * The same problem as a linear program in CPLEX LP format, for glpsol:
 * x(o,n,d) in [0,1] opens a shipment of order o from node n to destination
 * d at its fixed cost (base, handling, late and day penalties); y(l,n) units
 * of line l from n at their weight cost (ship-alone units at the cost of a
 * box each); s(o) >= sum x - 1 splits; u(l) units left unrouted at a price
 * no route pays.  y(l,n) <= min(want, atp) x(o,n,d) ties units to open
 * shipments; stock and capacity bind.  Pinned lines are fixed; their
 * handling is the constant written in the header comment.
 */
struct xvar {
	int node, order, d;
};

static int
xvar_cmp(const void *a, const void *b)
{
	const struct xvar *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
write_lp(struct run *r, const char *path)
{
	FILE *fp = fopen(path, "w");
	struct xvar *xs = NULL;
	struct buf bounds = BUF_INIT, sp = BUF_INIT;
	int nxs = 0, capxs = 0;
	double pinned = 0;
	int i, k, c, pass, dl[64], ndl;

	if (fp == NULL) {
		diag_error("%s: cannot create: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	for (i = 0; i < r->norders; i++) {
		struct rorder *o = &r->orders[i];
		int j, first;

		for (k = 0; k < o->pins.n; k++) {
			for (first = 1, j = 0; j < k && first; j++)
				first = o->pins.a[j].node != o->pins.a[k].node;
			if (first)
				pinned += r->nodes[o->pins.a[k].node].handling;
		}
	}
	/* "zero" keeps the objective a valid row when there is nothing to route */
	fprintf(fp, "\\ oms-route LP relaxation\n\\ constant %.6f\nMinimize\n obj: 0 zero",
	    pinned);
	r->ideal = 1;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)	/* and one row, should nothing else be there */
			fprintf(fp, "\nSubject To\n zero: zero = 0\n");
		for (i = 0; i < r->norders; i++) {
			struct rorder *o = &r->orders[i];
			int nx = 0;

			if (!routable(o))
				continue;
			candidates(r, o);
			if (pass == 0)
				fprintf(fp, "\n + %.6f s%d", r->o->split_penalty, i);
			for (k = o->first; k < o->first + o->n; k++) {
				struct rline *l = &r->lines[k];
				const struct ritem *it = l->item >= 0 ? &r->items[l->item] : NULL;

				if (l->pin != -1 || l->want == 0 || it == NULL)
					continue;
				fprintf(fp, pass == 0 ? "\n + 1000 u%d" : " d%d: u%d", k, k);
				for (c = 0; c < r->ncand; c++) {
					int n = r->cand[c];
					const struct rrate *b;

					if (!eligible(r, l, n) || atp_of(r, l->item, n) == 0 ||
					    (b = band(r, o, n, line_dest(l), l)) == NULL)
						continue;
					if (pass == 0)
						fprintf(fp, "\n + %.6f y%d_%d", it->alone ?
						    ship_cost(r, o, n, b, it->w, NULL) : b->per_kg * it->w,
						    k, n);
					else
						fprintf(fp, " + y%d_%d", k, n);
				}
				if (pass == 1)
					fprintf(fp, " = %lld\n", (long long)l->want);
			}
			/* the order's destinations */
			ndl = 0;
			for (k = o->first; k < o->first + o->n && ndl < 64; k++) {
				int q, dup = 0;

				for (q = 0; q < ndl && !dup; q++)
					dup = dl[q] == line_dest(&r->lines[k]);
				if (!dup)
					dl[ndl++] = line_dest(&r->lines[k]);
			}
			for (c = 0; c < r->ncand; c++) {
				int n = r->cand[c], d, q;

				for (q = 0; q < ndl; q++) {
					const struct rrate *b = NULL, *b0 = NULL;
					int any = 0;

					d = dl[q];

					for (k = o->first; k < o->first + o->n; k++) {
						struct rline *l = &r->lines[k];
						int64_t bound;

						if (l->pin != -1 || l->want == 0 || l->item < 0 ||
						    r->items[l->item].alone || line_dest(l) != d ||
						    !eligible(r, l, n) || atp_of(r, l->item, n) == 0 ||
						    (b = band(r, o, n, d, l)) == NULL)
							continue;
						if (!any)
							b0 = b;
						any = 1;
						if (pass == 1) {
							bound = atp_of(r, l->item, n) < l->want ?
							    atp_of(r, l->item, n) : l->want;
							fprintf(fp, " t%d_%d: y%d_%d - %lld x%d_%d_%d <= 0\n",
							    k, n, k, n, (long long)bound, i, n, d);
						}
					}
					if (!any)
						continue;
					if (pass == 0) {
						fprintf(fp, "\n + %.6f x%d_%d_%d",
						    ship_cost(r, o, n, b0, 0, NULL), i, n, d);
						buf_addf(&bounds, " x%d_%d_%d <= 1\n", i, n, d);
						continue;
					}
					if (nx++ == 0) {
						buf_reset(&sp);
						buf_addf(&sp, " sp%d: - s%d", i, i);
					}
					buf_addf(&sp, " + x%d_%d_%d", i, n, d);
					if (!order_kept(o, n) && r->nodes[n].cap0 != NOCAP) {
						struct xvar *x = PUSH(xs, nxs, capxs);

						x->node = n;
						x->order = i;
						x->d = d;
					}
				}
			}
			if (pass == 1 && nx > 0)
				fprintf(fp, "%s <= 1\n", sp.s);
		}
	}
	r->ideal = 0;
	/* stock: the y drawing on each stock entry */
	for (i = 0; i < r->nstock; i++) {
		struct rstock *s = &r->stock[i];
		int any = 0;

		for (k = 0; k < r->nlines && s->atp0 > 0; k++) {
			struct rline *l = &r->lines[k];
			struct rorder *o = &r->orders[l->order];

			if (l->item != s->item || l->pin != -1 || l->want == 0 || o->need == 0 ||
			    !eligible(r, l, s->node) ||
			    band(r, o, s->node, line_dest(l), l) == NULL)
				continue;
			if (!any)
				fprintf(fp, " st%d:", i);
			fprintf(fp, " + y%d_%d", k, s->node);
			any = 1;
		}
		if (any)
			fprintf(fp, " <= %lld\n", (long long)s->atp0);
	}
	/* capacity: the shipments each node may still open, per destination */
	if (nxs > 0)
		qsort(xs, (size_t)nxs, sizeof *xs, xvar_cmp);
	for (i = 0; i < nxs; i = k) {
		fprintf(fp, " c%d_%d:", xs[i].node, xs[i].d);
		for (k = i; k < nxs && xs[k].node == xs[i].node && xs[k].d == xs[i].d; k++)
			fprintf(fp, " + x%d_%d_%d", xs[k].order, xs[k].node, xs[k].d);
		fprintf(fp, " <= %ld\n", r->nodes[xs[i].node].cap0);
	}
	fprintf(fp, "Bounds\n%s", buf_str(&bounds));
	fprintf(fp, "End\n");
	free(xs);
	buf_release(&bounds);
	buf_release(&sp);
	if (fclose(fp) != 0) {
		diag_error("%s: %s", path, strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

/* --- writing --------------------------------------------------------------------- */

static const struct outcol route_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "node_id", COL_TEXT }, { "cost", COL_NUM },
	{ "transit_days", COL_NUM }, { "late", COL_NUM },
};

/* What one assignment costs and how long it takes. */
struct share {
	double money;
	int transit, late;
};

/*
 * Price the shipments of order o: for assignment i of plan p (pins: 1 for
 * the pinned plan), its share of its shipment's money (by weight, else by
 * units), transit and lateness; and count the shipments, and the splits
 * as plan_cost prices them.
 */
static void
price(struct run *r, const struct rorder *o, const struct plan *p, int pins,
    struct share *sh, struct route_counts *n)
{
	int i, j, fresh = 0;

	for (i = 0; i < p->n; i++) {
		const struct rasg *a = &p->a[i];
		const struct rline *l = &r->lines[a->line];
		const struct ritem *it = &r->items[l->item];
		const struct rrate *b;
		double w = 0, units = 0, m;
		int d = line_dest(l), first = 1;

		if (pins) {
			for (j = 0; j < p->n; j++)
				if (p->a[j].node == a->node) {
					units += (double)p->a[j].qty;
					first &= j >= i;
				}
			sh[i].money = r->nodes[a->node].handling * (double)a->qty / units;
			sh[i].transit = 0;
			sh[i].late = o->slack != INT_MAX && r->nodes[a->node].proc > o->slack;
			if (first) {
				n->shipments++;
				n->late += sh[i].late;
			}
			continue;
		}
		b = band(r, o, a->node, d, l);
		sh[i].transit = b ? b->transit : 0;
		sh[i].late = b ? is_late(r, o, a->node, b) : 0;
		if (b == NULL) {
			sh[i].money = 0;
			continue;
		}
		if (it->alone) {
			ship_cost(r, o, a->node, b, it->w, &m);
			sh[i].money = m * (double)a->qty;
			n->shipments += a->qty;
			n->late += sh[i].late ? a->qty : 0;
			continue;
		}
		for (j = 0; j < p->n; j++) {
			const struct rline *k = &r->lines[p->a[j].line];

			if (p->a[j].node != a->node || r->items[k->item].alone ||
			    line_dest(k) != d)
				continue;
			w += (double)p->a[j].qty * r->items[k->item].w;
			units += (double)p->a[j].qty;
			if (j < i)
				first = 0;
		}
		ship_cost(r, o, a->node, b, w, &m);
		sh[i].money = w > 0 ? m * (double)a->qty * it->w / w : m * (double)a->qty / units;
		if (first) {
			n->shipments++;
			n->late += sh[i].late;
			fresh += fresh_shipment(o, a->node, d);
		}
	}
	if (!pins)
		n->splits += splits_of(o, fresh);
}

/* round(v * 100), the cents cost_format prints */
static int64_t
cost_cents(double v)
{
	double c = round(v * 100);

	return c > -1e15 && c < 1e15 ? (int64_t)c : 0;
}

/*
 * real_format(round(v * 100) / 100, out), without its printf and strtod
 * round trips: a whole number of cents prints as the shortest of "12",
 * "12.5" and "12.34", which is what real_format finds for them.
 */
static void
cost_format(double v, char *out)
{
	double c = round(v * 100);
	long long u;

	if (!(c > 0 && c < 1e13)) {
		real_format(c / 100, out);
		return;
	}
	u = (long long)c;
	if (u % 100 == 0)
		snprintf(out, 32, "%lld", u / 100);
	else if (u % 10 == 0)
		snprintf(out, 32, "%lld.%lld", u / 100, u % 100 / 10);
	else
		snprintf(out, 32, "%lld.%02lld", u / 100, u % 100);
}

static char *
fmt_i(char *buf, int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

/* A stock entry still able to give line l something (capacity aside)? */
static int
stock_left(struct run *r, const struct rline *l)
{
	const struct ritem *it = &r->items[l->item];
	int k;

	for (k = 0; k < it->nstock; k++) {
		const struct rstock *s = &r->stock[it->first + k];

		if (s->atp > 0 && eligible(r, l, s->node))
			return 1;
	}
	return 0;
}

/*
 * A node that would serve line l if it could be placed: without a place,
 * not evacuated, and one that ships l's item by allocation's rule.
 */
static int
lost_node(struct run *r, const struct rline *l, int n)
{
	const struct rnode *nd = &r->nodes[n];

	return !nd->placed && !nd->excluded && node_serves(r, n, r->items[l->item].vendor == n, 1);
}

/*
 * What each line leaves: the units no node can take now wait, allocated,
 * for a later run; those that cannot be served go back to backorder, and
 * why: a destination that cannot be placed; a pickup store short of
 * stock; no stock left at an eligible node, unless a node that cannot be
 * placed holds some (its units given to the lines first in the order of
 * service, as far as they go: that node is their reason).
 */
static void
settle(struct run *r)
{
	int i, p, k;

	for (i = 0; i < r->norders; i++) {
		const struct rorder *o = &r->orders[i];
		const struct plan *plans[2] = { &o->plan, &o->pins };

		for (p = 0; p < 2; p++)
			for (k = 0; k < plans[p]->n; k++)
				r->lines[plans[p]->a[k].line].assigned += plans[p]->a[k].qty;
	}
	for (i = 0; i < r->nlines; i++) {
		struct rline *l = &r->lines[i];
		int64_t waiting = l->want - l->assigned;

		l->shortq = 0;
		if (l->nowhere > 0) {
			l->shortq = l->nowhere;
			l->why = l->locker >= 0 ? WHY_LOCKER : WHY_DEST;
			l->why_node = l->locker;
		} else if (l->pin != -1 && !l->closed) {
			l->shortq = waiting;
			l->why = WHY_STORE;
		} else if (waiting > 0 && l->item >= 0 && !stock_left(r, l)) {
			const struct ritem *it = &r->items[l->item];

			l->shortq = waiting;
			l->why = WHY_STOCK;
			for (k = 0; k < it->nstock && l->why == WHY_STOCK; k++) {
				struct rstock *s = &r->stock[it->first + k];

				if (s->atp <= 0 || !lost_node(r, l, s->node))
					continue;
				l->why = WHY_NODE;
				l->why_node = s->node;
				s->atp -= s->atp < waiting ? s->atp : waiting;
			}
		}
		if (l->shortq > 0 && (l->why == WHY_NODE || l->why == WHY_LOCKER))
			r->nodes[l->why_node].lost++;
	}
}

/* The reason of line l's units sent back to backorder, into b. */
static const char *
reason_text(struct run *r, const struct rline *l, struct buf *b)
{
	const struct rorder *o = &r->orders[l->order];
	const struct rnode *n;

	buf_reset(b);
	switch (l->why) {
	case WHY_STOCK:
		buf_adds(b, "no stock left at an eligible node when routed");
		return buf_str(b);
	case WHY_STORE:
		buf_adds(b, "no stock at the pickup store when routed");
		return buf_str(b);
	case WHY_DEST:
		return place_reason(b, NULL, NULL, o->code, o->country);
	default:
		n = &r->nodes[l->why_node];
		return place_reason(b, l->why == WHY_LOCKER ? "locker" : "node", n->id, n->code,
		    n->country);
	}
}

static int
flush_events(struct run *r)
{
	int i, ret = r->nev > 0 ? store_events(r->st, r->ev, r->nev) : 0;

	for (i = 0; i < r->nev; i++)
		free((char *)r->ev[i].payload);
	r->nev = 0;
	return ret;
}

/* Queue an event of order o (its id outlives the queue). */
static int
event(struct run *r, const struct rorder *o, const char *type, const struct buf *payload)
{
	struct event_row *e = &r->ev[r->nev++];

	e->order_id = o->id;
	e->type = type;
	e->payload = xstrdup(payload->s);
	return r->nev == EVENTS ? flush_events(r) : 0;
}

/*
 * What one pass of write_all does with each line: the output rows and the
 * counts, in the order of service; the store's rows, in the order of
 * their keys (each page of the tables is then met once, not at random:
 * SQLite's cache holds a fraction of a large store); the events.
 */
enum {
	W_ROWS = 1,		/* output rows, summary counts */
	W_NODES = 2,		/* line_node */
	W_LINES = 4,		/* order_line */
	W_EVENTS = 8
};

static int
write_line(struct run *r, struct writer *w, int what, struct rline *l,
    const struct plan *const *plans, const struct share *const *shares, struct buf *payload)
{
	const struct rorder *o = &r->orders[l->order];
	int li = (int)(l - r->lines), k, p, i;
	int64_t assigned = 0, waiting, shortq = 0;
	char f[6][32];

	/* new routed quantity per node: kept work plus this run's */
	for (p = 0; p < 2; p++)
		for (i = 0; i < plans[p]->n; i++) {
			const struct rasg *a = &plans[p]->a[i];
			int64_t kept = 0, old = 0, now;
			const char *row[8];
			char cost[32];

			if (a->line != li)
				continue;
			assigned += a->qty;
			for (k = 0; k < l->nold; k++)
				if (l->old[k].node == a->node) {
					old = l->old[k].qty;
					kept = l->old[k].qty - l->old[k].inplay;
				}
			now = kept + a->qty;
			if (now == old)
				continue;
			/* with the cost and transit days its line.routed event gives */
			if ((what & W_NODES) && store_line_node_route(r->st, o->id, l->line_no,
			    r->nodes[a->node].id, now, cost_cents(shares[p][i].money),
			    shares[p][i].transit) != 0)
				return -1;
			if (!(what & (W_ROWS | W_EVENTS)))
				continue;
			cost_format(shares[p][i].money, cost);
			row[0] = o->id;
			row[1] = fmt_i(f[0], l->line_no);
			row[2] = l->sku;
			row[3] = fmt_i(f[1], now);
			row[4] = r->nodes[a->node].id;
			row[5] = cost;
			row[6] = fmt_i(f[2], shares[p][i].transit);
			row[7] = shares[p][i].late ? "1" : "0";
			if (what & W_ROWS) {
				r->n->changes++;
				writer_row(w, row);
				r->n->rows++;
			}
			if (!(what & W_EVENTS))
				continue;
			buf_reset(payload);
			buf_addf(payload, "{\"line_no\":%s,\"sku\":", row[1]);
			buf_add_json_string(payload, l->sku, strlen(l->sku));
			buf_adds(payload, ",\"node_id\":");
			buf_add_json_string(payload, row[4], strlen(row[4]));
			buf_addf(payload, ",\"qty\":%s,\"previous\":%lld,\"cost\":%s,"
			    "\"transit_days\":%s,\"late\":%s}", row[3], (long long)old, cost,
			    row[6], row[7]);
			if (event(r, o, "line.routed", payload) != 0)
				return -1;
		}
	/* work moved off a node and not put back there */
	for (k = 0; k < l->nold; k++) {
		struct rwork *wk = &l->old[k];
		int back = 0;

		if (wk->inplay == 0 || wk->node < 0)
			continue;
		for (p = 0; p < 2 && !back; p++)
			for (i = 0; i < plans[p]->n && !back; i++)
				back = plans[p]->a[i].line == li && plans[p]->a[i].node == wk->node;
		if (back)
			continue;
		if ((what & W_NODES) && store_line_node_routed(r->st, o->id, l->line_no,
		    r->nodes[wk->node].id, wk->qty - wk->inplay) != 0)
			return -1;
		if (what & W_ROWS)
			r->n->changes++;
		if (!(what & W_EVENTS))
			continue;
		buf_reset(payload);
		buf_addf(payload, "{\"line_no\":%lld,\"node_id\":", (long long)l->line_no);
		buf_add_json_string(payload, r->nodes[wk->node].id, strlen(r->nodes[wk->node].id));
		buf_addf(payload, ",\"qty\":%lld}", (long long)wk->inplay);
		if (event(r, o, "line.unrouted", payload) != 0)
			return -1;
	}
	/* what is left (settle): back to backorder, or waiting */
	shortq = l->shortq;
	waiting = l->want + l->nowhere - assigned - shortq;
	if (what & W_ROWS) {
		r->n->units += assigned;
		if (waiting > 0) {
			r->n->waiting_lines++;
			r->n->units_waiting += waiting;
		}
	}
	if (waiting == l->alloc && shortq == 0)
		return 0;
	if (what & W_ROWS)
		r->n->changes++;
	if (shortq > 0) {
		const char *why = reason_text(r, l, &r->why);

		if (what & W_ROWS) {
			r->n->backordered_lines++;
			r->n->units_backordered += shortq;
		}
		if ((what & W_LINES) && store_route_line(r->st, o->id, l->line_no, waiting,
		    l->back + shortq, why, 1) != 0)
			return -1;
		if (!(what & W_EVENTS))
			return 0;
		buf_reset(payload);
		buf_addf(payload, "{\"line_no\":%lld,\"sku\":", (long long)l->line_no);
		buf_add_json_string(payload, l->sku, strlen(l->sku));
		buf_addf(payload, ",\"allocated\":%lld,\"backordered\":%lld,\"reason\":",
		    (long long)waiting, (long long)(l->back + shortq));
		buf_add_json_string(payload, why, strlen(why));
		buf_addf(payload, ",\"previous\":%lld}", (long long)l->alloc);
		return event(r, o, "line.backordered", payload);
	}
	if (what & W_LINES)
		return store_route_line(r->st, o->id, l->line_no, waiting, l->back, l->old_reason,
		    0);
	return 0;
}

static const struct run *id_run;	/* for id_cmp */

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(id_run->orders[*(const int *)a].id, id_run->orders[*(const int *)b].id);
}

static int
write_all(struct run *r, struct writer *w)
{
	static const int passes[] = { W_ROWS, W_NODES | W_LINES, W_EVENTS };
	struct buf payload = BUF_INIT;
	struct share *sh[2] = { NULL, NULL };
	struct route_counts scratch;
	int cap[2] = { 0, 0 };
	int *by_id = xcalloc((size_t)r->norders + 1, sizeof *by_id);
	int i, k, p, q, ret = 0;

	memset(&scratch, 0, sizeof scratch);
	/* the orders by id, as the store's keys sort them (strcmp is memcmp) */
	for (i = 0; i < r->norders; i++)
		by_id[i] = i;
	id_run = r;
	if (r->norders > 1)
		qsort(by_id, (size_t)r->norders, sizeof *by_id, id_cmp);
	for (q = 0; q < (int)(sizeof passes / sizeof *passes) && ret == 0; q++) {
		int what = passes[q];
		struct route_counts *n = what & W_ROWS ? r->n : &scratch;

		for (i = 0; i < r->norders && ret == 0; i++) {
			int oi = what & (W_NODES | W_LINES) ? by_id[i] : i;
			struct rorder *o = &r->orders[oi];
			const struct plan *plans[2] = { &o->plan, &o->pins };
			const struct share *cs[2];
			long rows = n->rows;

			for (p = 0; p < 2; p++) {
				if (cap[p] < plans[p]->n + 1) {
					cap[p] = plans[p]->n + 1;
					sh[p] = xrealloc(sh[p], (size_t)cap[p] * sizeof *sh[p]);
				}
				price(r, o, plans[p], p, sh[p], n);
				cs[p] = sh[p];
				for (k = 0; k < plans[p]->n; k++)
					n->cost += sh[p][k].money;
			}
			if (o->plan.n > 0 && o->plan.cost < INF)
				n->objective += o->plan.cost;
			for (k = 0; k < o->pins.n; k++)
				n->objective += sh[1][k].money;
			for (k = o->first; k < o->first + o->n && ret == 0; k++)
				ret = write_line(r, w, what, &r->lines[k], plans, cs, &payload);
			if (n->rows > rows)
				n->orders++;
			n->lines += o->n;
		}
	}
	if (flush_events(r) != 0)
		ret = -1;
	free(by_id);
	free(sh[0]);
	free(sh[1]);
	buf_release(&payload);
	return ret;
}

/* --- the run ------------------------------------------------------------------------ */

int
route_policy(struct route_opts *o, const char *policy)
{
	if (strcmp(policy, "cost") == 0) {
		o->split_penalty = 1.0;
		o->late_penalty = 0.0;
		o->day_cost = 0.0;
	} else if (strcmp(policy, "balanced") == 0) {
		o->split_penalty = 3.0;
		o->late_penalty = 10.0;
		o->day_cost = 0.0;
	} else if (strcmp(policy, "speed") == 0) {
		o->split_penalty = 3.0;
		o->late_penalty = 25.0;
		o->day_cost = 1.5;
	} else
		return -1;
	return 0;
}

static void
free_run(struct run *r)
{
	int i;

	for (i = 0; i < r->nnodes; i++) {
		free(r->nodes[i].id);
		free(r->nodes[i].code);
		free(r->nodes[i].country);
		free(r->nodes[i].users);
	}
	for (i = 0; i < r->nstock && r->su != NULL; i++)
		free(r->su[i].users);
	for (i = 0; i < r->nlines; i++) {
		free(r->lines[i].sku);
		free(r->lines[i].old_reason);
		free(r->lines[i].old);
	}
	for (i = 0; i < r->norders; i++) {
		free(r->orders[i].id);
		free(r->orders[i].code);
		free(r->orders[i].country);
		free(r->orders[i].used);
		free(r->orders[i].kept);
		free(r->orders[i].plan.a);
		free(r->orders[i].pins.a);
		free(r->orders[i].ideal_plan.a);
	}
	free(r->nodes);
	free(r->rates);
	free(r->items);
	free(r->stock);
	free(r->sq);
	free(r->su);
	free(r->lines);
	free(r->orders);
	free(r->tmp.a);
	free(r->best.a);
	free(r->save1.a);
	free(r->save2.a);
	free(r->save3.a);
	free(r->cand);
	free(r->candf);
	free(r->catp);
	free(r->cunit);
	free(r->sh);
	free(r->seen);
	free(r->bseen);
	free((void *)r->bto);
	free(r->dirty);
	free(r->cidx);
	free(r->nflags);
	free(r->ce);
	strmap_release(&r->node_ix, NULL);
	strmap_release(&r->item_ix, NULL);
	free(r->okeys);
	buf_release(&r->okeytext);
	buf_release(&r->why);
}

/*
 * The places that kept work from being routed, one warning each (even
 * with -q: data to fix): the orders whose destination cannot be placed,
 * the first few with the keys looked up, and the nodes that cannot be,
 * with the lines sent back to backorder for them.
 */
static void
warn_places(struct run *r)
{
	struct place_warn w = PLACE_WARN_INIT;
	int i;

	for (i = 0; i < r->norders; i++) {
		const struct rorder *o = &r->orders[i];

		if (o->nowhere & NOWHERE_SHIP_TO)
			place_warn_order(&w, o->id, o->code, o->country);
	}
	for (i = 0; i < r->nnodes; i++) {
		const struct rnode *nd = &r->nodes[i];

		if (nd->lost > 0)
			place_warn_node(&w, nd->id, nd->code, nd->country, nd->lost);
	}
	place_warn_end(&w);
}

int
route_run(struct store *st, const struct route_opts *o, FILE *out,
    struct route_counts *counts)
{
	struct run r;
	struct writer w;
	int i, status = 0;

	memset(&r, 0, sizeof r);
	memset(counts, 0, sizeof *counts);
	r.st = st;
	r.o = o;
	r.n = counts;
	r.day = date_days(o->day);
	if ((status = scope_load(st, o->scope, o->scoped ? o->nscope : 0)) != 0)
		return status;
	if (o->evacuate != NULL) {
		struct node_ref *ref;
		struct strmap nodes = STRMAP_INIT;
		int known;

		if (store_load_nodes(st, &nodes) != 0)
			return store_status(st);
		known = strmap_get(&nodes, o->evacuate, (void **)&ref);
		strmap_release(&nodes, free);
		if (!known) {
			diag_error("--evacuate: unknown node \"%s\"", quote_value(o->evacuate));
			return EX_DATAERR;
		}
	}
	if (store_route_read(st, ROUTE_NODES, o->day, 0, node_row, &r) != 0 ||
	    store_route_read(st, ROUTE_RATES, NULL, 0, rate_row, &r) != 0 ||
	    store_route_read(st, ROUTE_ITEMS, NULL, 0, item_row, &r) != 0 ||
	    store_route_read(st, ROUTE_STOCK, NULL, 0, stock_row, &r) != 0 ||
	    store_route_read(st, ROUTE_LINES, NULL, o->scoped, line_row, &r) != 0 ||
	    store_route_read(st, ROUTE_WORK_ROWS, NULL, o->scoped, work_row, &r) != 0 ||
	    store_route_read(st, ROUTE_USED_ROWS, NULL, o->scoped, used_row, &r) != 0) {
		status = store_status(st);
		goto out;
	}
	service_order(&r);
	if (r.nlines > 0 && r.nrates == 0) {
		diag_error("no rate card in the store: import one first (oms-import rates)");
		status = EX_DATAERR;
		goto out;
	}
	stock_index(&r);
	r.seen = xcalloc((size_t)r.nnodes + 1, sizeof *r.seen);
	r.bseen = xcalloc((size_t)r.nnodes + 1, sizeof *r.bseen);
	r.bto = xcalloc((size_t)r.nnodes + 1, sizeof *r.bto);
	r.dirty = xcalloc((size_t)r.nitems + 1, sizeof *r.dirty);
	r.cidx = xcalloc((size_t)r.nnodes + 1, sizeof *r.cidx);
	r.nflags = xcalloc((size_t)r.nnodes + 1, sizeof *r.nflags);
	for (i = 0; i < r.nnodes; i++)
		node_flags(&r, i);
	choose_work(&r);
	set_resources(&r);
	destinations(&r);
	place_pins(&r);
	if (o->lp_file != NULL && (status = write_lp(&r, o->lp_file)) != 0)
		goto out;
	progress_start("orders");
	decide(&r);
	progress_end();
	settle(&r);
	warn_places(&r);
	writer_init(&w, out, o->format, route_cols, 8);
	w.safe_csv = o->safe_csv;
	if (write_all(&r, &w) != 0)
		status = store_status(st);
	writer_finish(&w);
out:
	free_run(&r);
	return status;
}
