#ifndef OMS_ROUTE_INT_H
#define OMS_ROUTE_INT_H
/*
 * route-int: the route wing's private header, shared by its files and by
 * tests/unit/test-route-cost.c, never by another module.  The types of a
 * run (the network, its caches, the scratch of the search, the event
 * queue) and the calls between the files:
 *
 *	route.c		route_run: reading, the order of service, the
 *			work in play, the top-level decision
 *	route-net.c	the stock index and what each node may ship
 *	route-cost.c	the cost model: rate bands, shipments, a plan's cost
 *	route-plan.c	plans: one order's best response, applying plans
 *	route-improve.c	the improvement passes: ejection, the
 *			neighbourhood search, the chains of one sku
 *	route-write.c	what each line leaves, output rows, store rows and
 *			events
 *	route-lp.c	the LP relaxation (--write-lp, the bench's bound)
 *	route-promise.c	oms-promise: a cart priced on the network (promise.h)
 *	route-explain.c	--explain: why an order ships from where it does
 *
 * Calls go from route.c to the others, and from each to the ones above
 * it in this list (route-net.c and route-cost.c call no other); the small
 * functions the search's hot loops call are inline here, as they were
 * when the wing was one file.
 *
 * Indexes: nodes, items, stock entries, lines and orders are named by
 * their index in the run's arrays (net); -1 is none.  Money is in the
 * currency of the rate card, as a double; units are int64_t.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "model.h"
#include "route.h"
#include "store.h"
#include "util.h"

#define INF 1e300
#define EPS 1e-7
#define NOCAP LONG_MAX		/* a node without a daily capacity */
#define MAXSET 8		/* nodes in a greedy cover */
#define LNS_WORK 20000000L	/* search rounds at most this over the orders in play */

/* A node (store, warehouse, vendor or locker), as read. */
struct rnode {
	char *id;
	char *code, *country;	/* unplaced: the keys of its postal code (model.h) */
	long lost;		/* lines backordered this run for want of its place */
	int active, ship, vendor, placed, excluded;
	int store;		/* its type is store: min_store_value applies */
	int closed;		/* capacity_per_day 0: takes no release, ever */
	double lat, lon, handling;
	double xyz[3];		/* place_xyz of lat, lon */
	int proc_days;		/* days to process a release */
	long cap;		/* releases still possible today */
	long cap_start;		/* cap before this run's plans (the ideal) */
	int *users;		/* orders planned here (may be stale) */
	int nusers, capusers;
};

/* A band of the rate card: up to max_km, base + per_kg * weight. */
struct rrate {
	double max_km, base, per_kg;
	double chord2;		/* max_km as a squared chord of the unit sphere */
	int transit;		/* days */
};

struct ritem {
	double w;		/* kg */
	int alone, vendor;	/* alone: ships in a box of its own; vendor: node index or -1 */
	int first, nstock;	/* its entries in net.stock, adjacent, by node */
};

/*
 * A stock entry (node and item): what the search reads on every best
 * response, kept small so that an item's entries share few cache lines;
 * what it counts from (struct stock_count, by the same index) and who
 * uses it (struct stock_users) apart.
 */
struct rstock {
	int node, item;
	int64_t atp;		/* units free now */
	int64_t atp_start;	/* atp before this run's plans (the ideal) */
};

struct stock_count {
	int64_t on_hand, safety, routed, released;	/* as read */
	int64_t kept;		/* routed work that stays put */
};

struct stock_users {
	int *users;		/* orders planned on it (may be stale) */
	int nusers, capusers;
};

/* Work of a line routed to a node before this run. */
struct rwork {
	int node;
	int64_t qty, inplay;	/* routed there before; how much of it moves */
};

struct rline {
	int order, item;
	int64_t line_no, qty, allocated, backordered;	/* as read */
	char *sku, *old_reason;
	int pin, locker;	/* node indexes or -1 (pin -2: no such store) */
	int64_t want;		/* units to place in this run */
	struct rwork *work;	/* routed before this run */
	int nwork, capwork;
	int closed;		/* pinned to a store that takes no release */
	int64_t nowhere;	/* units whose destination cannot be placed */
	int64_t assigned;	/* settle_lines(): units placed this run */
	int64_t to_backorder;	/* settle_lines(): units sent back to backorder */
	enum backorder_why why;	/* settle_lines(): for to_backorder (model.h) */
	int why_node;		/* BO_NODE, BO_LOCKER: the node */
	short rule;		/* the sourcing rule it matched, -1 none */
	unsigned short cls;	/* its sourcing class (run.tier, run.held) */
	int64_t unit_value;	/* cents a unit: unit_price less its share of discount */
};

/* Whose place is missing (rorder.nowhere). */
enum {
	NOWHERE_SHIP_TO = 1,
	NOWHERE_LOCKER = 2
};

/* A node and destination an order already ships from (see used_add). */
struct used_shipment {
	int node, dest;
	int regular;		/* a regular shipment (not ship-alone units only) */
};

/* qty units of a line from a node. */
struct assignment {
	int line, node;
	int64_t qty;
};

struct plan {
	struct assignment *a;
	int n, cap;
	int64_t covered;	/* units placed */
	double cost;		/* plan_cost: INF when some part cannot ship */
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
	double ideal;		/* what it would pay with the network to itself */
	char *code, *country;	/* unplaced: the keys looked up (model.h) */
	int nowhere;		/* NOWHERE_*: some line's destination has no place */
	/* routed work that stays, released and shipped work: the nodes it
	 * already uses, for --max-splits and the split penalty */
	struct used_shipment *used;
	int nused, capused, nused_regular;
	int max_splits;		/* --max-splits, or less when its lines' rules say; -1 none */
	int64_t min_store_value;	/* a store's shipment of it carries this much; -1 none */
};

/* The network and the work, as read (then indexed: stock_index). */
struct route_net {
	struct rnode *nodes;
	int nnodes, capnodes;
	struct strmap node_ix;
	struct rrate *rates;	/* by max_km */
	int nrates, caprates;
	struct ritem *items;
	int nitems, capitems;
	struct strmap item_ix;
	struct rstock *stock;
	int nstock, capstock;
	struct stock_count *stock_count;	/* by stock index */
	int ncount, capcount;
	struct stock_users *stock_users;	/* by stock index */
	int *stock_slots;	/* stock_at's table: stock indexes, -1 empty */
	size_t nslots;
	struct rline *lines;	/* by order, in the order of service */
	int nlines, caplines;
	struct rorder *orders;	/* in the order of service */
	int norders, caporders;
	int64_t day;		/* the business day, days since 1970 */
};

/* What node n may ship, in a byte per node (cache.node_flags). */
enum {
	NF_SHIP = 1,		/* anything: not excluded, and alloc_serves */
	NF_VENDOR = 2		/* only its own items: a vendor, ... */
};

/* Derived from the network, kept up to date as plans change. */
struct route_cache {
	unsigned char *node_flags;	/* per node: NF_* */
	unsigned *band_seen, band_stamp;	/* the band to its ship-to from each node, */
	const struct rrate **band_to;	/* cached while the same order plans */
	const struct rorder *band_order;	/* (bands_for) */
	unsigned char *item_dirty;	/* per item: plans on its stock changed since
					 * its chains were last solved */
};

/* A stock entry that may serve a line of the order being planned. */
struct cand_entry {
	int line, node;		/* the line's index in its order */
	int64_t atp;
	double unit;		/* the cost of one more unit from there */
};

struct okey;

/* Working room, valid for one call unless said. */
struct route_scratch {
	struct plan trial;	/* respond's, greedy_response's */
	struct plan best;	/* the caller's best response */
	struct plan ideal;	/* eject: the ideal plan; by_regret: the best */
	struct plan alt;	/* eject: the other order's; by_regret: without its nodes */
	struct plan replan;	/* eject: the order's own, with the other's room */
	/* candidates(): the order being planned, cheapest fixed cost first */
	int *cand_node;		/* node of each candidate (twice the room: cand_sort) */
	double *cand_fixed;	/* its fixed cost (twice the room) */
	int64_t *cand_atp;	/* [candidate * lines + line]: stock there */
	double *cand_unit;	/* [candidate * lines + line]: a unit's cost, INF none */
	size_t cap_cand_lines;
	int ncand, capcand;
	unsigned *cand_seen, cand_stamp;	/* nodes met for this order */
	int *cand_of_node;	/* and their candidate index */
	struct cand_entry *entries;	/* the stock entries met, for the table */
	int nentries, capentries;
	/* reading: each order's place in the order of service */
	struct okey *okeys;
	int capokeys;
	struct buf okeytext;	/* their promise dates and creation times */
	struct buf why_text;	/* reason_text's */
};

struct run {
	struct store *st;
	const struct route_opts *opts;
	struct route_counts *counts;
	struct route_net net;
	struct route_cache cache;
	struct route_scratch scratch;
	struct events events;
	int ideal;		/* evaluate against the untouched network */
	long responses;		/* best responses computed, for -v */
	/*
	 * The sourcing rules (sourcing.h), NULL when plain: by class, by
	 * node, the node's tier for the class's lines (0: not a candidate)
	 * and the units it holds back from them
	 */
	struct sourcing *src;
	unsigned char **tier;
	int64_t **held;
	int nclasses;
};

/*
 * What a unit from a node of a later tier costs in the objective (never
 * in money): tiers are a hard order (oms(7), "Sourcing rules"), cost
 * decides within one.
 */
#define TIER_PENALTY 1e7

/* The tier penalty of a unit of line l from node n (0 without rules). */
static inline double
tier_cost(const struct run *r, const struct rline *l, int n)
{
	return r->tier == NULL ? 0 : TIER_PENALTY * (r->tier[l->cls][n] - 1);
}

/* The units node n holds back from line l (0 without rules). */
static inline int64_t
held_back(const struct run *r, const struct rline *l, int n)
{
	return r->held == NULL ? 0 : r->held[l->cls][n];
}

/* --- small things --------------------------------------------------------- */

static inline void
push(void **v, int *n, int *cap, size_t size)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, (size_t)*cap * size);
	}
	(*n)++;
}
/* A pointer to a new last element of arr (n elements, room for cap). */
#define PUSH(arr, n, cap) (push((void **)&(arr), &(n), &(cap), sizeof *(arr)), &(arr)[(n) - 1])

/* Where a line goes: 0 the order's ship-to, else its locker's index + 1. */
static inline int
line_dest(const struct rline *l)
{
	return l->locker + 1;
}

static inline int
routable(const struct rorder *o)
{
	return o->need > 0;
}

/* Node n holds work of o that stays (so o has its release there). */
static inline int
order_kept(const struct rorder *o, int n)
{
	int i;

	for (i = 0; i < o->nkept; i++)
		if (o->kept[i] == n)
			return 1;
	return 0;
}

/* --- route-net.c: the stock index, what each node may ship ----------------- */

/* Index net.stock by item and node (after reading; before any stock_at). */
void stock_index(struct run *r);

static inline size_t
stock_slot(const struct run *r, int item, int node)
{
	uint64_t k = (uint64_t)item * (uint64_t)r->net.nnodes + (uint64_t)node;

	return (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) & (r->net.nslots - 1);
}

/* The stock entry of item at node, or NULL. */
static inline struct rstock *
stock_at(struct run *r, int item, int node)
{
	size_t h = stock_slot(r, item, node);

	for (; r->net.stock_slots[h] >= 0; h = (h + 1) & (r->net.nslots - 1)) {
		struct rstock *s = &r->net.stock[r->net.stock_slots[h]];

		if (s->item == item && s->node == node)
			return s;
	}
	return NULL;
}

/* The units of item free at node (the ideal's when r->ideal). */
int64_t atp_of(struct run *r, int item, int node);

/*
 * What node n may ship by allocation's rule (alloc_serves), as if it
 * could be placed when placed is 1: nonzero if it ships.
 */
unsigned node_serves(const struct run *r, int n, int own_item, int placed);
/* Set cache.node_flags[n] from the node as it is now. */
void node_flags_update(struct run *r, int n);

/* May node n ship line l? (stock and capacity aside) */
static inline int
eligible(struct run *r, const struct rline *l, int n)
{
	unsigned char f = r->cache.node_flags[n];

	if (r->tier != NULL && r->tier[l->cls][n] == 0)
		return 0;	/* its sourcing rule does not allow the node */
	return (f & NF_SHIP) || ((f & NF_VENDOR) && r->net.items[l->item].vendor == n);
}

static inline long
cap_of(struct run *r, int n)
{
	return r->ideal ? r->net.nodes[n].cap_start : r->net.nodes[n].cap;
}

/* Node n can take a new release for o (or already has one). */
static inline int
has_room(struct run *r, const struct rorder *o, int n)
{
	return cap_of(r, n) > 0 || order_kept(o, n);
}

/* --- route-cost.c: the cost model ------------------------------------------ */

/* The unit vector of a point on the sphere, into xyz. */
void place_xyz(double lat, double lon, double xyz[3]);
/* Set t->chord2 from t->max_km (after reading a band). */
void rate_band_init(struct rrate *t);

/*
 * The rate band from node n to the destination d (line_dest) of order o
 * (line l when d is a locker), or NULL: no band reaches, or either end
 * cannot be placed.
 */
const struct rrate *band_of(struct run *r, const struct rorder *o, int n, int d,
    const struct rline *l);

/*
 * band_of(), cached per node for the ship-to of one order at a time (the
 * order being planned: bands_for() names it), since the same order asks
 * for the same bands again and again while it plans
 */
static inline const struct rrate *
band(struct run *r, const struct rorder *o, int n, int d, const struct rline *l)
{
	if (d != 0 || o != r->cache.band_order)
		return band_of(r, o, n, d, l);
	if (r->cache.band_seen[n] != r->cache.band_stamp) {
		r->cache.band_seen[n] = r->cache.band_stamp;
		r->cache.band_to[n] = band_of(r, o, n, 0, l);
	}
	return r->cache.band_to[n];
}

/* Cache the bands to the ship-to of o from here on. */
static inline void
bands_for(struct run *r, const struct rorder *o)
{
	if (r->cache.band_order != o) {
		r->cache.band_order = o;
		r->cache.band_stamp++;
	}
}

/* A shipment of o from n in band b arrives after the promise. */
static inline int
is_late(struct run *r, const struct rorder *o, int n, const struct rrate *b)
{
	return o->slack != INT_MAX && r->net.nodes[n].proc_days + b->transit > o->slack;
}

/* One shipment of weight w from n: money (into *money), and money plus penalties. */
static inline double
ship_cost(struct run *r, const struct rorder *o, int n, const struct rrate *b, double w,
    double *money)
{
	double m = b->base + b->per_kg * w + r->net.nodes[n].handling;

	if (money)
		*money = m;
	return m + (is_late(r, o, n, b) ? r->opts->late_penalty : 0) +
	    r->opts->day_cost * (r->net.nodes[n].proc_days + b->transit);
}

/* A regular shipment of o from n to dest would be one it does not have yet. */
int fresh_shipment(const struct rorder *o, int n, int dest);
/* The splits fresh new regular shipments make, counting those o has. */
int splits_of(const struct rorder *o, int fresh);
/*
 * The cost of plan p for order o (its unpinned lines), INF when some part
 * cannot be shipped; the regular shipments into *nregular (if not NULL).
 */
double plan_cost(struct run *r, const struct rorder *o, const struct plan *p, int *nregular);

/* --- route-plan.c: plans, one order's best response ------------------------ */

void plan_clear(struct plan *p);
void plan_add(struct plan *p, int line, int node, int64_t qty);
void plan_copy(struct plan *dst, const struct plan *src);
/* p places units at node. */
int plan_uses(const struct plan *p, int node);
/* p places units of item at node. */
int uses_stock(struct run *r, const struct plan *p, int node, int item);
/* a better than b: covers more, else costs less */
int plan_better(const struct plan *a, const struct plan *b);
/*
 * --max-splits: would o ship from no more than max-splits + 1 nodes, with
 * the nodes it already uses, those of plan p (NULL: none) and the nodes
 * extra[0 .. nextra)?
 */
int within_limit(const struct run *r, const struct rorder *o, const struct plan *p,
    const int *extra, int nextra);

/* Find the candidates of o (scratch.cand_*); respond() plans on them. */
void candidates(struct run *r, const struct rorder *o);
/* Drop the candidates at excluded nodes (only exclusions changed since). */
void cand_drop_excluded(struct run *r, const struct rorder *o);
/* The best plan for o on the candidates found, in *out. */
void respond(struct run *r, const struct rorder *o, struct plan *out);
/* The best plan for o against what is left (or the whole network), in *out. */
void best_response(struct run *r, const struct rorder *o, struct plan *out);
/* The plain baseline: the nearest node that holds it all, else line by line. */
void greedy_response(struct run *r, const struct rorder *o, struct plan *out);

/* Take (sign 1) or give back (sign -1) what plan p of order oi uses. */
void plan_apply(struct run *r, int oi, const struct plan *p, int sign);
/* Could plan p be applied to what is left now? */
int plan_fits(struct run *r, const struct rorder *o, const struct plan *p);
/* Make p order oi's plan, and take what it uses. */
void plan_set(struct run *r, int oi, const struct plan *p);
/* Give back what order oi's plan uses (the plan stays). */
void plan_drop(struct run *r, int oi);
double total_cost(struct run *r);
int64_t total_covered(struct run *r);

/* --- route-improve.c: the improvement passes ------------------------------- */

/* Order oi asks for room for its ideal plan; 1 if an exchange was kept. */
int eject(struct run *r, int oi);
/* The neighbourhood search, a parts-th of its rounds; *rng its generator. */
void lns(struct run *r, int parts, uint64_t *rng);
/* The chains of one sku, every sku in turn, passes times. */
void tp_all(struct run *r, int passes);

/* The plan of o on candidate c alone (after candidates()). */
void plan_single(struct run *r, const struct rorder *o, int c, struct plan *p);

/* --- route-explain.c: --explain ---------------------------------------------- */

/* Why the one order of the run ships from where it does, as rows to out. */
int route_explain(struct run *r, FILE *out);

/* --- route-write.c: what each line leaves, and writing it ------------------ */

/* What each line leaves: waiting, or back to backorder and why. */
void settle_lines(struct run *r);
/* The output rows to out, the store's rows and the events; 0 or -1. */
int write_results(struct run *r, FILE *out);

/* --- route-lp.c ------------------------------------------------------------ */

/* Write the LP relaxation to path; 0 or an exit status. */
int lp_write(struct run *r, const char *path);

#endif
