/*
 * Table-driven unit tests of the route cost model (lib/route-cost.c,
 * through lib/route-int.h): the cost of one order's plan on a small
 * network made by hand, each row's figure worked out in its comment.
 * Prints TAP-style "ok"/"not ok" lines.
 *
 * The network, all on the equator, where a degree of longitude is
 * 111.195 km (6371.0088 km * pi / 180):
 *
 *	node	lon	handling  proc_days   from the ship-to (lon 1)
 *	N0	0	2	  0	      111 km: band 1
 *	N1	5	1	  1	      445 km: band 2
 *	N2	20	0.5	  2	      2113 km: band 3
 *	N3	60	0	  0	      6560 km: no band reaches
 *	N4	(no place)
 *	L	4	(a locker: N0 445 km away, band 2)
 *
 *	band	max_km	base	per_kg	transit
 *	1	200	5	0.5	1
 *	2	1000	8	1	2
 *	3	5000	12	1.5	4
 *
 *	item	kg	ships alone
 *	A	2	no
 *	B	1	no
 *	C	3	yes
 *
 * A shipment costs base + per_kg * kg + handling, plus late_penalty when
 * proc_days + transit is past the promise (slack days), plus day_cost per
 * day of proc_days + transit; every regular shipment past the order's
 * first pays split_penalty; each ship-alone unit is a shipment of its own
 * and no split.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "route-int.h"

enum { N0, N1, N2, N3, N4, L };
enum { A, B, C };
#define SHIP_TO -1		/* a line to the order's ship-to (no locker) */
#define NONE -1

static int failures, count;

static void
check(int ok, const char *what, double got, double want)
{
	count++;
	if (!ok)
		failures++;
	printf("%s %d - route cost: %s", ok ? "ok" : "not ok", count, what);
	if (!ok)
		printf(" (got %.6f, want %.6f)", got, want);
	printf("\n");
}

/* One assignment of the plan, on a line of its own. */
struct part {
	int item, node;
	int64_t qty;
	int locker;		/* SHIP_TO, or the locker node */
};

struct cost_case {
	const char *what;
	double split, late, day;	/* the policy's weights */
	int slack;		/* days to the promise; INT_MAX: none */
	int used;		/* a regular shipment it already has, from this node; NONE */
	struct part parts[3];
	int nparts;
	double cost;		/* INF: cannot ship */
	int nregular;		/* regular shipments */
};

#define NOPROMISE INT_MAX

static const struct cost_case cases[] = {
	/* 5 + 0.5*2 + 2 = 8 */
	{ "one unit from the nearest band", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 1, SHIP_TO } }, 1, 8, 1 },
	/* 5 + 0.5*(3*2) + 2 = 10 */
	{ "the weight costs per kg", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 3, SHIP_TO } }, 1, 10, 1 },
	/* one shipment of 2 + 2*1 = 4 kg: 5 + 0.5*4 + 2 = 9 */
	{ "two lines from one node are one shipment", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 1, SHIP_TO }, { B, N0, 2, SHIP_TO } }, 2, 9, 1 },
	/* 8 + 1*2 + 1 = 11 */
	{ "the second band by distance", 3, 10, 0, NOPROMISE, NONE,
	  { { B, N1, 2, SHIP_TO } }, 1, 11, 1 },
	/* 12 + 1.5*2 + 0.5 = 15.5 */
	{ "the third band by distance", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N2, 1, SHIP_TO } }, 1, 15.5, 1 },
	/* 8 (N0) + 11 (N1) + 3 = 22 */
	{ "a second shipment pays the split penalty", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 1, SHIP_TO }, { B, N1, 2, SHIP_TO } }, 2, 22, 2 },
	/* 8 + 11 + 1 = 20 */
	{ "the split penalty is the policy's", 1, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 1, SHIP_TO }, { B, N1, 2, SHIP_TO } }, 2, 20, 2 },
	/* 22, + 1.5 * (0 + 1) for N0, + 1.5 * (1 + 2) for N1 = 28 */
	{ "each day of processing and transit at day_cost", 3, 10, 1.5, NOPROMISE, NONE,
	  { { A, N0, 1, SHIP_TO }, { B, N1, 2, SHIP_TO } }, 2, 28, 2 },
	/* promise in 2 days: N0 0 + 1 = 1 on time, N1 1 + 2 = 3 late: 22 + 10 = 32 */
	{ "a shipment after the promise pays the late penalty", 3, 10, 0, 2, NONE,
	  { { A, N0, 1, SHIP_TO }, { B, N1, 2, SHIP_TO } }, 2, 32, 2 },
	/* promise in 3 days: N1 1 + 2 = 3 is on the day, not late: 11 */
	{ "a shipment on the promise day is not late", 3, 10, 0, 3, NONE,
	  { { B, N1, 2, SHIP_TO } }, 1, 11, 1 },
	/* a box each: 2 * (5 + 0.5*3 + 2) = 17, no regular shipment */
	{ "a ship-alone item pays a box per unit", 3, 10, 0, NOPROMISE, NONE,
	  { { C, N0, 2, SHIP_TO } }, 1, 17, 0 },
	/* A from N0: 8; C from N1: 8 + 1*3 + 1 = 12; no split: 20 */
	{ "a ship-alone box is no split", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 1, SHIP_TO }, { C, N1, 1, SHIP_TO } }, 2, 20, 1 },
	/* promise in 2 days, N1 late: 2 * (12 + 10) = 44 */
	{ "each late ship-alone box pays the late penalty", 3, 10, 0, 2, NONE,
	  { { C, N1, 2, SHIP_TO } }, 1, 44, 0 },
	/* it ships from N1 already: N0's is a second shipment, 8 + 3 = 11 */
	{ "a shipment the order already has counts as its first", 3, 10, 0, NOPROMISE, N1,
	  { { A, N0, 1, SHIP_TO } }, 1, 11, 1 },
	/* it ships from N1 already: more from N1 is no split, 11 */
	{ "more on a shipment the order already has is no split", 3, 10, 0, NOPROMISE, N1,
	  { { B, N1, 2, SHIP_TO } }, 1, 11, 1 },
	/* A to the locker, 445 km: 8 + 1*2 + 2 = 12; B to the ship-to: 5 + 0.5*1 + 2
	 * = 7.5; two destinations, two shipments: 12 + 7.5 + 3 = 22.5 */
	{ "a locker is a destination of its own", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 1, L }, { B, N0, 1, SHIP_TO } }, 2, 22.5, 2 },
	/* 6560 km: past the last band */
	{ "no band reaches: cannot ship", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N3, 1, SHIP_TO } }, 1, INF, 0 },
	{ "a node without a place cannot ship", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N4, 1, SHIP_TO } }, 1, INF, 0 },
	/* B's 0 units from N1 make no shipment: 8 */
	{ "an assignment of no units costs nothing", 3, 10, 0, NOPROMISE, NONE,
	  { { A, N0, 1, SHIP_TO }, { B, N1, 0, SHIP_TO } }, 2, 8, 1 },
};

int
main(void)
{
	static const struct { double lon, handling; int proc_days, placed; } nodes[] = {
		[N0] = { 0, 2, 0, 1 }, [N1] = { 5, 1, 1, 1 }, [N2] = { 20, 0.5, 2, 1 },
		[N3] = { 60, 0, 0, 1 }, [N4] = { 0, 0, 0, 0 }, [L] = { 4, 0, 0, 1 },
	};
	struct rnode rn[sizeof nodes / sizeof *nodes];
	struct rrate rates[] = {
		{ .max_km = 200, .base = 5, .per_kg = 0.5, .transit = 1 },
		{ .max_km = 1000, .base = 8, .per_kg = 1, .transit = 2 },
		{ .max_km = 5000, .base = 12, .per_kg = 1.5, .transit = 4 },
	};
	struct ritem items[] = { [A] = { .w = 2 }, [B] = { .w = 1 }, [C] = { .w = 3, .alone = 1 } };
	struct rline lines[3];
	struct used_shipment used;
	struct assignment a[3];
	struct route_opts opts;
	struct rorder o;
	struct plan p;
	struct run r;
	size_t i;
	int k;

	memset(&r, 0, sizeof r);
	memset(rn, 0, sizeof rn);
	for (i = 0; i < sizeof rn / sizeof *rn; i++) {
		rn[i].placed = nodes[i].placed;
		rn[i].handling = nodes[i].handling;
		rn[i].proc_days = nodes[i].proc_days;
		place_xyz(0, nodes[i].lon, rn[i].xyz);
	}
	for (i = 0; i < sizeof rates / sizeof *rates; i++)
		rate_band_init(&rates[i]);
	r.net.nodes = rn;
	r.net.nnodes = (int)(sizeof rn / sizeof *rn);
	r.net.rates = rates;
	r.net.nrates = (int)(sizeof rates / sizeof *rates);
	r.net.items = items;
	r.net.nitems = (int)(sizeof items / sizeof *items);
	r.net.lines = lines;
	r.net.orders = &o;
	r.net.norders = 1;
	r.opts = &opts;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct cost_case *c = &cases[i];
		double got;
		int nregular = -1, ok;

		memset(&opts, 0, sizeof opts);
		opts.split_penalty = c->split;
		opts.late_penalty = c->late;
		opts.day_cost = c->day;
		memset(&o, 0, sizeof o);
		o.placed = 1;
		place_xyz(0, 1, o.xyz);
		o.slack = c->slack;
		o.first = 0;
		o.n = c->nparts;
		if (c->used != NONE) {
			used.node = c->used;
			used.dest = 0;
			used.regular = 1;
			o.used = &used;
			o.nused = o.nused_regular = 1;
		}
		memset(lines, 0, sizeof lines);
		for (k = 0; k < c->nparts; k++) {
			lines[k].item = c->parts[k].item;
			lines[k].locker = c->parts[k].locker;
			lines[k].pin = -1;
			a[k].line = k;
			a[k].node = c->parts[k].node;
			a[k].qty = c->parts[k].qty;
		}
		p.a = a;
		p.n = p.cap = c->nparts;
		got = plan_cost(&r, &o, &p, &nregular);
		if (c->cost >= INF)
			ok = got >= INF;
		else
			ok = fabs(got - c->cost) < 1e-9 && nregular == c->nregular;
		check(ok, c->what, got, c->cost);
	}

	/* a shipment's money is without the penalties: N1 to the ship-to, 2 kg,
	 * promise in 2 days, day_cost 1.5: money 8 + 1*2 + 1 = 11; with the
	 * penalties 11 + 10 (late: 1 + 2 > 2) + 1.5 * 3 = 25.5 */
	{
		double money = 0, cost;
		const struct rrate *b;

		memset(&opts, 0, sizeof opts);
		opts.split_penalty = 3;
		opts.late_penalty = 10;
		opts.day_cost = 1.5;
		memset(&o, 0, sizeof o);
		o.placed = 1;
		place_xyz(0, 1, o.xyz);
		o.slack = 2;
		memset(lines, 0, sizeof lines);
		lines[0].locker = SHIP_TO;
		b = band_of(&r, &o, N1, 0, &lines[0]);
		check(b == &rates[1], "445 km is in the second band", b ? b->max_km : -1, 1000);
		cost = b ? ship_cost(&r, &o, N1, b, 2, &money) : 0;
		check(fabs(money - 11) < 1e-9, "a shipment's money is without penalties", money, 11);
		check(fabs(cost - 25.5) < 1e-9, "a shipment's cost adds the penalties", cost, 25.5);
	}
	return failures != 0;
}
