#ifndef OMS_ROUTE_H
#define OMS_ROUTE_H
/*
 * route: decide where each allocated line ships from, over the whole batch.
 * See oms-route(1) for the cost model, the constraints and the method.
 */
#include <stdint.h>
#include <stdio.h>

#include "scope.h"
#include "store.h"

enum route_algo {
	ROUTE_OPTIMISE,		/* greedy by best response, then improve */
	ROUTE_GREEDY		/* the plain order-by-order baseline */
};

struct route_opts {
	const struct scope *scope;	/* the orders of the run; NULL: every order */
	int reroute;			/* re-plan routed, unreleased work too */
	const char *evacuate;		/* move routed work off this node */
	double split_penalty;		/* per shipment of an order beyond its first */
	double late_penalty;		/* per shipment delivered after the promise */
	double day_cost;		/* per transit day of a shipment */
	int max_splits;			/* -1: no limit */
	enum route_algo algo;
	const char *lp_file;		/* write the LP relaxation here (bench) */
	const char *day;		/* business day YYYY-MM-DD (run date) */
	const char *explain;		/* --explain ORDER: its rows instead; writes nothing */
	int format;			/* enum outfmt */
	int safe_csv;
};

/* Fill the weights of a policy: "cost", "speed" or "balanced"; -1 unknown. */
int route_policy(struct route_opts *o, const char *policy);

struct route_counts {
	long orders, lines, shipments, splits, late, rows;
	long changes;			/* rows of the store written */
	long unplaced, backordered_lines, waiting_lines;
	int64_t units, units_backordered, units_waiting;
	double cost, objective;		/* cost: shipping and handling */
	long rules_version;		/* the sourcing rules' version used (0: none) */
};

/* One run: read, decide, write rows to out and the store. */
int route_run(struct store *st, const struct route_opts *o, FILE *out,
	struct route_counts *counts);

#endif
