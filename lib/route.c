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
 *
 * This file holds route_run: reading the store, the work in play, pinned
 * lines and the top-level decision above; the rest of the wing is listed
 * in route-int.h.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "parse.h"
#include "route-int.h"
#include "sourcing.h"
#include "store-import.h"
#include "store-route.h"

#define PASSES 1		/* improvement passes over the batch */
#define LNS_MIN 1000		/* no search when the budget allows fewer rounds */
#define LNS_PARTS 2		/* the rounds in parts, sku re-assignment between */
#define TP_PASSES 2		/* sku re-assignment passes over the skus */

static int
lookup(const struct strmap *m, const char *key)
{
	void *v;

	return key != NULL && strmap_get(m, key, &v) ? (int)(intptr_t)v - 1 : -1;
}

/*
 * What an order already uses: node n ships (or shipped) to destination
 * dest (line_dest) of o, regular: other than ship-alone units.
 */
static void
used_add(struct rorder *o, int n, int dest, int regular)
{
	struct used_shipment *u;
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

/* --- reading ------------------------------------------------------------------- */

/*
 * A node's or an order's place p: its lat and lon, their xyz; when it is
 * not located, the keys of its postal code (model.h).  1 if placed.
 */
static int
read_place(const struct place_lookup *p, char **code, char **country,
    double *lat, double *lon, double xyz[3])
{
	if (!p->located) {
		*code = xstrdup(p->postal_key ? p->postal_key : "");
		*country = xstrdup(p->country_key ? p->country_key : "");
	}
	*lat = p->lat;
	*lon = p->lon;
	place_xyz(*lat, *lon, xyz);
	return p->located;
}

static int
node_row(void *ctx, const struct shipping_node *x)
{
	struct run *r = ctx;
	struct rnode *n = PUSH(r->net.nodes, r->net.nnodes, r->net.capnodes);

	memset(n, 0, sizeof *n);
	n->id = xstrdup(x->node_id);
	n->vendor = strcmp(x->type, "vendor") == 0;
	n->store = strcmp(x->type, "store") == 0;
	n->active = (int)x->active;
	n->ship = (int)x->can_ship;
	n->placed = read_place(&x->place, &n->code, &n->country, &n->lat, &n->lon, n->xyz);
	n->handling = x->handling_cost;
	n->proc_days = (int)x->processing_days;
	n->cap = x->capacity_limited ? x->capacity_per_day - x->released_today : NOCAP;
	n->closed = x->capacity_limited && x->capacity_per_day == 0;
	if (n->cap < 0)
		n->cap = 0;
	if (r->opts->evacuate != NULL && strcmp(r->opts->evacuate, n->id) == 0)
		n->excluded = 1;
	strmap_put(&r->net.node_ix, n->id, (void *)(intptr_t)r->net.nnodes);
	return 0;
}

static int
rate_row(void *ctx, const struct rate_card_band *x)
{
	struct run *r = ctx;
	struct rrate *t = PUSH(r->net.rates, r->net.nrates, r->net.caprates);

	t->max_km = x->max_km;
	t->base = x->base_cost;
	t->per_kg = x->per_kg;
	t->transit = (int)x->transit_days;
	rate_band_init(t);
	return 0;
}

static int
item_row(void *ctx, const struct item_shipping *x)
{
	struct run *r = ctx;
	struct ritem *it = PUSH(r->net.items, r->net.nitems, r->net.capitems);

	memset(it, 0, sizeof *it);
	it->w = x->weight_kg;
	it->alone = (int)x->ship_alone;
	it->vendor = lookup(&r->net.node_ix, x->vendor_node);
	strmap_put(&r->net.item_ix, x->sku, (void *)(intptr_t)r->net.nitems);
	return 0;
}

static int
stock_row(void *ctx, const struct stock_routed *x)
{
	struct run *r = ctx;
	int n = lookup(&r->net.node_ix, x->node_id);
	int i = lookup(&r->net.item_ix, x->sku);
	struct rstock *s;
	struct stock_count *q;

	if (n < 0 || i < 0)
		return 0;
	s = PUSH(r->net.stock, r->net.nstock, r->net.capstock);
	memset(s, 0, sizeof *s);
	s->node = n;
	s->item = i;
	q = PUSH(r->net.stock_count, r->net.ncount, r->net.capcount);
	memset(q, 0, sizeof *q);
	q->on_hand = x->on_hand;
	q->safety = x->safety_stock;
	q->routed = x->routed;
	q->released = x->released;
	return 0;
}

/*
 * The lines come in the order of their keys (a plain scan, no sort in
 * SQL); the order of service (service_cmp, model.h) is sorted here, by
 * these keys of each order, kept as they are read.
 */
struct okey {
	int64_t priority;
	size_t promise, created;	/* offsets in okeytext; promise 0: none */
	int order;
};

/*
 * The sourcing rule line l of order o matches and its class; the order's
 * max splits is the least of --max-splits and its lines' rules', its
 * min_store_value the most of theirs.
 */
static void
classify(struct run *r, struct rorder *o, struct rline *l, const struct line_in_play *x)
{
	struct sourcing_order so = { x->channel, x->ship_country, x->ship_region,
		x->ship_postal_code, x->priority, x->order_value };
	struct sourcing_line sl = { x->sku, x->method, NULL };
	const struct sourcing_rule *rule;
	int rule_ix;

	l->cls = (unsigned short)sourcing_line_class(r->src, &so, &sl, &rule_ix);
	l->rule = (short)rule_ix;
	if ((rule = sourcing_rule_at(r->src, l->rule)) == NULL)
		return;
	if (rule->max_splits >= 0 && (o->max_splits < 0 || rule->max_splits < o->max_splits))
		o->max_splits = rule->max_splits;
	if (rule->min_store_value > o->min_store_value)
		o->min_store_value = rule->min_store_value;
}

static int
line_row(void *ctx, const struct line_in_play *x)
{
	struct run *r = ctx;
	struct rorder *o = r->net.norders ? &r->net.orders[r->net.norders - 1] : NULL;
	struct rline *l;
	/* a line shipped to its store goes there as a locker line does */
	int pickup = method_handed_over(x->method) && !x->ship_to_store;

	if (o == NULL || strcmp(o->id, x->order_id) != 0) {
		const char *promise = x->promise_date;
		struct okey *k;
		int64_t pd;

		o = PUSH(r->net.orders, r->net.norders, r->net.caporders);
		memset(o, 0, sizeof *o);
		o->id = xstrdup(x->order_id);
		o->first = r->net.nlines;
		o->placed = read_place(&x->dest, &o->code, &o->country, &o->lat, &o->lon, o->xyz);
		pd = date_days(promise);
		o->slack = pd == INT64_MAX ? INT_MAX : (int)(pd - r->net.day);
		plan_clear(&o->plan);
		plan_clear(&o->pins);
		plan_clear(&o->ideal_plan);
		if (r->scratch.capokeys < r->net.caporders) {
			r->scratch.capokeys = r->net.caporders;
			r->scratch.okeys = xrealloc(r->scratch.okeys,
			    (size_t)r->scratch.capokeys * sizeof *r->scratch.okeys);
		}
		k = &r->scratch.okeys[r->net.norders - 1];
		k->order = r->net.norders - 1;
		k->priority = x->priority;
		if (r->scratch.okeytext.len == 0)
			buf_addc(&r->scratch.okeytext, '\0');	/* offset 0: no promise date */
		k->promise = 0;
		if (promise != NULL) {
			k->promise = r->scratch.okeytext.len;
			buf_adds(&r->scratch.okeytext, promise);
			buf_addc(&r->scratch.okeytext, '\0');
		}
		k->created = r->scratch.okeytext.len;
		buf_adds(&r->scratch.okeytext, x->created_at);
		buf_addc(&r->scratch.okeytext, '\0');
	}
	l = PUSH(r->net.lines, r->net.nlines, r->net.caplines);
	memset(l, 0, sizeof *l);
	o->n++;
	l->order = r->net.norders - 1;
	l->line_no = x->line_no;
	l->sku = xstrdup(x->sku);
	l->item = lookup(&r->net.item_ix, l->sku);
	l->qty = x->qty;
	l->allocated = x->allocated;
	l->backordered = x->backordered;
	l->old_reason = x->backorder_reason ? xstrdup(x->backorder_reason) : NULL;
	l->pin = pickup ? lookup(&r->net.node_ix, x->pickup_node) : -1;
	if (pickup && l->pin < 0)
		l->pin = -2;	/* no such store: nothing can serve it */
	l->locker = strcmp(x->method, "locker") == 0 || (x->ship_to_store &&
	    method_handed_over(x->method)) ? lookup(&r->net.node_ix, x->pickup_node) : -1;
	l->want = l->allocated;
	l->unit_value = x->qty > 0 ? x->unit_price - x->discount / x->qty : 0;
	l->rule = -1;
	if (o->n == 1) {
		o->max_splits = r->opts->max_splits;
		o->min_store_value = -1;
	}
	if (r->src != NULL)
		classify(r, o, l, x);
	return 0;
}

/* The order order_id, while the orders are in the order of their keys; -1 none. */
static int
order_find(struct run *r, const char *order_id)
{
	int lo = 0, hi = r->net.norders - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(r->net.orders[mid].id, order_id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The line (order_id, line_no), while the lines are in the order of their keys; -1 none. */
static int
line_find(struct run *r, const char *order_id, int64_t line_no)
{
	int oi = order_find(r, order_id), lo, hi;

	if (oi < 0)
		return -1;
	lo = r->net.orders[oi].first;
	hi = lo + r->net.orders[oi].n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (r->net.lines[mid].line_no == line_no)
			return mid;
		if (r->net.lines[mid].line_no < line_no)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int
work_row(void *ctx, const struct work_in_play *x)
{
	struct run *r = ctx;
	struct rwork *w;
	struct rline *l;
	int li;

	li = line_find(r, x->order_id, x->line_no);
	if (li < 0)
		return 0;
	l = &r->net.lines[li];
	w = PUSH(l->work, l->nwork, l->capwork);
	w->node = lookup(&r->net.node_ix, x->node_id);
	w->qty = x->routed;
	w->inplay = 0;
	return 0;
}

/* Work of an order in play released to a node or shipped from it. */
static int
used_row(void *ctx, const struct work_released *x)
{
	struct run *r = ctx;
	int oi = order_find(r, x->order_id);
	int n = lookup(&r->net.node_ix, x->node_id);
	int item = lookup(&r->net.item_ix, x->sku), dest = 0;

	if (oi < 0 || n < 0)
		return 0;
	/* a locker's, or the store's a pickup is shipped to */
	if (strcmp(x->method, "ship") != 0)
		dest = lookup(&r->net.node_ix, x->pickup_node) + 1;
	used_add(&r->net.orders[oi], n, dest, item < 0 || !r->net.items[item].alone);
	return 0;
}

/* An order's place in the order of service, and the order (its index). */
struct oplace {
	struct service_key key;
	int order;
};

static int
oplace_cmp(const void *a, const void *b)
{
	return service_cmp(&((const struct oplace *)a)->key, &((const struct oplace *)b)->key);
}

/* Put the orders, and their lines with them, in the order of service. */
static void
service_order(struct run *r)
{
	struct rorder *orders;
	struct rline *lines;
	struct oplace *by = xmalloc((size_t)(r->net.norders ? r->net.norders : 1) * sizeof *by);
	const char *text = r->scratch.okeytext.s;
	int i, k, n = 0;

	for (i = 0; i < r->net.norders; i++) {
		const struct okey *ok = &r->scratch.okeys[i];

		by[i].key.order_id = r->net.orders[ok->order].id;
		by[i].key.priority = ok->priority;
		by[i].key.promise_date = ok->promise != 0 ? text + ok->promise : NULL;
		by[i].key.created_at = text + ok->created;
		by[i].key.line_no = 0;
		by[i].order = ok->order;
	}
	if (r->net.norders > 1)
		qsort(by, (size_t)r->net.norders, sizeof *by, oplace_cmp);
	orders = xcalloc((size_t)r->net.caporders + 1, sizeof *orders);
	lines = xcalloc((size_t)r->net.caplines + 1, sizeof *lines);
	for (i = 0; i < r->net.norders; i++) {
		struct rorder *o = &orders[i];

		*o = r->net.orders[by[i].order];
		for (k = 0; k < o->n; k++) {
			lines[n + k] = r->net.lines[o->first + k];
			lines[n + k].order = i;
		}
		o->first = n;
		n += o->n;
	}
	free(by);
	free(r->net.orders);
	free(r->net.lines);
	r->net.orders = orders;
	r->net.lines = lines;
	free(r->scratch.okeys);
	r->scratch.okeys = NULL;
	buf_release(&r->scratch.okeytext);
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

	for (i = 0; i < r->net.nlines; i++) {
		struct rline *l = &r->net.lines[i];

		for (k = 0; k < l->nwork; k++) {
			struct rwork *w = &l->work[k];

			if (r->opts->reroute || w->node < 0 || r->net.nodes[w->node].excluded ||
			    !r->net.nodes[w->node].active)
				unroute(l, w, w->qty);
		}
	}
	/* stock that no longer covers the work: kept = routed less in play */
	for (i = 0; i < r->net.nstock; i++)
		r->net.stock_count[i].kept = r->net.stock_count[i].routed;
	for (i = 0; i < r->net.nlines; i++)
		for (k = 0; k < r->net.lines[i].nwork; k++) {
			struct rwork *w = &r->net.lines[i].work[k];
			struct rstock *s = w->node >= 0 && r->net.lines[i].item >= 0 ?
			    stock_at(r, r->net.lines[i].item, w->node) : NULL;

			if (s != NULL)
				r->net.stock_count[s - r->net.stock].kept -= w->inplay;
		}
	for (i = r->net.nlines - 1; i >= 0; i--) {
		struct rline *l = &r->net.lines[i];

		for (k = 0; k < l->nwork; k++) {
			struct rwork *w = &l->work[k];
			struct rstock *s = w->node >= 0 && l->item >= 0 ?
			    stock_at(r, l->item, w->node) : NULL;
			struct stock_count *q;
			int64_t over, take;

			if (s == NULL || w->qty == w->inplay)
				continue;
			q = &r->net.stock_count[s - r->net.stock];
			over = q->kept + q->released - (q->on_hand - q->safety);
			if (over <= 0)
				continue;
			take = w->qty - w->inplay < over ? w->qty - w->inplay : over;
			unroute(l, w, take);
			q->kept -= take;
		}
	}
}

/*
 * Order o keeps a release at node n: it takes a slot of the node's day,
 * when one is left, once per order.  1 when a slot was taken now.
 */
static int
kept_add(struct run *r, struct rorder *o, int n)
{
	struct rnode *nd = &r->net.nodes[n];

	if (order_kept(o, n))
		return 0;
	o->kept = xrealloc(o->kept, (size_t)(o->nkept + 1) * sizeof *o->kept);
	o->kept[o->nkept++] = n;
	if (nd->cap == NOCAP || nd->cap <= 0)
		return 0;
	nd->cap--;
	return 1;
}

/* ATP and capacity left for this run's work. */
static void
set_resources(struct run *r)
{
	int i, k, j;

	for (i = 0; i < r->net.nstock; i++) {
		struct rstock *s = &r->net.stock[i];
		const struct stock_count *q = &r->net.stock_count[i];
		int64_t atp = q->on_hand - q->safety - q->released - q->kept;

		s->atp = s->atp_start = atp > 0 ? atp : 0;
	}
	/*
	 * a release slot for every order with work that stays at a node; the
	 * shipments that work makes are the order's already (the lines are
	 * in the order of their orders: service_order)
	 */
	for (k = 0; k < r->net.nlines; k++) {
		struct rline *l = &r->net.lines[k];
		struct rorder *o = &r->net.orders[l->order];

		for (j = 0; j < l->nwork; j++) {
			struct rwork *w = &l->work[j];

			if (w->node < 0 || w->qty == w->inplay)
				continue;
			if (l->pin == -1)
				used_add(o, w->node, line_dest(l), l->item < 0 ||
				    !r->net.items[l->item].alone);
			kept_add(r, o, w->node);
		}
	}
	for (i = 0; i < r->net.nnodes; i++)
		r->net.nodes[i].cap_start = r->net.nodes[i].cap;
}

/*
 * Each line's part in the plan, before the search.  A ship or locker line
 * whose destination (the ship-to, or the locker) cannot be placed takes
 * none: its units go back to backorder (settle); the others are what
 * their order needs shipped.  Pickup and curbside lines go to their
 * store, as far as its stock allows.
 */
static void
place_lines(struct run *r)
{
	int k;

	/* the lines, in the order of their orders (service_order) */
	for (k = 0; k < r->net.nlines; k++) {
		struct rline *l = &r->net.lines[k];
		struct rorder *o = &r->net.orders[l->order];
		struct rstock *s;
		int64_t take;

		if (l->pin == -1) {
			if (l->want == 0 || l->item < 0)
				continue;
			if (l->locker >= 0 ? r->net.nodes[l->locker].placed : o->placed) {
				o->need += l->want;
				continue;
			}
			l->nowhere = l->want;
			l->want = 0;
			if (!o->nowhere)
				r->counts->unplaced++;
			o->nowhere |= l->locker >= 0 ? NOWHERE_LOCKER : NOWHERE_SHIP_TO;
			continue;
		}
		if (l->want == 0)
			continue;
		/*
		 * a store whose capacity_per_day is 0 would never release
		 * it: the line stays allocated, waiting for the store to
		 * take releases (or the order to change)
		 */
		if (l->pin >= 0 && r->net.nodes[l->pin].active && r->net.nodes[l->pin].closed) {
			l->closed = 1;
			diag_warn("order \"%s\" line %lld: its store \"%s\" takes no releases "
			    "(capacity_per_day 0); left allocated", quote_value(o->id),
			    (long long)l->line_no, r->net.nodes[l->pin].id);
			continue;
		}
		s = l->pin >= 0 && l->item >= 0 && r->net.nodes[l->pin].active ?
		    stock_at(r, l->item, l->pin) : NULL;
		take = s == NULL ? 0 : s->atp < l->want ? s->atp : l->want;
		if (take > 0) {
			plan_add(&o->pins, k, l->pin, take);
			s->atp -= take;
			s->atp_start -= take;
			/* (the pickup cannot go elsewhere) */
			if (kept_add(r, o, l->pin))
				r->net.nodes[l->pin].cap_start--;
		}
	}
}

/*
 * A local search can end worse than the plain greedy on a small book;
 * build that too, on the same network, and keep whichever is better, so
 * oms-route is never worse than the baseline it is measured against.
 */
static void
keep_better_of_greedy(struct run *r)
{
	struct plan *mine = xcalloc((size_t)r->net.norders + 1, sizeof *mine);
	double cost = total_cost(r);
	int64_t covered = total_covered(r);
	int i;

	for (i = 0; i < r->net.norders; i++) {
		plan_clear(&mine[i]);
		plan_copy(&mine[i], &r->net.orders[i].plan);
		plan_drop(r, i);
		plan_clear(&r->net.orders[i].plan);
	}
	for (i = 0; i < r->net.norders; i++) {
		struct rorder *o = &r->net.orders[i];

		if (!routable(o))
			continue;
		greedy_response(r, o, &r->scratch.best);
		plan_set(r, i, &r->scratch.best);
	}
	if (total_covered(r) > covered ||
	    (total_covered(r) == covered && total_cost(r) < cost - EPS)) {
		diag_info("the plain greedy did better (%.2f against %.2f): kept",
		    total_cost(r), cost);
	} else {
		for (i = 0; i < r->net.norders; i++) {
			plan_drop(r, i);
			plan_set(r, i, &mine[i]);
		}
	}
	for (i = 0; i < r->net.norders; i++)
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
	struct regret *g = xcalloc((size_t)r->net.norders + 1, sizeof *g);
	int i, k;

	r->ideal = 1;
	for (i = 0; i < r->net.norders; i++) {
		struct rorder *o = &r->net.orders[i];

		g[i].order = i;
		g[i].regret = 0;
		if (!routable(o))
			continue;
		best_response(r, o, &r->scratch.ideal);
		plan_copy(&o->ideal_plan, &r->scratch.ideal);
		for (k = 0; k < r->scratch.ideal.n; k++) {
			r->net.nodes[r->scratch.ideal.a[k].node].excluded++;
			node_flags_update(r, r->scratch.ideal.a[k].node);
		}
		/* the same candidates less the excluded nodes */
		cand_drop_excluded(r, o);
		respond(r, o, &r->scratch.alt);
		for (k = 0; k < r->scratch.ideal.n; k++) {
			r->net.nodes[r->scratch.ideal.a[k].node].excluded--;
			node_flags_update(r, r->scratch.ideal.a[k].node);
		}
		g[i].regret = r->scratch.alt.covered < r->scratch.ideal.covered ? 1e12 :
		    r->scratch.alt.cost - r->scratch.ideal.cost;
	}
	r->ideal = 0;
	qsort(g, (size_t)r->net.norders, sizeof *g, regret_cmp);
	return g;
}

static void
decide(struct run *r)
{
	struct regret *g = NULL;
	int i, pass;
	/* the search's generator, seeded from the batch */
	uint64_t rng = 0x6f6d732d726f7574ull ^ (uint64_t)r->net.norders * 0x100000001b3ull ^
	    (uint64_t)r->net.nlines << 20 ^ (uint64_t)r->net.nstock;

	if (r->opts->algo != ROUTE_GREEDY)
		g = by_regret(r);
	for (i = 0; i < r->net.norders; i++) {
		int oi = g ? g[i].order : i;
		struct rorder *o = &r->net.orders[oi];

		progress_tick(i + 1);
		if (!routable(o))
			continue;
		if (r->opts->algo == ROUTE_GREEDY)
			greedy_response(r, o, &r->scratch.best);
		else
			best_response(r, o, &r->scratch.best);
		plan_set(r, oi, &r->scratch.best);
	}
	free(g);
	if (r->opts->algo == ROUTE_GREEDY)
		return;
	/* the network to each order alone: what it could pay at best */
	for (i = 0; i < r->net.norders; i++) {
		struct rorder *o = &r->net.orders[i];

		o->ideal = o->plan.cost;
		if (o->need > 0 && o->plan.n > 0 && o->ideal_plan.covered >= o->plan.covered)
			o->ideal = o->ideal_plan.cost;
	}
	{
		double t = 0;

		for (i = 0; i < r->net.norders; i++)
			if (r->net.orders[i].plan.n > 0)
				t += r->net.orders[i].ideal;
		diag_info("each order alone with the network: cost %.2f", t);
	}
	for (pass = 0; pass < PASSES; pass++) {
		double before = total_cost(r);
		long moves = 0;

		for (i = 0; i < r->net.norders; i++) {
			struct rorder *o = &r->net.orders[i];

			if (o->plan.n == 0 || (o->plan.covered == o->need && o->plan.cost <= o->ideal + EPS))
				continue;
			moves += eject(r, i);
		}
		for (i = 0; i < r->net.norders; i++) {
			struct rorder *o = &r->net.orders[i];

			/* an order that pays what it would alone cannot do better */
			if (o->plan.n == 0 || (o->plan.covered == o->need && o->plan.cost <= o->ideal + EPS))
				continue;
			plan_drop(r, i);
			best_response(r, o, &r->scratch.best);
			if (plan_better(&r->scratch.best, &o->plan)) {
				plan_set(r, i, &r->scratch.best);
				moves++;
			} else {
				plan_apply(r, i, &o->plan, 1);
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
	for (pass = 0; pass < LNS_PARTS && LNS_WORK / (r->net.norders + 1) >= LNS_MIN; pass++) {
		lns(r, LNS_PARTS, &rng);
		tp_all(r, 1);
	}
	keep_better_of_greedy(r);
	/* last, orders still short take what the moves set free */
	for (i = 0; i < r->net.norders; i++) {
		struct rorder *o = &r->net.orders[i];

		if (!routable(o) || o->plan.covered == o->need)
			continue;
		plan_drop(r, i);
		best_response(r, o, &r->scratch.best);
		if (plan_better(&r->scratch.best, &o->plan))
			plan_set(r, i, &r->scratch.best);
		else
			plan_apply(r, i, &o->plan, 1);
	}
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

	events_release(&r->events);
	for (i = 0; i < r->net.nnodes; i++) {
		free(r->net.nodes[i].id);
		free(r->net.nodes[i].code);
		free(r->net.nodes[i].country);
		free(r->net.nodes[i].users);
	}
	for (i = 0; i < r->net.nstock && r->net.stock_users != NULL; i++)
		free(r->net.stock_users[i].users);
	for (i = 0; i < r->net.nlines; i++) {
		free(r->net.lines[i].sku);
		free(r->net.lines[i].old_reason);
		free(r->net.lines[i].work);
	}
	for (i = 0; i < r->net.norders; i++) {
		free(r->net.orders[i].id);
		free(r->net.orders[i].code);
		free(r->net.orders[i].country);
		free(r->net.orders[i].used);
		free(r->net.orders[i].kept);
		free(r->net.orders[i].plan.a);
		free(r->net.orders[i].pins.a);
		free(r->net.orders[i].ideal_plan.a);
	}
	free(r->net.nodes);
	free(r->net.rates);
	free(r->net.items);
	free(r->net.stock);
	free(r->net.stock_count);
	free(r->net.stock_users);
	free(r->net.lines);
	free(r->net.orders);
	free(r->scratch.trial.a);
	free(r->scratch.best.a);
	free(r->scratch.ideal.a);
	free(r->scratch.alt.a);
	free(r->scratch.replan.a);
	free(r->scratch.cand_node);
	free(r->scratch.cand_fixed);
	free(r->scratch.cand_atp);
	free(r->scratch.cand_unit);
	free(r->net.stock_slots);
	free(r->scratch.cand_seen);
	free(r->cache.band_seen);
	free((void *)r->cache.band_to);
	free(r->cache.item_dirty);
	free(r->scratch.cand_of_node);
	free(r->cache.node_flags);
	free(r->scratch.entries);
	strmap_release(&r->net.node_ix, NULL);
	strmap_release(&r->net.item_ix, NULL);
	free(r->scratch.okeys);
	buf_release(&r->scratch.okeytext);
	buf_release(&r->scratch.why_text);
	for (i = 0; i < r->nclasses; i++) {
		free(r->tier[i]);
		free(r->held[i]);
	}
	free(r->tier);
	free(r->held);
	sourcing_free(r->src);
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

	for (i = 0; i < r->net.norders; i++) {
		const struct rorder *o = &r->net.orders[i];

		if (o->nowhere & NOWHERE_SHIP_TO)
			place_warn_order(&w, o->id, o->code, o->country);
	}
	for (i = 0; i < r->net.nnodes; i++) {
		const struct rnode *nd = &r->net.nodes[i];

		if (nd->lost > 0)
			place_warn_node(&w, nd->id, nd->code, nd->country, nd->lost);
	}
	place_warn_end(&w);
}

/* Each class's tier and units held back, by the run's node index. */
static void
class_tables(struct run *r)
{
	int c, n;

	r->nclasses = sourcing_nclasses(r->src);
	r->tier = xcalloc((size_t)r->nclasses, sizeof *r->tier);
	r->held = xcalloc((size_t)r->nclasses, sizeof *r->held);
	for (c = 0; c < r->nclasses; c++) {
		r->tier[c] = xcalloc((size_t)r->net.nnodes + 1, 1);
		r->held[c] = xcalloc((size_t)r->net.nnodes + 1, sizeof **r->held);
		for (n = 0; n < r->net.nnodes; n++) {
			int sn = sourcing_node(r->src, r->net.nodes[n].id);

			if (sn < 0)
				continue;
			r->tier[c][n] = (unsigned char)sourcing_tier(r->src, c, sn, NULL);
			r->held[c][n] = sourcing_held_back(r->src, c, sn);
		}
	}
}

int
route_run(struct store *st, const struct route_opts *o, FILE *out,
    struct route_counts *counts)
{
	struct run r;
	int i, status = 0, scoped = scope_on(o->scope);

	memset(&r, 0, sizeof r);
	memset(counts, 0, sizeof *counts);
	r.st = st;
	events_init(&r.events, st);
	r.opts = o;
	r.counts = counts;
	r.net.day = date_days(o->day);
	if ((status = scope_load(st, o->scope)) != 0)
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
	if (sourcing_load(st, &r.src) != 0) {
		status = store_status(st);
		goto out;
	}
	counts->rules_version = sourcing_version(r.src);
	if (sourcing_plain(r.src)) {
		sourcing_free(r.src);
		r.src = NULL;
	}
	if (store_route_nodes(st, o->day, node_row, &r) != 0 ||
	    store_route_rates(st, rate_row, &r) != 0 ||
	    store_route_items(st, item_row, &r) != 0 ||
	    store_route_stock(st, stock_row, &r) != 0 ||
	    store_route_lines(st, scoped, r.src != NULL, line_row, &r) != 0 ||
	    store_route_work(st, scoped, work_row, &r) != 0 ||
	    store_route_released(st, scoped, used_row, &r) != 0) {
		status = store_status(st);
		goto out;
	}
	service_order(&r);
	if (r.src != NULL)
		class_tables(&r);
	if (r.net.nlines > 0 && r.net.nrates == 0) {
		diag_error("no rate card in the store: import one first (oms-import rates)");
		status = EX_DATAERR;
		goto out;
	}
	stock_index(&r);
	r.scratch.cand_seen = xcalloc((size_t)r.net.nnodes + 1, sizeof *r.scratch.cand_seen);
	r.cache.band_seen = xcalloc((size_t)r.net.nnodes + 1, sizeof *r.cache.band_seen);
	r.cache.band_to = xcalloc((size_t)r.net.nnodes + 1, sizeof *r.cache.band_to);
	r.cache.item_dirty = xcalloc((size_t)r.net.nitems + 1, sizeof *r.cache.item_dirty);
	r.scratch.cand_of_node = xcalloc((size_t)r.net.nnodes + 1, sizeof *r.scratch.cand_of_node);
	r.cache.node_flags = xcalloc((size_t)r.net.nnodes + 1, sizeof *r.cache.node_flags);
	for (i = 0; i < r.net.nnodes; i++)
		node_flags_update(&r, i);
	choose_work(&r);
	set_resources(&r);
	place_lines(&r);
	if (o->lp_file != NULL && (status = lp_write(&r, o->lp_file)) != 0)
		goto out;
	progress_start("orders");
	decide(&r);
	progress_end();
	settle_lines(&r);
	if (o->explain != NULL) {
		status = route_explain(&r, out);
		goto out;
	}
	warn_places(&r);
	if (write_results(&r, out) != 0)
		status = store_status(st);
out:
	free_run(&r);
	return status;
}

