/*
 * alloc: the decision, plain C over memory (alloc.h); the command around
 * it, reading and writing the store, is alloc-run.c.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model.h"
#include "sourcing.h"
#include "util.h"

struct anode {
	struct alloc_node_caps caps;
	char *id;
	char *code, *country;	/* it cannot be located: the keys looked up; else NULL */
	long lost_lines;	/* lines backordered for want of its place */
};

/*
 * Routed work that may be taken back, as indexes into allocator.routed in
 * the order of service; past top, every entry is taken back in full.
 */
struct routed_list {
	long *v;
	int n, cap, top;
};

/* A node's stock of one sku. */
struct stock {
	int node;		/* index into allocator.nodes */
	int in_pool;		/* ship and locker lines may draw here */
	int lost;		/* they would, if the node could be located */
	int64_t atp;
	int64_t pickup;		/* allocated to pickup and curbside lines */
	int64_t blamed;		/* lost: units short lines were told are here */
	struct routed_list routed;	/* the routed work here */
};

/*
 * The stock entries of a sku that the lines of some sourcing classes may
 * draw on (in: by entry, 1 or 0), and what those lines hold (S).
 */
struct eset {
	unsigned char *in;
	uint64_t *bits;		/* in, as bits: (n + 63) / 64 words */
	int64_t S;
};
#define MAXSETS 12	/* sets of a sku whose every family is checked */

struct sku {
	struct stock *stock;
	int n, cap;
	struct eset *sets;	/* with sourcing: the sets of its lines so far */
	int nsets;
	int *set_of;		/* by class: set index + 1, 0 not yet known */
	int nset_of;
	/*
	 * family_free's caps, by class: each family's (by its mask of sets)
	 * units past pickups and what the class holds back, and the sets
	 * inside its union; made again when a set is added, and kept as atp
	 * and pickups change (caps_touch; ship lines' takes change neither)
	 */
	struct capcache {
		int cls, nsets;
		int64_t *cap;
		uint32_t *inside;
		int64_t *left;	/* by entry: its units past pickups and held back */
	} *caps;
	int ncaps;
	int nlost;		/* stock entries that are lost */
	int64_t pool;		/* sum of atp over the pool */
	int64_t pool_pickup;	/* sum of pickup over the pool */
	int64_t ship;		/* allocated to ship and locker lines */
	struct routed_list pool_routed;	/* the routed work at nodes of the pool */
};

/* Routed work of one line at one node (alloc_add_routed). */
struct routed {
	long rank, ref;
	int whole;		/* of a ship-complete order: all or none */
	struct sku *s;
	int stock;		/* where: s->stock[stock] */
	int pool_pos, at_pos;	/* its place in s->pool_routed (-1: none), stock.routed */
	int64_t qty;		/* still routed */
};

struct allocator {
	struct anode *nodes;
	int nnodes, capnodes;
	struct strmap node_ix;	/* node_id -> index + 1 */
	struct strmap skus;	/* sku -> struct sku * */
	struct routed *routed;	/* in the order of service */
	long nrouted, caprouted;
	/* what the order being decided took back, in the order taken */
	struct alloc_take *journal, *taken;
	int njournal, capjournal, ntaken, captaken;
	struct sourcing *src;	/* NULL, or not plain: alloc_set_sourcing */
	int *src_node;		/* by node: its index in src */
	int64_t *left;		/* family_free's: units past what is held, by entry */
	uint64_t *ubits;	/* family_free's: a union of sets, as bits */
	int capscratch;
};

unsigned
alloc_serves(const struct alloc_node_caps *n, int own_item)
{
	unsigned serves = 0;

	if (!n->active)
		return 0;
	if (n->located && (n->vendor ? own_item : n->can_ship))
		serves |= ALLOC_SERVES_SHIP;
	if (n->can_pickup)
		serves |= ALLOC_SERVES_PICKUP;
	if (n->can_curbside)
		serves |= ALLOC_SERVES_CURBSIDE;
	return serves;
}

struct allocator *
alloc_new(void)
{
	return xcalloc(1, sizeof(struct allocator));
}

static void
free_sku(void *p)
{
	struct sku *s = p;
	int i;

	for (i = 0; i < s->n; i++)
		free(s->stock[i].routed.v);
	free(s->stock);
	for (i = 0; i < s->nsets; i++) {
		free(s->sets[i].in);
		free(s->sets[i].bits);
	}
	free(s->sets);
	for (i = 0; i < s->ncaps; i++) {
		free(s->caps[i].cap);
		free(s->caps[i].inside);
		free(s->caps[i].left);
	}
	free(s->caps);
	free(s->set_of);
	free(s->pool_routed.v);
	free(s);
}

void
alloc_free(struct allocator *a)
{
	int i;

	if (a == NULL)
		return;
	strmap_release(&a->skus, free_sku);
	strmap_release(&a->node_ix, NULL);
	for (i = 0; i < a->nnodes; i++) {
		free(a->nodes[i].id);
		free(a->nodes[i].code);
		free(a->nodes[i].country);
	}
	free(a->nodes);
	free(a->routed);
	free(a->journal);
	free(a->taken);
	free(a->src_node);
	free(a->left);
	free(a->ubits);
	free(a);
}

void
alloc_set_sourcing(struct allocator *a, struct sourcing *s)
{
	int i;

	if (s == NULL || sourcing_plain(s))
		return;
	a->src = s;
	a->src_node = xcalloc(a->nnodes > 0 ? (size_t)a->nnodes : 1, sizeof *a->src_node);
	for (i = 0; i < a->nnodes; i++)
		a->src_node[i] = sourcing_node(s, a->nodes[i].id);
}

void
alloc_add_node(struct allocator *a, const char *node_id, const char *type,
    const struct alloc_node_caps *caps, const char *code, const char *country)
{
	struct anode *n;

	if (a->nnodes == a->capnodes) {
		a->capnodes = a->capnodes ? a->capnodes * 2 : 64;
		a->nodes = xrealloc(a->nodes, (size_t)a->capnodes * sizeof *a->nodes);
	}
	n = &a->nodes[a->nnodes++];
	n->caps = *caps;
	n->caps.vendor = strcmp(type, "vendor") == 0;
	n->id = xstrdup(node_id);
	n->code = n->country = NULL;
	if (!caps->located) {
		n->code = xstrdup(code ? code : "");
		n->country = xstrdup(country ? country : "");
	}
	n->lost_lines = 0;
	strmap_put(&a->node_ix, node_id, (void *)(intptr_t)a->nnodes);
}

static int
node_index(const struct allocator *a, const char *node_id)
{
	void *v;

	if (node_id == NULL || !strmap_get(&a->node_ix, node_id, &v))
		return -1;
	return (int)(intptr_t)v - 1;
}

static struct sku *
sku_get(struct allocator *a, const char *sku)
{
	void *v;

	if (strmap_get(&a->skus, sku, &v))
		return v;
	v = xcalloc(1, sizeof(struct sku));
	strmap_put(&a->skus, sku, v);
	return v;
}

void
alloc_add_stock(struct allocator *a, const char *sku, const char *vendor,
    const char *node_id, int64_t atp)
{
	struct sku *s = sku_get(a, sku);
	int ni = node_index(a, node_id);
	struct stock *st;
	struct alloc_node_caps placed;
	unsigned serves;
	int own;

	assert(s->nsets == 0);	/* every stock before the first line */
	if (ni < 0 || !a->nodes[ni].caps.active)
		return;		/* an inactive node's stock serves nobody */
	own = vendor != NULL && strcmp(vendor, node_id) == 0;
	serves = alloc_serves(&a->nodes[ni].caps, own);
	placed = a->nodes[ni].caps;
	placed.located = 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->stock = xrealloc(s->stock, (size_t)s->cap * sizeof *s->stock);
	}
	st = &s->stock[s->n++];
	memset(st, 0, sizeof *st);
	st->node = ni;
	st->atp = atp;
	st->in_pool = (serves & ALLOC_SERVES_SHIP) != 0;
	st->lost = !st->in_pool && (alloc_serves(&placed, own) & ALLOC_SERVES_SHIP);
	if (st->in_pool)
		s->pool += atp;
	s->nlost += st->lost;
}

static struct stock *
stock_at(struct sku *s, int node)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->stock[i].node == node)
			return &s->stock[i];
	return NULL;
}

/*
 * Whether line l draws on its store's stock: a pickup or curbside line,
 * unless it is shipped to its store (l->transfer), which draws on the
 * network's pool as a ship line does.
 */
static int
from_store(const struct alloc_line *l)
{
	return method_handed_over(l->method) && !l->transfer;
}

/* What the pool can still give ship lines without breaking a pickup. */
static int64_t
pool_free(const struct sku *s)
{
	return s->pool - s->pool_pickup - s->ship;
}

/*
 * With sourcing: the set of the sku's stock entries the lines of class
 * cls may draw on (the pool's, where the class has a tier), made the
 * first time it is asked for.  The sku's stock is all added by then.
 */
static int
set_for(struct allocator *a, struct sku *s, int cls)
{
	const unsigned char *tier;
	unsigned char *in;
	int i, k;

	if (cls < s->nset_of && s->set_of[cls] > 0)
		return s->set_of[cls] - 1;
	tier = sourcing_class_tiers(a->src, cls);
	in = xmalloc(s->n > 0 ? (size_t)s->n : 1);
	for (i = 0; i < s->n; i++) {
		int sn = a->src_node[s->stock[i].node];

		in[i] = s->stock[i].in_pool && sn >= 0 && tier[sn] > 0;
	}
	for (k = 0; k < s->nsets; k++)
		if (memcmp(s->sets[k].in, in, (size_t)s->n) == 0)
			break;
	if (k == s->nsets) {
		s->sets = xrealloc(s->sets, (size_t)(k + 1) * sizeof *s->sets);
		s->sets[k].in = in;
		s->sets[k].bits = xcalloc((size_t)(s->n + 63) / 64 + 1, sizeof(uint64_t));
		for (i = 0; i < s->n; i++)
			s->sets[k].bits[i / 64] |= (uint64_t)in[i] << (i % 64);
		s->sets[k].S = 0;
		s->nsets++;
	} else
		free(in);
	if (cls >= s->nset_of) {
		s->set_of = xrealloc(s->set_of, (size_t)(cls + 1) * sizeof *s->set_of);
		memset(s->set_of + s->nset_of, 0, (size_t)(cls + 1 - s->nset_of) * sizeof *s->set_of);
		s->nset_of = cls + 1;
	}
	s->set_of[cls] = k + 1;
	return k;
}

/*
 * With sourcing: the least, over the families of the sku's sets that
 * hold set e (e < 0: any family whose union holds stock entry pick), of
 * what the union's nodes still have past what the family's lines hold
 * (alloc_set_sourcing: Hall's condition), each node's less the units it
 * holds back from class cls (cls < 0: none).  The sets inside a union
 * count with it.  A sku with more than MAXSETS sets is checked for e's
 * set alone and for all of them together.
 */
/* An entry's units past pickups and what it holds back (held NULL: none). */
static int64_t
entry_left(const struct allocator *a, const struct stock *st, const int64_t *held)
{
	int64_t left = st->atp - st->pickup;

	if (held != NULL && a->src_node[st->node] >= 0)
		left -= held[a->src_node[st->node]];
	return left > 0 ? left : 0;
}

/*
 * Entry i of sku s changed its atp or pickups: each cache of family_free
 * moves the caps of the families whose union holds it.
 */
static void
caps_touch(struct allocator *a, struct sku *s, int i)
{
	int k, f;

	for (k = 0; k < s->ncaps; k++) {
		struct capcache *c = &s->caps[k];
		int64_t left, d;
		uint32_t with = 0;
		unsigned long mask, end;

		if (c->nsets != s->nsets)
			continue;	/* made again when next asked */
		left = entry_left(a, &s->stock[i], c->cls >= 0 ?
		    sourcing_class_held(a->src, c->cls) : NULL);
		if ((d = left - c->left[i]) == 0)
			continue;
		c->left[i] = left;
		for (f = 0; f < s->nsets; f++)
			if (s->sets[f].in[i])
				with |= 1u << f;
		end = 1UL << s->nsets;
		for (mask = 1; mask < end; mask++)
			if (mask & with)
				c->cap[mask] += d;
	}
}

/*
 * family_free when every family is checked (as family_free's arguments
 * say), for a ship line of class cls in set e or a pickup at entry pick:
 * each family's cap
 * made once while the sku's atp and pickups stand (s->ver), then only
 * what the families' lines hold is summed, a line at a time.
 */
static int64_t
family_free_cached(struct allocator *a, struct sku *s, int cls, const int64_t *held, int e,
    int pick)
{
	uint32_t with_pick = 0;		/* pick >= 0: the sets that hold it */
	struct capcache *c = NULL;
	unsigned long mask, end = 1UL << s->nsets;
	int64_t best = INT64_MAX, *left = a->left;
	uint64_t *u = a->ubits;
	int nw = (s->n + 63) / 64, i, f, w;

	for (i = 0; i < s->ncaps; i++)
		if (s->caps[i].cls == cls) {
			c = &s->caps[i];
			break;
		}
	if (c == NULL) {
		s->caps = xrealloc(s->caps, (size_t)(s->ncaps + 1) * sizeof *s->caps);
		c = &s->caps[s->ncaps++];
		memset(c, 0, sizeof *c);
		c->cls = cls;
		c->nsets = -1;
	}
	if (c->nsets != s->nsets) {
		c->cap = xrealloc(c->cap, end * sizeof *c->cap);
		c->inside = xrealloc(c->inside, end * sizeof *c->inside);
		if (c->left == NULL)
			c->left = xmalloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *c->left);
		left = c->left;
		for (i = 0; i < s->n; i++)
			left[i] = entry_left(a, &s->stock[i], held);
		for (mask = 1; mask < end; mask++) {
			int64_t cap = 0;
			uint32_t in = 0;

			memset(u, 0, (size_t)nw * sizeof *u);
			for (f = 0; f < s->nsets; f++)
				if (mask & (1UL << f))
					for (w = 0; w < nw; w++)
						u[w] |= s->sets[f].bits[w];
			for (w = 0; w < nw; w++) {
				uint64_t b;

				for (b = u[w]; b != 0; b &= b - 1)
					cap += left[w * 64 + __builtin_ctzll(b)];
			}
			for (f = 0; f < s->nsets; f++) {
				for (w = 0; w < nw && (s->sets[f].bits[w] & ~u[w]) == 0; w++)
					continue;
				if (w == nw)
					in |= 1u << f;
			}
			c->cap[mask] = cap;
			c->inside[mask] = in;
		}
		c->nsets = s->nsets;
	}
	for (f = 0; f < s->nsets && pick >= 0; f++)
		if (s->sets[f].in[pick])
			with_pick |= 1u << f;
	for (mask = 1; mask < end; mask++) {
		int64_t held_by = 0;
		uint32_t in;

		if (e >= 0 ? !(mask & (1UL << e)) : pick >= 0 && !(mask & with_pick))
			continue;
		for (in = c->inside[mask]; in != 0; in &= in - 1)
			held_by += s->sets[__builtin_ctz(in)].S;
		if (c->cap[mask] - held_by < best)
			best = c->cap[mask] - held_by;
	}
	return best;
}

static int64_t
family_free(struct allocator *a, struct sku *s, int cls, int e, int pick)
{
	const int64_t *held = cls >= 0 ? sourcing_class_held(a->src, cls) : NULL;
	int64_t best = INT64_MAX, *left;
	uint64_t *u;
	unsigned long mask, end;
	int all = s->nsets <= MAXSETS, nw = (s->n + 63) / 64, i, f, w;

	if (a->capscratch < s->n + 1) {
		a->capscratch = s->n + 1;
		a->left = xrealloc(a->left, (size_t)a->capscratch * sizeof *a->left);
		a->ubits = xrealloc(a->ubits, ((size_t)a->capscratch + 63) / 64 * sizeof *a->ubits);
	}
	left = a->left;
	u = a->ubits;
	if (all)
		return family_free_cached(a, s, cls, held, e, pick);
	/* each entry's units past pickups and what it holds back, counted once */
	for (i = 0; i < s->n; i++) {
		const struct stock *st = &s->stock[i];

		left[i] = st->atp - st->pickup;
		if (held != NULL && a->src_node[st->node] >= 0)
			left[i] -= held[a->src_node[st->node]];
		if (left[i] < 0)
			left[i] = 0;
	}
	end = all ? 1UL << s->nsets : 3;
	for (mask = 1; mask < end; mask++) {
		int64_t cap = 0, held_by = 0;

		if (all ? e >= 0 && !(mask & (1UL << e)) : mask == 1 && e < 0)
			continue;
		memset(u, 0, (size_t)nw * sizeof *u);
		for (f = 0; f < s->nsets; f++)
			if (all ? (mask & (1UL << f)) != 0 : mask == 2 || f == e)
				for (w = 0; w < nw; w++)
					u[w] |= s->sets[f].bits[w];
		if (pick >= 0 && !(u[pick / 64] >> (pick % 64) & 1))
			continue;
		for (w = 0; w < nw; w++) {
			uint64_t b;

			for (b = u[w]; b != 0; b &= b - 1)
				cap += left[w * 64 + __builtin_ctzll(b)];
		}
		for (f = 0; f < s->nsets; f++) {
			for (w = 0; w < nw && (s->sets[f].bits[w] & ~u[w]) == 0; w++)
				continue;
			if (w == nw)
				held_by += s->sets[f].S;
		}
		if (cap - held_by < best)
			best = cap - held_by;
	}
	return best;	/* INT64_MAX: no family binds */
}

/*
 * Whether the pool holds routed units of the sku that a line without a
 * rule could take back, at nodes a line of class cls may not draw on or
 * held back from it.  With what the pool has free past what the class
 * may have, it says a short line of a rule is short for its rule, not
 * for the network.
 */
static int
outside_rule(struct allocator *a, struct sku *s, int cls)
{
	int e = set_for(a, s, cls), i, k;	/* (before s->sets: it may grow them) */
	const unsigned char *in = s->sets[e].in;
	const int64_t *held = sourcing_class_held(a->src, cls);

	for (i = 0; i < s->n; i++) {
		const struct stock *st = &s->stock[i];
		int sn = a->src_node[st->node];
		int64_t units = 0;

		if (!st->in_pool)
			continue;
		for (k = 0; k < st->routed.n; k++)
			units += a->routed[st->routed.v[k]].qty;
		if (units > 0 && (!in[i] || (sn >= 0 && held[sn] > 0)))
			return 1;
	}
	return 0;
}

/*
 * How much line l may have now, and where it would come from (*at: the
 * pickup store's stock, NULL for ship lines).  Sets *why when that is
 * less than the demand.
 */
static int64_t
available(struct allocator *a, const struct alloc_line *l, struct sku **sp,
    struct stock **at, enum backorder_why *why)
{
	struct sku *s = sku_get(a, l->sku);
	int64_t avail;

	*sp = s;
	*at = NULL;
	if (!from_store(l)) {
		*why = BO_NETWORK;
		if (a->src == NULL)
			return pool_free(s);
		avail = family_free(a, s, l->cls, set_for(a, s, l->cls), -1);
		if (avail < l->demand && sourcing_class_rule(a->src, l->cls) >= 0 &&
		    (pool_free(s) > (avail > 0 ? avail : 0) || outside_rule(a, s, l->cls)))
			*why = BO_RULE;
		return avail;
	}
	{
		int ni = node_index(a, l->pickup_node);
		unsigned method = strcmp(l->method, "pickup") == 0 ? ALLOC_SERVES_PICKUP :
		    ALLOC_SERVES_CURBSIDE;

		if (ni < 0 || !(alloc_serves(&a->nodes[ni].caps, 0) & method)) {
			*why = BO_METHOD;
			return 0;
		}
		*why = BO_STORE;
		if ((*at = stock_at(s, ni)) == NULL)
			return 0;
		avail = (*at)->atp - (*at)->pickup;
		/* a store that ships also backs the pool's ship lines */
		if ((*at)->in_pool) {
			int64_t f = a->src == NULL ? pool_free(s) :
			    family_free(a, s, -1, -1, (int)(*at - s->stock));

			if (f < avail)
				avail = f;
		}
		return avail;
	}
}

static void
take(struct allocator *a, const struct alloc_line *l, struct sku *s, struct stock *at,
    int64_t qty)
{
	if (at == NULL) {
		s->ship += qty;
		if (a->src != NULL) {
			int e = set_for(a, s, l->cls);	/* (before s->sets: it may grow them) */

			s->sets[e].S += qty;
		}
		return;
	}
	at->pickup += qty;
	caps_touch(a, s, (int)(at - s->stock));
	if (at->in_pool)
		s->pool_pickup += qty;
}

void
alloc_keep(struct allocator *a, const struct alloc_line *l, int64_t qty)
{
	struct sku *s = sku_get(a, l->sku);
	struct stock *at = NULL;

	/*
	 * Kept where it is, whatever the store offers today; held at a store
	 * whose stock serves nobody (closed), it still counts against the
	 * network, so that no one else is promised the same units.
	 */
	if (from_store(l))
		at = stock_at(s, node_index(a, l->pickup_node));
	take(a, l, s, at, qty);
}

/* --- routed work taken back --------------------------------------------- */

static int
list_push(struct routed_list *l, long ix)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
	}
	l->v[l->n] = ix;
	l->top = l->n + 1;
	return l->n++;
}

void
alloc_add_routed(struct allocator *a, const char *sku, const char *node_id, long rank,
    int whole, int64_t qty, long ref)
{
	struct sku *s = sku_get(a, sku);
	struct stock *st = stock_at(s, node_index(a, node_id));
	struct routed *w;

	/* where the allocator has no stock (an inactive node), it frees nothing */
	if (st == NULL || qty <= 0)
		return;
	assert(a->nrouted == 0 || a->routed[a->nrouted - 1].rank <= rank);
	if (a->nrouted == a->caprouted) {
		a->caprouted = a->caprouted ? a->caprouted * 2 : 64;
		a->routed = xrealloc(a->routed, (size_t)a->caprouted * sizeof *a->routed);
	}
	w = &a->routed[a->nrouted];
	w->rank = rank;
	w->ref = ref;
	w->whole = whole;
	w->s = s;
	w->stock = (int)(st - s->stock);
	w->qty = qty;
	w->at_pos = list_push(&st->routed, a->nrouted);
	w->pool_pos = st->in_pool ? list_push(&s->pool_routed, a->nrouted) : -1;
	a->nrouted++;
}

static void
journal_add(struct allocator *a, long ix, int64_t qty)
{
	if (a->njournal == a->capjournal) {
		a->capjournal = a->capjournal ? a->capjournal * 2 : 16;
		a->journal = xrealloc(a->journal, (size_t)a->capjournal * sizeof *a->journal);
	}
	a->journal[a->njournal].ref = ix;	/* into a->routed, until alloc_taken */
	a->journal[a->njournal++].qty = qty;
}

/* Take qty units of routed work ix back: they are the node's stock again. */
static void
unroute(struct allocator *a, long ix, int64_t qty)
{
	struct routed *w = &a->routed[ix];
	struct stock *st = &w->s->stock[w->stock];

	w->qty -= qty;
	st->atp += qty;
	caps_touch(a, w->s, w->stock);
	if (st->in_pool)
		w->s->pool += qty;
	journal_add(a, ix, qty);
}

/* All the routed work of the order of ix (which ships complete). */
static void
unroute_order(struct allocator *a, long ix)
{
	long rank = a->routed[ix].rank, k;

	while (ix > 0 && a->routed[ix - 1].rank == rank)
		ix--;
	for (k = ix; k < a->nrouted && a->routed[k].rank == rank; k++)
		if (a->routed[k].qty > 0)
			unroute(a, k, a->routed[k].qty);
}

/* The order being decided cannot ship whole: put back what it took. */
static void
journal_undo(struct allocator *a)
{
	while (a->njournal > 0) {
		const struct alloc_take *j = &a->journal[--a->njournal];
		struct routed *w = &a->routed[j->ref];
		struct stock *st = &w->s->stock[w->stock];

		w->qty += j->qty;
		st->atp -= j->qty;
		caps_touch(a, w->s, w->stock);
		if (st->in_pool)
			w->s->pool -= j->qty;
		if (st->routed.top <= w->at_pos)
			st->routed.top = w->at_pos + 1;
		if (w->pool_pos >= 0 && w->s->pool_routed.top <= w->pool_pos)
			w->s->pool_routed.top = w->pool_pos + 1;
	}
}

/*
 * With sourcing, the last routed work in the pool list that an order at
 * rank may take and that lifts what binds a line of class cls: at a node
 * of its set with units past what the node holds back from it.  -1: none.
 */
static long
last_routed_for(struct allocator *a, struct sku *s, int cls, long rank)
{
	struct routed_list *l = &s->pool_routed;
	const int64_t *held = sourcing_class_held(a->src, cls);
	int e = set_for(a, s, cls), k;	/* (before s->sets: it may grow them) */
	const unsigned char *in = s->sets[e].in;

	while (l->top > 0 && a->routed[l->v[l->top - 1]].qty == 0)
		l->top--;
	for (k = l->top - 1; k >= 0; k--) {
		const struct routed *w = &a->routed[l->v[k]];
		const struct stock *st = &s->stock[w->stock];
		int sn = a->src_node[st->node];

		if (w->rank <= rank)
			return -1;
		if (w->qty > 0 && in[w->stock] &&
		    st->atp - st->pickup + w->qty > (sn >= 0 ? held[sn] : 0))
			return l->v[k];
	}
	return -1;
}

/* The last routed work in list that an order at rank may take, or -1. */
static long
last_routed(struct allocator *a, struct routed_list *l, long rank)
{
	const struct routed *w;

	while (l->top > 0 && a->routed[l->v[l->top - 1]].qty == 0)
		l->top--;
	if (l->top == 0)
		return -1;
	w = &a->routed[l->v[l->top - 1]];
	return w->rank > rank ? l->v[l->top - 1] : -1;
}

/*
 * Line l of the order at rank is short of free stock: take back work
 * routed (not released) for the orders after it in the order of service,
 * the last first, where it lifts what binds l, until l's demand is
 * covered or there is no more.  A ship line is bound by the pool: work at
 * any node of the pool lifts it.  A pickup line is bound by its store's
 * stock and, at a store that ships, by the pool too: work at the store
 * lifts both, work elsewhere in the pool only the pool, and no more is
 * taken there than the store's stock can then give l.  As a line ahead
 * takes an allocation from the lines after it, so it takes their routed
 * units.  Only where nothing is promised past the stock (what kept
 * allocations may do): there each unit taken back lifts its bound by one.
 */
static void
take_routed(struct allocator *a, const struct alloc_line *l, long rank)
{
	struct sku *s;
	struct stock *at;
	enum backorder_why why;
	int64_t avail = available(a, l, &s, &at, &why), want;
	long ix;

	if (avail < 0 || a->nrouted == 0)
		return;
	while (avail < l->demand) {
		struct routed_list *list = &s->pool_routed;

		want = l->demand - avail;
		if (from_store(l)) {
			int64_t store = at == NULL ? 0 : at->atp - at->pickup;

			if (at == NULL)
				return;		/* the store cannot serve it at all */
			if (store <= avail)
				list = &at->routed;	/* the store's stock binds */
			else if (store < l->demand)
				want = store - avail;	/* the pool, up to the store's */
		}
		ix = a->src != NULL && !from_store(l) ? last_routed_for(a, s, l->cls, rank) :
		    last_routed(a, list, rank);
		if (ix < 0)
			return;
		if (a->src != NULL && !from_store(l)) {
			/* the units a node holds back from l lift nothing: take them too */
			const struct stock *st = &s->stock[a->routed[ix].stock];
			int sn = a->src_node[st->node];
			int64_t under = (sn >= 0 ? sourcing_class_held(a->src, l->cls)[sn] : 0) -
			    (st->atp - st->pickup);

			if (under > 0)
				want += under;
		}
		if (a->routed[ix].whole)
			unroute_order(a, ix);
		else
			unroute(a, ix, a->routed[ix].qty < want ? a->routed[ix].qty : want);
		avail = available(a, l, &s, &at, &why);
	}
}

/* The journal as alloc_taken hands it out: one entry per work taken from. */
static void
journal_keep(struct allocator *a)
{
	int i, k;

	a->ntaken = 0;
	for (i = 0; i < a->njournal; i++) {
		long ref = a->routed[a->journal[i].ref].ref;

		for (k = 0; k < a->ntaken && a->taken[k].ref != ref; k++)
			continue;
		if (k == a->ntaken) {
			if (a->ntaken == a->captaken) {
				a->captaken = a->captaken ? a->captaken * 2 : 16;
				a->taken = xrealloc(a->taken, (size_t)a->captaken * sizeof *a->taken);
			}
			a->taken[a->ntaken].ref = ref;
			a->taken[a->ntaken++].qty = 0;
		}
		a->taken[k].qty += a->journal[i].qty;
	}
	a->njournal = 0;
}

const struct alloc_take *
alloc_taken(const struct allocator *a, int *n)
{
	*n = a->ntaken;
	return a->taken;
}

/*
 * Whether line l is shipped to a destination that cannot be placed:
 * BO_LOCKER (its locker, or the store it is shipped to, then l->node) or
 * BO_DEST (its order's ship-to), else BO_NONE.  A line handed over at
 * its store from the store's stock needs no place.
 */
static enum backorder_why
unplaced(const struct allocator *a, struct alloc_line *l)
{
	int locker;

	if (from_store(l))
		return BO_NONE;
	locker = node_index(a, line_ship_to_node(l->method, l->pickup_node));
	if (locker >= 0) {
		l->node = locker;
		return a->nodes[locker].caps.located ? BO_NONE : BO_LOCKER;
	}
	return l->ship_to_code != NULL ? BO_DEST : BO_NONE;
}

/*
 * Ship line l is short for want of stock in the pool: when some of it is
 * at a node that would ship it but cannot be located, that node is the
 * reason (the first by node_id with units left to name), for as many of
 * the units l lacks as it holds.
 */
static void
blame_lost(struct allocator *a, struct alloc_line *l)
{
	struct sku *s = sku_get(a, l->sku);
	struct stock *first = NULL;
	int64_t left, want = l->demand - l->allocated;
	int i;

	for (i = 0; i < s->n && s->nlost > 0; i++) {
		struct stock *st = &s->stock[i];

		if (a->src != NULL && (a->src_node[st->node] < 0 ||
		    sourcing_tier(a->src, l->cls, a->src_node[st->node], NULL) == 0))
			continue;	/* its rule would not draw there anyway */
		if (st->lost && st->atp - st->pickup - st->blamed > 0 && (first == NULL ||
		    strcmp(a->nodes[st->node].id, a->nodes[first->node].id) < 0))
			first = st;
	}
	if (first == NULL)
		return;
	left = first->atp - first->pickup - first->blamed;
	first->blamed += left < want ? left : want;
	l->reason = BO_NODE;
	l->node = first->node;
}

const char *
alloc_line_reason(const struct allocator *a, const struct alloc_line *l, struct buf *b)
{
	const struct anode *n;

	if (l->reason == BO_LOCKER || l->reason == BO_NODE) {
		n = &a->nodes[l->node];
		return backorder_reason(b, l->reason, n->id, n->code, n->country);
	}
	return backorder_reason(b, l->reason, NULL, l->ship_to_code, l->ship_to_country);
}

/*
 * Whether pickup or curbside line l is shipped to its store: it stays so
 * when it is (l->transfer in); else when its store takes such shipments
 * and can be located, its item may be shipped there, the store's own
 * stock cannot cover the line, and the network's pool can give more.
 */
static void
choose_source(struct allocator *a, struct alloc_line *l)
{
	struct sku *s;
	struct stock *at;
	enum backorder_why why;
	int64_t store, pool;
	int ni;

	if (!method_handed_over(l->method) || l->transfer || !l->may_transfer ||
	    l->demand <= 0)
		return;
	ni = node_index(a, l->pickup_node);
	if (ni < 0 || !a->nodes[ni].caps.ship_to_store || !a->nodes[ni].caps.located)
		return;
	if ((store = available(a, l, &s, &at, &why)) >= l->demand)
		return;
	l->transfer = 1;
	pool = available(a, l, &s, &at, &why);
	if (pool <= (store > 0 ? store : 0))
		l->transfer = 0;
}

void
alloc_order(struct allocator *a, struct alloc_line *lines, int n, int ship_complete,
    long rank)
{
	struct sku *s;
	struct stock *at;
	enum backorder_why why;
	int i, short_line = -1;

	a->njournal = 0;
	a->ntaken = 0;
	for (i = 0; i < n; i++) {
		struct alloc_line *l = &lines[i];
		enum backorder_why away;
		int64_t avail;

		choose_source(a, l);
		away = unplaced(a, l);
		if (away != BO_NONE) {
			l->allocated = 0;
			l->reason = l->demand > 0 ? away : BO_NONE;
		} else {
			take_routed(a, l, rank);
			if ((avail = available(a, l, &s, &at, &why)) < 0)
				avail = 0;
			l->allocated = avail < l->demand ? avail : l->demand;
			l->reason = l->allocated < l->demand ? why : BO_NONE;
		}
		if (ship_complete && l->allocated < l->demand) {
			short_line = i;
			break;
		}
		if (away == BO_NONE)
			take(a, l, s, at, l->allocated);
	}
	if (short_line < 0) {
		journal_keep(a);
		for (i = 0; i < n; i++)
			if (lines[i].reason == BO_NETWORK)
				blame_lost(a, &lines[i]);
	} else {
		/* ship-complete and short: give back what the lines before took */
		journal_undo(a);
		for (i = 0; i < short_line; i++) {
			available(a, &lines[i], &s, &at, &why);
			take(a, &lines[i], s, at, -lines[i].allocated);
		}
		for (i = 0; i < n; i++) {
			why = unplaced(a, &lines[i]);
			lines[i].allocated = 0;
			lines[i].reason = lines[i].demand == 0 ? BO_NONE :
			    why != BO_NONE ? why : BO_SHIP_COMPLETE;
		}
	}
	for (i = 0; i < n; i++)
		if (lines[i].reason == BO_LOCKER || lines[i].reason == BO_NODE)
			a->nodes[lines[i].node].lost_lines++;
}

void
alloc_explain(struct allocator *a, const struct alloc_line *l,
    void (*fn)(void *ctx, const struct alloc_source *s), void *ctx)
{
	struct sku *s = sku_get(a, l->sku);
	int i, store = from_store(l) ? node_index(a, l->pickup_node) : -1;

	for (i = 0; i < s->n; i++) {
		const struct stock *st = &s->stock[i];
		const struct anode *n = &a->nodes[st->node];
		struct alloc_source x;
		int sn = a->src != NULL ? a->src_node[st->node] : -1;
		enum sourcing_why w = SW_OK;

		x.node_id = n->id;
		x.free = st->atp - st->pickup;
		x.held = 0;
		x.tier = 1;
		x.why = NULL;
		if (from_store(l)) {
			if (st->node != store)
				continue;	/* a pickup draws on its store alone */
		} else if (!st->in_pool) {
			x.tier = 0;
			x.why = st->lost ? "node cannot be located" : n->caps.vendor ?
			    "a vendor ships only its own items" : "node does not ship";
		} else if (sn >= 0) {
			x.tier = sourcing_tier(a->src, l->cls, sn, &w);
			x.held = sourcing_held_back(a->src, l->cls, sn);
			if (x.tier == 0)
				x.why = sourcing_why_text(w);
		}
		fn(ctx, &x);
	}
}

void
alloc_warn_nodes(const struct allocator *a, struct place_warn *w)
{
	int i;

	for (i = 0; i < a->nnodes; i++) {
		const struct anode *n = &a->nodes[i];

		if (n->lost_lines > 0)
			place_warn_node(w, n->id, n->code, n->country, n->lost_lines);
	}
}
