/*
 * oms-route: decide where each allocated line ships from, over the whole
 * batch.  See oms-route(1).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "parse.h"
#include "route.h"

enum {
	OPT_ORDER = OPT_CMD, OPT_REROUTE, OPT_EVACUATE, OPT_POLICY, OPT_SPLIT,
	OPT_LATE, OPT_DAYCOST, OPT_MAXSPLITS, OPT_GREEDY, OPT_LP, OPT_DAY, OPT_EXPLAIN
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-route [-hqv] [--busy-timeout ms] [--day date] [--day-cost amount]\n"
	    "                 [--db path] [--dry-run] [--evacuate node] [--explain order]\n"
	    "                 [--format format]\n"
	    "                 [--greedy] [--input-format format] [--late-penalty amount]\n"
	    "                 [--max-splits n] [-o file] [--order id]... [--policy policy]\n"
	    "                 [--reroute] [--safe-csv] [--split-penalty amount]\n"
	    "                 [--write-lp file] [file ...]\n"
	    "       oms-route --version\n");
}

static double
amount(const char *opt, const char *arg)
{
	double v;

	if (parse_real(arg, 0, 1e9, &v) != PARSE_OK) {
		diag_error("%s must be a non-negative amount, got \"%s\"", opt, quote_value(arg));
		usage(stderr);
		exit(EX_USAGE);
	}
	return v;
}

struct job {
	struct route_opts *o;
	char day[21];		/* --day, or "": the run's day */
};

/* Route; counts for the run log, line for the note (cli_run). */
static int
run(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	struct job *j = arg;
	struct route_counts n;
	int status;

	if (j->day[0] == '\0')
		memcpy(j->day, store_run_time(st), sizeof j->day);
	j->day[10] = '\0';
	j->o->day = j->day;
	memset(&n, 0, sizeof n);
	status = route_run(st, j->o, out, &n);
	if (j->o->explain != NULL) {
		buf_addf(counts, "{\"explained\":1,\"rules_version\":%ld}", n.rules_version);
		buf_addf(line, "%s explained; nothing changed", j->o->explain);
		return status;
	}
	buf_addf(counts, "{\"orders\":%ld,\"rows\":%ld,\"shipments\":%ld,\"splits\":%ld,"
	    "\"late\":%ld,\"cost\":%.2f,\"objective\":%.2f,\"units\":%lld,"
	    "\"units_backordered\":%lld,\"units_waiting\":%lld,\"unplaced_orders\":%ld",
	    n.orders, n.rows, n.shipments, n.splits, n.late, n.cost, n.objective,
	    (long long)n.units, (long long)n.units_backordered, (long long)n.units_waiting,
	    n.unplaced);
	if (n.rules_version > 0)
		buf_addf(counts, ",\"rules_version\":%ld", n.rules_version);
	buf_addc(counts, '}');
	buf_addf(line, "%ld %s routed: %ld %s, %ld %s, %ld late; "
	    "cost %.2f (objective %.2f with penalties); %lld %s routed, "
	    "%lld backordered, %lld waiting; %ld %s unplaced%s", n.orders,
	    plural(n.orders, "order", "orders"), n.shipments,
	    plural(n.shipments, "shipment", "shipments"), n.splits,
	    plural(n.splits, "split", "splits"), n.late, n.cost, n.objective,
	    (long long)n.units, plural(n.units, "unit", "units"),
	    (long long)n.units_backordered, (long long)n.units_waiting, n.unplaced,
	    plural(n.unplaced, "order", "orders"), n.changes == 0 ? "; nothing changed" : "");
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "reroute", no_argument, NULL, OPT_REROUTE },
		{ "evacuate", required_argument, NULL, OPT_EVACUATE },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "split-penalty", required_argument, NULL, OPT_SPLIT },
		{ "late-penalty", required_argument, NULL, OPT_LATE },
		{ "day-cost", required_argument, NULL, OPT_DAYCOST },
		{ "max-splits", required_argument, NULL, OPT_MAXSPLITS },
		{ "greedy", no_argument, NULL, OPT_GREEDY },
		{ "write-lp", required_argument, NULL, OPT_LP },
		{ "day", required_argument, NULL, OPT_DAY },
		{ "explain", required_argument, NULL, OPT_EXPLAIN },
		{ NULL, 0, NULL, 0 }
	};
	struct scope scope = { NULL, 0, 0, 0 };
	struct route_opts o;
	struct cli c;
	struct job j = { .o = &o };
	struct cli_job job = { .run = run, .output = 1, .arg = &j };
	double split = -1, late = -1, daycost = -1;
	int ch, status;

	memset(&o, 0, sizeof o);
	route_policy(&o, "balanced");
	o.max_splits = -1;
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_ORDER:
			scope_add(&scope, optarg, NULL, 0);
			break;
		case OPT_REROUTE:
			o.reroute = 1;
			break;
		case OPT_EXPLAIN:
			/* the one order, re-planned as it would be now, nothing written */
			o.explain = optarg;
			o.reroute = 1;
			c.dry_run = 1;
			scope_add(&scope, optarg, NULL, 0);
			break;
		case OPT_EVACUATE:
			o.evacuate = optarg;
			break;
		case OPT_POLICY:
			if (route_policy(&o, optarg) != 0) {
				diag_error("--policy must be cost, balanced or speed, got \"%s\"",
				    quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			break;
		case OPT_SPLIT:
			split = amount("--split-penalty", optarg);
			break;
		case OPT_LATE:
			late = amount("--late-penalty", optarg);
			break;
		case OPT_DAYCOST:
			daycost = amount("--day-cost", optarg);
			break;
		case OPT_MAXSPLITS: {
			long v = cli_count("--max-splits", optarg);

			/* more than any order has nodes: as good as no limit */
			o.max_splits = v > INT_MAX ? INT_MAX : (int)v;
			break;
		}
		case OPT_GREEDY:
			o.algo = ROUTE_GREEDY;
			break;
		case OPT_LP:
			o.lp_file = optarg;
			break;
		case OPT_DAY:
			if (parse_time(optarg, j.day) != PARSE_OK) {
				diag_error("--day must be a date (YYYY-MM-DD), got \"%s\"",
				    quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	/* explicit weights win over the policy's, whatever the order given */
	if (split >= 0)
		o.split_penalty = split;
	if (late >= 0)
		o.late_penalty = late;
	if (daycost >= 0)
		o.day_cost = daycost;
	if ((status = cli_scope(&c, &scope, argc - optind, argv + optind)) != 0)
		return status;
	o.scope = &scope;
	o.format = c.format;
	o.safe_csv = c.safe_csv;

	status = cli_run(&c, &job);
	scope_free(&scope);
	return status;
}
