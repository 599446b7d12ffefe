/*
 * route-improve: the improvement passes over a batch already planned
 * (route-int.h; steps 3 to 5 of the method in route.c): ejection (an
 * order asks the orders on what its ideal plan lacks to make room), the
 * neighbourhood search (a few orders re-planned together, in a fixed
 * number of rounds), and the chains of one sku (its single-unit lines
 * re-assigned to its stock at once by an exact transportation solve).
 * Each keeps a move only when it does not raise the total.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "route-int.h"

#define EJECT_USERS 4		/* orders asked to make room, per conflict */
#define EJECT_SCAN 64		/* latest users looked at, per conflict */
#define LNS_SET 12		/* orders re-planned together in a round */
#define LNS_TRIES 2		/* orders of re-planning tried per round */
#define LNS_PER_ORDER 20	/* rounds per order that pays above its ideal */
#define TP_CHUNK 128		/* lines of one sku re-assigned together */
#define TP_OPTS 12		/* the cheapest entries each line may move to */

/* --- ejection ------------------------------------------------------------------ */

/*
 * Ejection: order oi pays more than it would with the network to itself.
 * Take that ideal plan; where it lacks stock or room at a node, ask the
 * latest orders planned there to re-plan without it; keep the first
 * exchange that lowers the total cost.
 */
int
eject(struct run *r, int oi)
{
	struct rorder *o = &r->net.orders[oi];
	struct plan *want = &r->scratch.ideal, *alt = &r->scratch.alt;
	int i, u, done = 0;

	plan_drop(r, oi);
	plan_copy(want, &o->ideal_plan);
	if (want->covered < o->plan.covered || want->cost >= o->plan.cost - EPS ||
	    want->covered <= 0) {
		plan_apply(r, oi, &o->plan, 1);
		return 0;
	}
	for (i = 0; i < want->n && !done; i++) {
		const struct assignment *a = &want->a[i];
		int item = r->net.lines[a->line].item;
		struct rstock *s = stock_at(r, item, a->node);
		struct rnode *nd = &r->net.nodes[a->node];
		int nusers, tried[EJECT_USERS], ntried = 0, by_stock;

		if (s == NULL)
			continue;
		by_stock = s->atp < a->qty;
		if (!by_stock && has_room(r, o, a->node))
			continue;
		nusers = by_stock ? r->net.stock_users[s - r->net.stock].nusers : nd->nusers;
		for (u = nusers - 1; u >= 0 && u >= nusers - EJECT_SCAN && ntried < EJECT_USERS &&
		    !done; u--) {
			/* the lists grow (and move) as plans are applied below */
			int oj = (by_stock ? r->net.stock_users[s - r->net.stock].users :
			    nd->users)[u], k, dup = 0;
			struct rorder *p = &r->net.orders[oj];

			if (oj == oi || (by_stock ? !uses_stock(r, &p->plan, a->node, item) :
			    !plan_uses(&p->plan, a->node)))
				continue;
			for (k = 0; k < ntried && !dup; k++)
				dup = tried[k] == oj;
			if (dup)
				continue;
			tried[ntried++] = oj;
			plan_drop(r, oj);
			/*
			 * with the other order's resources free, the first one
			 * re-plans (its ideal plan when that fits), then the
			 * other takes what is left
			 */
			if (plan_fits(r, o, want))
				plan_copy(&r->scratch.replan, want);
			else
				best_response(r, o, &r->scratch.replan);
			plan_apply(r, oi, &r->scratch.replan, 1);
			best_response(r, p, alt);
			plan_apply(r, oi, &r->scratch.replan, -1);
			if (alt->covered >= p->plan.covered &&
			    r->scratch.replan.covered >= o->plan.covered &&
			    r->scratch.replan.cost + alt->cost < o->plan.cost + p->plan.cost - EPS) {
				plan_set(r, oj, alt);
				plan_set(r, oi, &r->scratch.replan);
				done = 1;
			} else {
				plan_apply(r, oj, &p->plan, 1);
			}
		}
	}
	if (!done)
		plan_apply(r, oi, &o->plan, 1);
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
	users = s ? r->net.stock_users[s - r->net.stock].users : r->net.nodes[node].users;
	nusers = s ? r->net.stock_users[s - r->net.stock].nusers : r->net.nodes[node].nusers;
	lo = nusers > EJECT_SCAN ? nusers - EJECT_SCAN : 0;
	for (tries = 0; tries < 2 * picks + 2 && picks > 0 && nusers > lo &&
	    z->nset < LNS_SET; tries++) {
		int oj = users[lo + rng_below(rng, nusers - lo)];
		const struct plan *p = &r->net.orders[oj].plan;

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
		const struct rorder *o = &r->net.orders[z->set[m]];
		const struct plan *ps[2] = { &o->ideal_plan, &o->plan };
		int q;

		for (q = 0; q < 2; q++)
			for (i = 0; i < ps[q]->n && z->nset < LNS_SET; i++) {
				const struct assignment *a = &ps[q]->a[i];
				int item = r->net.lines[a->line].item;

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
		plan_copy(&z->old[i], &r->net.orders[z->set[i]].plan);
		oldcost += z->old[i].cost;
		plan_drop(r, z->set[i]);
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

			best_response(r, &r->net.orders[oi], &r->scratch.best);
			if (r->scratch.best.covered < z->old[z->perm[i]].covered)
				ok = 0;
			cost += r->scratch.best.cost;
			plan_set(r, oi, &r->scratch.best);
		}
		if (ok)	/* each again, with the others in place */
			for (i = 0; i < z->nset; i++) {
				int oi = z->set[z->perm[i]];
				struct rorder *o = &r->net.orders[oi];

				plan_drop(r, oi);
				best_response(r, o, &r->scratch.best);
				if (r->scratch.best.covered >= o->plan.covered &&
				    r->scratch.best.cost < o->plan.cost - EPS) {
					cost += r->scratch.best.cost - o->plan.cost;
					plan_set(r, oi, &r->scratch.best);
				} else
					plan_apply(r, oi, &o->plan, 1);
			}
		if (ok && cost < bestcost - EPS) {
			bestcost = cost;
			bestcov = 0;
			for (i = 0; i < z->nset; i++)
				plan_copy(&z->best[i], &r->net.orders[z->set[i]].plan);
		}
		for (i = 0; i < z->nset; i++)
			plan_drop(r, z->set[i]);
	}
	ok = bestcov >= 0 && bestcost < oldcost + EPS;
	for (j = 0; j < z->nset; j++)
		plan_set(r, z->set[j], ok ? &z->best[j] : &z->old[j]);
	return ok;
}

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
void
lns(struct run *r, int parts, uint64_t *rngp)
{
	struct lns *z = xcalloc(1, sizeof *z);
	int *cand = xcalloc((size_t)r->net.norders + 1, sizeof *cand);
	int i, n = 0;
	long rounds, it, moves = 0;
	uint64_t rng = *rngp;
	double before = total_cost(r);

	for (i = 0; i < r->net.norders; i++)
		if (unhappy(&r->net.orders[i]))
			cand[n++] = i;
	/*
	 * the budget: a batch of a few thousand orders gets its twenty rounds
	 * an order; a large one, whose own phases take the time, fewer
	 */
	rounds = (long)n * LNS_PER_ORDER;
	if (rounds > LNS_WORK / (r->net.norders + 1))
		rounds = LNS_WORK / (r->net.norders + 1);
	rounds /= parts;
	for (it = 0; it < rounds && n > 0; it++) {
		int k = rng_below(&rng, n), oi = cand[k];

		if (!unhappy(&r->net.orders[oi])) {
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
	struct ritem *it = &r->net.items[item];
	int nst = 0, k, i, u, ok = 1, moved = 0;
	double before = 0, after = 0;

	/* the entries in play: free units, or one of the lines now */
	for (k = 0; k < it->nstock; k++) {
		struct rstock *s = &r->net.stock[it->first + k];
		int here = 0;

		for (u = 0; u < m && !here; u++)
			here = r->net.orders[t->order[base + u]].plan.a[t->asg[base + u]].node == s->node;
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
		struct rorder *o = &r->net.orders[t->order[base + u]];
		struct assignment *a = &o->plan.a[t->asg[base + u]];
		const struct rline *l = &r->net.lines[t->line[base + u]];
		int cur = a->node;

		bands_for(r, o);
		before += o->plan.cost;
		for (k = 0; k < nst; k++) {
			int n = r->net.stock[t->ent[k]].node;
			double *c = &t->c[(size_t)u * nst + k];

			if (n == cur) {
				t->cap[k]++;
				*c = o->plan.cost;
				continue;
			}
			/* (a move onto units a rule holds back is left to respond) */
			if (!eligible(r, l, n) || held_back(r, l, n) > 0 ||
			    band(r, o, n, line_dest(l), l) == NULL ||
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
			if (r->net.stock[t->ent[k]].node ==
			    r->net.orders[t->order[base + u]].plan.a[t->asg[base + u]].node)
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
		struct rorder *o = &r->net.orders[t->order[base + u]];
		int q = t->asg[base + u];

		plan_copy(&t->newp[u], &o->plan);
		t->newp[u].a[q].node = r->net.stock[t->ent[t->at[u]]].node;
		t->newp[u].cost = plan_cost(r, o, &t->newp[u], NULL);
		if (t->newp[u].a[q].node != o->plan.a[q].node)
			plan_drop(r, t->order[base + u]);
	}
	for (u = 0; u < m && ok; u++) {
		struct rorder *o = &r->net.orders[t->order[base + u]];
		int q = t->asg[base + u];
		struct plan keep;

		if (t->newp[u].a[q].node == o->plan.a[q].node)
			continue;
		if (!plan_fits(r, o, &t->newp[u])) {
			ok = 0;
			break;
		}
		/* the old plan is kept in newp, should all be undone */
		keep = o->plan;
		o->plan = t->newp[u];
		t->newp[u] = keep;
		plan_apply(r, t->order[base + u], &o->plan, 1);
		moved++;
	}
	if (!ok) {	/* undo (capacity, should two moves need one slot) */
		for (i = 0; i < u; i++) {
			struct rorder *o = &r->net.orders[t->order[base + i]];
			int q = t->asg[base + i];
			struct plan keep;

			if (t->newp[i].a[q].node == o->plan.a[q].node)
				continue;
			plan_drop(r, t->order[base + i]);
			keep = o->plan;
			o->plan = t->newp[i];
			t->newp[i] = keep;
		}
		for (i = 0; i < m; i++) {
			int q = t->asg[base + i];

			if (t->newp[i].a[q].node != r->net.orders[t->order[base + i]].plan.a[q].node)
				plan_apply(r, t->order[base + i], &r->net.orders[t->order[base + i]].plan, 1);
		}
		return 0;
	}
	return moved;
}

/* The single-unit lines of the sku now on the network, in chunks. */
static int
tp_item(struct run *r, struct tp *t, int item)
{
	struct ritem *it = &r->net.items[item];
	int k, q, i, n = 0, base, moved = 0;

	/* nothing on its stock changed since it was last solved: no gain */
	if (it->nstock < 2 || !r->cache.item_dirty[item])
		return 0;
	r->cache.item_dirty[item] = 0;
	t->ostampv++;
	for (k = 0; k < it->nstock; k++) {
		const struct stock_users *us = &r->net.stock_users[it->first + k];

		for (q = 0; q < us->nusers; q++) {
			int oi = us->users[q], line = -1, asg = -1, bad = 0;
			struct rorder *o = &r->net.orders[oi];

			if (t->ostamp[oi] == t->ostampv)
				continue;
			t->ostamp[oi] = t->ostampv;
			for (i = 0; i < o->plan.n && !bad; i++) {
				const struct assignment *a = &o->plan.a[i];

				if (r->net.lines[a->line].item != item || a->qty == 0)
					continue;
				if (line >= 0 || a->qty != 1 || r->net.lines[a->line].want != 1)
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

/* Every sku in turn, passes times. */
void
tp_all(struct run *r, int passes)
{
	struct tp t;
	int i, p;
	long moved = 0;
	double before = total_cost(r);

	memset(&t, 0, sizeof t);
	t.ostamp = xcalloc((size_t)r->net.norders + 1, sizeof *t.ostamp);
	for (p = 0; p < passes; p++) {
		long m = 0;

		for (i = 0; i < r->net.nitems; i++)
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
