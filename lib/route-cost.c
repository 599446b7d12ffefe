/*
 * route-cost: the route wing's cost model (route-int.h; oms-route(1),
 * "The cost model"): the rate band by distance, a shipment's money and
 * penalties, and the cost of one order's plan (shipments, ship-alone
 * boxes, the split penalty against what the order already ships).  The
 * small functions the search calls per stock entry (band, ship_cost,
 * is_late) are inline in route-int.h.
 */
#include <math.h>

#include "route-int.h"

void
place_xyz(double lat, double lon, double xyz[3])
{
	const double k = M_PI / 180;

	xyz[0] = cos(lat * k) * cos(lon * k);
	xyz[1] = cos(lat * k) * sin(lon * k);
	xyz[2] = sin(lat * k);
}

/*
 * The band's reach as a squared chord of the unit sphere (band_of compares
 * chords, not distances), a hair over, so that rounding does not put a
 * destination at max_km outside it.
 */
void
rate_band_init(struct rrate *t)
{
	double half = t->max_km / (2 * 6371.0088);
	double chord = half >= M_PI / 2 ? 2 : 2 * sin(half);

	t->chord2 = chord * chord * (1 + 1e-12);
}

/*
 * The rate band from node n to the destination d of order o, or NULL.
 * Points are kept as unit vectors, and each band's max_km as the squared
 * chord it subtends, so no trigonometry is needed here: the great-circle
 * distance grows with the chord.
 */
const struct rrate *
band_of(struct run *r, const struct rorder *o, int n, int d, const struct rline *l)
{
	const struct rnode *nd = &r->net.nodes[n];
	const double *p;
	double dx, dy, dz, c2;
	int i;

	if (!nd->placed)
		return NULL;
	if (d) {
		const struct rnode *lk = &r->net.nodes[l->locker];

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
	for (i = 0; i < r->net.nrates; i++)
		if (r->net.rates[i].chord2 >= c2)
			return &r->net.rates[i];
	return NULL;
}

/* A regular shipment of o from n to dest would be one it does not have yet. */
int
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
int
splits_of(const struct rorder *o, int fresh)
{
	return fresh > 0 && o->nused_regular == 0 ? fresh - 1 : fresh;
}

/*
 * The cost of a plan for order o (its unpinned lines): each node and
 * destination with regular lines is one shipment; each ship-alone unit is
 * a shipment of its own; every regular shipment past the order's first
 * pays the split penalty, its first being one it already has (routed
 * work that stays, released or shipped work) when it has one.  INF when
 * some part cannot be shipped.
 */
/*
 * What the sourcing rules add to plan p of o: each unit's tier penalty;
 * INF when a store's shipment carries less than the order's
 * min_store_value (HotWax's and others' minimum for store shipments).
 */
static double
rules_cost(struct run *r, const struct rorder *o, const struct plan *p)
{
	double cost = 0;
	int i, j;

	for (i = 0; i < p->n; i++) {
		const struct rline *l = &r->net.lines[p->a[i].line];
		int n = p->a[i].node, seen = 0;
		int64_t value = 0;

		cost += (double)p->a[i].qty * tier_cost(r, l, n);
		if (o->min_store_value < 0 || !r->net.nodes[n].store || p->a[i].qty == 0)
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = p->a[j].node == n && p->a[j].qty > 0;
		if (seen)
			continue;
		for (j = i; j < p->n; j++)
			if (p->a[j].node == n)
				value += p->a[j].qty * r->net.lines[p->a[j].line].unit_value;
		if (value < o->min_store_value)
			return INF;
	}
	return cost;
}

double
plan_cost(struct run *r, const struct rorder *o, const struct plan *p, int *nregular)
{
	double cost = 0;
	int i, j, nreg = 0, fresh = 0;

	for (i = 0; i < p->n; i++) {
		const struct rline *l = &r->net.lines[p->a[i].line];
		const struct ritem *it = &r->net.items[l->item];
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
			const struct rline *m = &r->net.lines[p->a[j].line];

			seen = p->a[j].node == p->a[i].node && p->a[j].qty > 0 &&
			    !r->net.items[m->item].alone && line_dest(m) == d;
		}
		if (seen)
			continue;
		for (j = i; j < p->n; j++) {
			const struct rline *m = &r->net.lines[p->a[j].line];

			if (p->a[j].node == p->a[i].node && !r->net.items[m->item].alone &&
			    line_dest(m) == d)
				w += (double)p->a[j].qty * r->net.items[m->item].w;
		}
		if ((b = band(r, o, p->a[i].node, d, l)) == NULL)
			return INF;
		cost += ship_cost(r, o, p->a[i].node, b, w, NULL);
		nreg++;
		fresh += o->nused_regular == 0 || fresh_shipment(o, p->a[i].node, d);
	}
	cost += r->opts->split_penalty * splits_of(o, fresh);
	if (r->tier != NULL && (cost += rules_cost(r, o, p)) >= INF)
		return INF;
	if (nregular)
		*nregular = nreg;
	return cost;
}
