/*
 * route-plan: plans (route-int.h): one order's best response to what is
 * left of the network (its candidates, single nodes, pairs, a greedy
 * cover), the plain greedy baseline, --max-splits, and applying a plan
 * to the stock and capacity it uses.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "route-int.h"

#define TOPK 8			/* candidates paired with each other */

void
plan_clear(struct plan *p)
{
	p->n = 0;
	p->covered = 0;
	p->cost = INF;
}

void
plan_add(struct plan *p, int line, int node, int64_t qty)
{
	struct assignment *a;
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

void
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
int
within_limit(const struct run *r, const struct rorder *o, const struct plan *p,
    const int *extra, int nextra)
{
	int total = o->nused + (p ? p->n : 0) + nextra, count = 0, k, j, node;

	if (o->max_splits < 0)
		return 1;
	for (k = 0; k < total; k++) {
		node = limit_node(o, p, extra, k);
		for (j = 0; j < k && limit_node(o, p, extra, j) != node; j++)
			;
		if (j == k && count++ > o->max_splits)
			return 0;
	}
	return 1;
}

/* --- best response of one order ---------------------------------------------- */

/* Sort the candidates by fixed cost, then node index (a merge sort). */
static void
cand_sort(struct run *r)
{
	struct route_scratch *sc = &r->scratch;
	int n = sc->ncand, w, i;
	int *a = sc->cand_node, *ta = sc->cand_node + sc->capcand;
	double *f = sc->cand_fixed, *tf = sc->cand_fixed + sc->capcand;

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

void
candidates(struct run *r, const struct rorder *o)
{
	struct route_scratch *sc = &r->scratch;
	int i, j, c, nl = o->n;

	sc->ncand = 0;
	sc->nentries = 0;
	sc->cand_stamp++;
	bands_for(r, o);
	/*
	 * one walk over each line's stock entries: the entries that may serve
	 * it, and the nodes that become candidates (stock there now, room)
	 */
	for (j = 0; j < nl; j++) {
		const struct rline *l = &r->net.lines[o->first + j];
		const struct ritem *it;
		const struct rstock *s, *end;

		if (l->pin != -1 || l->want == 0 || l->item < 0)
			continue;
		it = &r->net.items[l->item];
		for (s = &r->net.stock[it->first], end = s + it->nstock; s < end; s++) {
			const struct rrate *b;
			int64_t atp;
			struct cand_entry *e;

			/* a node without room is no candidate: none of its entries count */
			if (!eligible(r, l, s->node) || !has_room(r, o, s->node))
				continue;
			atp = (r->ideal ? s->atp_start : s->atp) - held_back(r, l, s->node);
			if (atp <= 0) {
				/* counts only if another line makes its node a candidate:
				 * its cost then, when the band is known */
				e = PUSH(sc->entries, sc->nentries, sc->capentries);
				e->line = j;
				e->node = s->node;
				e->atp = atp;
				e->unit = NAN;
				continue;
			}
			if ((b = band(r, o, s->node, line_dest(l), l)) == NULL)
				continue;
			e = PUSH(sc->entries, sc->nentries, sc->capentries);
			e->line = j;
			e->node = s->node;
			e->atp = atp;
			e->unit = (it->alone ? ship_cost(r, o, s->node, b, it->w, NULL) :
			    b->per_kg * it->w) + tier_cost(r, l, s->node);
			if (sc->cand_seen[s->node] == sc->cand_stamp)
				continue;
			sc->cand_seen[s->node] = sc->cand_stamp;
			if (sc->ncand == sc->capcand) {
				/* twice the room: the second half is cand_sort's */
				sc->capcand = sc->capcand ? 2 * sc->capcand : 64;
				sc->cand_node = xrealloc(sc->cand_node,
				    2 * (size_t)sc->capcand * sizeof *sc->cand_node);
				sc->cand_fixed = xrealloc(sc->cand_fixed,
				    2 * (size_t)sc->capcand * sizeof *sc->cand_fixed);
			}
			sc->cand_node[sc->ncand] = s->node;
			sc->cand_fixed[sc->ncand] = ship_cost(r, o, s->node, b, 0, NULL);
			sc->ncand++;
		}
	}
	cand_sort(r);
	if ((size_t)sc->ncand * (size_t)nl > sc->cap_cand_lines) {
		sc->cap_cand_lines = (size_t)sc->ncand * (size_t)nl * 2;
		sc->cand_atp = xrealloc(sc->cand_atp, sc->cap_cand_lines * sizeof *sc->cand_atp);
		sc->cand_unit = xrealloc(sc->cand_unit, sc->cap_cand_lines * sizeof *sc->cand_unit);
	}
	for (c = 0; c < sc->ncand; c++) {
		sc->cand_of_node[sc->cand_node[c]] = c;
		for (j = 0; j < nl; j++) {
			sc->cand_atp[(size_t)c * nl + j] = 0;
			sc->cand_unit[(size_t)c * nl + j] = INF;
		}
	}
	/* the stock of each line at each candidate, and its unit cost there */
	for (i = 0; i < sc->nentries; i++) {
		const struct cand_entry *e = &sc->entries[i];
		size_t x;

		if (sc->cand_seen[e->node] != sc->cand_stamp)
			continue;
		x = (size_t)sc->cand_of_node[e->node] * nl + (size_t)e->line;
		if (isnan(e->unit)) {
			const struct rline *l = &r->net.lines[o->first + e->line];
			const struct ritem *it = &r->net.items[l->item];
			const struct rrate *b = band(r, o, e->node, line_dest(l), l);

			if (b == NULL)
				continue;
			sc->cand_unit[x] = (it->alone ? ship_cost(r, o, e->node, b, it->w, NULL) :
			    b->per_kg * it->w) + tier_cost(r, l, e->node);
		} else
			sc->cand_unit[x] = e->unit;
		sc->cand_atp[x] = e->atp;
	}
}

/*
 * Drop the candidates at excluded nodes, the others keeping their order
 * and their stock and costs: what candidates() would now find, when only
 * exclusions changed since it ran for the same order.
 */
void
cand_drop_excluded(struct run *r, const struct rorder *o)
{
	struct route_scratch *sc = &r->scratch;
	int c, k = 0, nl = o->n;

	for (c = 0; c < sc->ncand; c++) {
		if (r->net.nodes[sc->cand_node[c]].excluded)
			continue;
		if (k != c) {
			sc->cand_node[k] = sc->cand_node[c];
			sc->cand_fixed[k] = sc->cand_fixed[c];
			memmove(&sc->cand_atp[(size_t)k * nl], &sc->cand_atp[(size_t)c * nl],
			    (size_t)nl * sizeof *sc->cand_atp);
			memmove(&sc->cand_unit[(size_t)k * nl], &sc->cand_unit[(size_t)c * nl],
			    (size_t)nl * sizeof *sc->cand_unit);
		}
		k++;
	}
	sc->ncand = k;
}

/*
 * Line i of order o takes what it can, up to left units, from candidate c
 * into plan p (less what earlier lines of p took of the same sku there);
 * returns the units taken.
 */
static int64_t
take_units(struct run *r, const struct rorder *o, struct plan *p, int i, int c, int64_t left)
{
	const struct rline *l = &r->net.lines[o->first + i];
	int64_t atp = r->scratch.cand_atp[(size_t)c * o->n + i], take;
	int n = r->scratch.cand_node[c], q;

	for (q = 0; q < p->n; q++)
		if (p->a[q].node == n && r->net.lines[p->a[q].line].item == l->item)
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
 * into r->scratch.cand_node), each line on the set's cheapest nodes for it first, as
 * far as stock allows; result in p with its cost and the units it covers.
 */
static void
assign(struct run *r, const struct rorder *o, const int *set, int nset, struct plan *p)
{
	int i, k, j, nl = o->n;

	plan_clear(p);
	for (i = 0; i < nl; i++) {
		struct rline *l = &r->net.lines[o->first + i];
		int64_t left = l->want;
		int order[MAXSET + 2];

		if (l->pin != -1 || left == 0)
			continue;
		for (k = 0; k < nset; k++)
			order[k] = k;
		for (k = 1; k < nset; k++)
			for (j = k; j > 0 && r->scratch.cand_unit[(size_t)set[order[j]] * nl + i] <
			    r->scratch.cand_unit[(size_t)set[order[j - 1]] * nl + i]; j--) {
				int t = order[j];

				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		for (k = 0; k < nset && left > 0; k++) {
			int c = set[order[k]];
			int64_t take;

			if (r->scratch.cand_unit[(size_t)c * nl + i] >= INF)
				continue;
			take = take_units(r, o, p, i, c, left);
			left -= take;
		}
	}
	p->cost = plan_cost(r, o, p, NULL);
}

void
plan_single(struct run *r, const struct rorder *o, int c, struct plan *p)
{
	assign(r, o, &c, 1, p);
}

/* a better than b: covers more, else costs less */
int
plan_better(const struct plan *a, const struct plan *b)
{
	if (a->covered != b->covered)
		return a->covered > b->covered;
	return a->cost < b->cost - EPS;
}

/* A set of nset nodes is not over --max-splits by its size alone. */
static int
set_ok(const struct rorder *o, int nset)
{
	return o->max_splits < 0 || nset - 1 <= o->max_splits;
}

/* The candidates set[0 .. nset) keep o within --max-splits. */
static int
set_within(struct run *r, const struct rorder *o, const int *set, int nset)
{
	int nodes[MAXSET + 1], i;

	assert(nset <= MAXSET + 1);
	if (o->max_splits < 0)
		return 1;
	for (i = 0; i < nset; i++)
		nodes[i] = r->scratch.cand_node[set[i]];
	return within_limit(r, o, NULL, nodes, nset);
}

/* Candidate c can ship every unpinned unit of o by itself. */
static int
holds_all(struct run *r, const struct rorder *o, int c)
{
	int i, j, nl = o->n;

	for (i = 0; i < nl; i++) {
		const struct rline *l = &r->net.lines[o->first + i];
		int64_t need = 0;

		if (l->pin != -1 || l->want == 0)
			continue;
		if (r->scratch.cand_unit[(size_t)c * nl + i] >= INF)
			return 0;
		for (j = 0; j < nl; j++)
			if (r->net.lines[o->first + j].pin == -1 &&
			    r->net.lines[o->first + j].item == l->item)
				need += r->net.lines[o->first + j].want;
		if (r->scratch.cand_atp[(size_t)c * nl + i] < need)
			return 0;
	}
	return 1;
}

/* The best plan for o on the candidates found, in *out. */
void
respond(struct run *r, const struct rorder *o, struct plan *out)
{
	int set[MAXSET];
	int i, j, k, nset, top;

	plan_clear(out);
	out->covered = -1;
	r->responses++;
	/* single nodes: those that hold it all (a partial one is never
	 * better than the covers below) */
	for (i = 0; i < r->scratch.ncand; i++) {
		if (!holds_all(r, o, i) || !set_within(r, o, &i, 1))
			continue;
		assign(r, o, &i, 1, &r->scratch.trial);
		if (plan_better(&r->scratch.trial, out))
			plan_copy(out, &r->scratch.trial);
	}
	/*
	 * pairs, unless no split can win: two shipments cost at least the two
	 * cheapest fixed costs and the split penalty
	 */
	if (!set_ok(o, 2) || r->scratch.ncand < 2 || (out->covered == o->need &&
	    out->cost <= r->scratch.cand_fixed[0] + r->scratch.cand_fixed[1] + r->opts->split_penalty))
		goto done;
	top = r->scratch.ncand < TOPK ? r->scratch.ncand : TOPK;
	for (i = 0; i < top; i++)
		for (j = i + 1; j < top; j++) {
			set[0] = i;
			set[1] = j;
			if (!set_within(r, o, set, 2))
				continue;
			assign(r, o, set, 2, &r->scratch.trial);
			if (plan_better(&r->scratch.trial, out))
				plan_copy(out, &r->scratch.trial);
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
			const struct rline *l = &r->net.lines[o->first + j];

			rem[j] = l->pin == -1 ? l->want : 0;
		}
		for (nset = 0; nset < MAXSET && set_ok(o, nset + 1); nset++) {
			int64_t gain, bestgain = 0;
			int pick = -1;

			for (k = 0; k < r->scratch.ncand; k++) {
				int in = 0;

				for (j = 0; j < nset && !in; j++)
					in = set[j] == k;
				if (in)
					continue;
				set[nset] = k;
				if (!set_within(r, o, set, nset + 1))
					continue;
				for (gain = 0, j = 0; j < nl; j++) {
					int64_t a = r->scratch.cand_atp[(size_t)k * o->n + j];

					if (r->scratch.cand_unit[(size_t)k * o->n + j] < INF)
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
				int64_t a = r->scratch.cand_atp[(size_t)pick * o->n + j];

				if (r->scratch.cand_unit[(size_t)pick * o->n + j] < INF)
					rem[j] -= a < rem[j] ? a : rem[j];
			}
			assign(r, o, set, nset + 1, &r->scratch.trial);
			if (plan_better(&r->scratch.trial, out))
				plan_copy(out, &r->scratch.trial);
			if (r->scratch.trial.covered == o->need)
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
void
best_response(struct run *r, const struct rorder *o, struct plan *out)
{
	candidates(r, o);
	respond(r, o, out);
}

/* The plain baseline: the nearest node that holds it all, else line by line. */
void
greedy_response(struct run *r, const struct rorder *o, struct plan *out)
{
	int i, k, nl = o->n;

	plan_clear(out);
	candidates(r, o);
	/* nearest first: the fixed cost grows with the distance band; ties
	 * broken by node index, as in candidates() */
	for (k = 0; k < r->scratch.ncand; k++) {
		if (!holds_all(r, o, k) || !set_within(r, o, &k, 1))
			continue;
		assign(r, o, &k, 1, &r->scratch.trial);
		if (r->scratch.trial.covered == o->need && r->scratch.trial.cost < INF) {
			plan_copy(out, &r->scratch.trial);
			return;
		}
	}
	for (i = 0; i < nl; i++) {
		struct rline *l = &r->net.lines[o->first + i];
		int64_t left = l->want;

		if (l->pin != -1)
			continue;
		for (k = 0; k < r->scratch.ncand && left > 0; k++) {
			int n = r->scratch.cand_node[k];

			if (r->scratch.cand_unit[(size_t)k * nl + i] >= INF)
				continue;
			if (!plan_uses(out, n) && !within_limit(r, o, out, &n, 1))
				continue;
			left -= take_units(r, o, out, i, k, left);
		}
	}
	out->cost = plan_cost(r, o, out, NULL);
}

/* --- applying plans ------------------------------------------------------------ */

int
plan_uses(const struct plan *p, int node)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].node == node && p->a[i].qty > 0)
			return 1;
	return 0;
}

int
uses_stock(struct run *r, const struct plan *p, int node, int item)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].node == node && p->a[i].qty > 0 && r->net.lines[p->a[i].line].item == item)
			return 1;
	return 0;
}

/* Take (sign 1) or give back (sign -1) what plan p of order oi uses. */
void
plan_apply(struct run *r, int oi, const struct plan *p, int sign)
{
	struct rorder *o = &r->net.orders[oi];
	int i, j;

	for (i = 0; i < p->n; i++) {
		const struct assignment *a = &p->a[i];
		struct rstock *s = stock_at(r, r->net.lines[a->line].item, a->node);
		int first = 1;

		if (r->cache.item_dirty != NULL && r->net.lines[a->line].item >= 0)
			r->cache.item_dirty[r->net.lines[a->line].item] = 1;
		if (s != NULL) {
			s->atp -= sign * a->qty;
			if (sign > 0) {
				struct stock_users *us = &r->net.stock_users[s - r->net.stock];
				int *u = PUSH(us->users, us->nusers, us->capusers);

				*u = oi;
			}
		}
		for (j = 0; j < i && first; j++)
			first = p->a[j].node != a->node;
		if (!first || order_kept(o, a->node))
			continue;
		if (r->net.nodes[a->node].cap != NOCAP)
			r->net.nodes[a->node].cap -= sign;
		if (sign > 0) {
			struct rnode *nd = &r->net.nodes[a->node];
			int *u = PUSH(nd->users, nd->nusers, nd->capusers);

			*u = oi;
		}
	}
}

/* Could plan p be applied to what is left now? */
int
plan_fits(struct run *r, const struct rorder *o, const struct plan *p)
{
	int i, j;

	for (i = 0; i < p->n; i++) {
		int64_t need = 0;
		int first = 1;

		for (j = 0; j < p->n; j++)
			if (p->a[j].node == p->a[i].node &&
			    r->net.lines[p->a[j].line].item == r->net.lines[p->a[i].line].item)
				need += p->a[j].qty;
		if (atp_of(r, r->net.lines[p->a[i].line].item, p->a[i].node) < need)
			return 0;
		for (j = 0; j < i && first; j++)
			first = p->a[j].node != p->a[i].node;
		if (first && !has_room(r, o, p->a[i].node))
			return 0;
	}
	return 1;
}

void
plan_set(struct run *r, int oi, const struct plan *p)
{
	struct rorder *o = &r->net.orders[oi];

	plan_copy(&o->plan, p);
	plan_apply(r, oi, &o->plan, 1);
}

void
plan_drop(struct run *r, int oi)
{
	plan_apply(r, oi, &r->net.orders[oi].plan, -1);
}

double
total_cost(struct run *r)
{
	double t = 0;
	int i;

	for (i = 0; i < r->net.norders; i++)
		if (r->net.orders[i].plan.cost < INF)
			t += r->net.orders[i].plan.cost;
	return t;
}

int64_t
total_covered(struct run *r)
{
	int64_t t = 0;
	int i;

	for (i = 0; i < r->net.norders; i++)
		t += r->net.orders[i].plan.covered > 0 ? r->net.orders[i].plan.covered : 0;
	return t;
}
