/*
 * oms-allocate: decide which open order lines get stock, in the order of
 * service, and backorder the rest.  See oms-allocate(1).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "diag.h"
#include "input.h"

enum { OPT_ORDER = OPT_CMD, OPT_EXPLAIN };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-allocate [-hqv] [--busy-timeout ms] [--db path] [--dry-run]\n"
	    "                    [--explain order] [--format format]\n"
	    "                    [--input-format format] [-o file]\n"
	    "                    [--order id]... [--safe-csv] [file ...]\n"
	    "       oms-allocate --version\n");
}

/* Allocate; counts for the run log, line for the note (cli_run). */
static int
run(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	struct alloc_counts n;
	int status;

	memset(&n, 0, sizeof n);
	status = alloc_run(st, arg, out, &n);
	if (((const struct alloc_opts *)arg)->explain != NULL) {
		buf_addf(counts, "{\"explained\":1,\"rules_version\":%ld}", n.rules_version);
		buf_addf(line, "%s explained; nothing changed",
		    ((const struct alloc_opts *)arg)->explain);
		return status;
	}
	buf_addf(counts, "{\"lines\":%ld,\"full\":%ld,\"partly\":%ld,\"backordered\":%ld,"
	    "\"units\":%lld,\"units_backordered\":%lld,\"units_taken_back\":%lld,"
	    "\"units_unrouted\":%lld,\"units_routed_taken\":%lld", n.lines, n.full, n.partly,
	    n.backordered, (long long)n.units, (long long)n.units_backordered,
	    (long long)n.units_taken_back, (long long)n.units_unrouted,
	    (long long)n.units_routed_taken);
	if (n.to_store_changed > 0)
		buf_addf(counts, ",\"to_store_changed\":%ld", n.to_store_changed);
	if (n.held_orders_freed > 0)
		buf_addf(counts, ",\"held_orders_freed\":%ld,\"held_units_freed\":%lld",
		    n.held_orders_freed, (long long)n.held_units_freed);
	if (n.rules_version > 0)
		buf_addf(counts, ",\"rules_version\":%ld", n.rules_version);
	if (n.orders_held > 0)
		buf_addf(counts, ",\"orders_held\":%ld", n.orders_held);
	if (n.units_pegged + n.units_unpegged > 0)
		buf_addf(counts, ",\"lines_pegged\":%ld,\"units_pegged\":%lld,"
		    "\"units_unpegged\":%lld", n.lines_pegged, (long long)n.units_pegged,
		    (long long)n.units_unpegged);
	buf_addc(counts, '}');
	buf_addf(line, "%ld %s changed: %ld allocated in full, %ld partly, %ld backordered; "
	    "%lld %s allocated, %lld %s backordered; %lld %s taken back", n.lines,
	    plural(n.lines, "line", "lines"), n.full, n.partly, n.backordered,
	    (long long)n.units, plural(n.units, "unit", "units"),
	    (long long)n.units_backordered, plural(n.units_backordered, "unit", "units"),
	    (long long)n.units_taken_back, plural(n.units_taken_back, "unit", "units"));
	if (n.units_unrouted > 0)
		buf_addf(line, "; %lld routed %s taken back from nodes whose stock fell under %s",
		    (long long)n.units_unrouted, plural(n.units_unrouted, "unit", "units"),
		    plural(n.units_unrouted, "it", "them"));
	if (n.units_routed_taken > 0)
		buf_addf(line, "; %lld routed %s taken back for more urgent orders",
		    (long long)n.units_routed_taken, plural(n.units_routed_taken, "unit", "units"));
	/* a pickup that alone changed where its units come from */
	if (n.to_store_changed > 0)
		buf_addf(line, "; %ld pickup %s changed source (its store's own stock, or shipped "
		    "to the store)", n.to_store_changed, plural(n.to_store_changed, "line", "lines"));
	/* held orders past their channel's time, their stock freed before the run */
	if (n.held_orders_freed > 0)
		buf_addf(line, "; %lld %s of %ld held %s freed", (long long)n.held_units_freed,
		    plural(n.held_units_freed, "unit", "units"), n.held_orders_freed,
		    plural(n.held_orders_freed, "order", "orders"));
	/* backordered lines that took stock on its way */
	if (n.units_pegged > 0)
		buf_addf(line, "; %lld %s of %ld %s pegged to supply on its way",
		    (long long)n.units_pegged, plural(n.units_pegged, "unit", "units"),
		    n.lines_pegged, plural(n.lines_pegged, "line", "lines"));
	if (n.units_unpegged > 0)
		buf_addf(line, "; %lld pegged %s let go", (long long)n.units_unpegged,
		    plural(n.units_unpegged, "unit", "units"));
	if (n.lines == 0 && n.to_store_changed == 0 && n.held_orders_freed == 0 &&
	    n.units_pegged + n.units_unpegged == 0)
		buf_adds(line, "; nothing changed");
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "explain", required_argument, NULL, OPT_EXPLAIN },
		{ NULL, 0, NULL, 0 }
	};
	struct scope scope = { NULL, 0, 0, 0 };
	struct alloc_opts o;
	struct cli_job job = { .run = run, .output = 1, .arg = &o };
	struct cli c;
	int ch, status;

	memset(&o, 0, sizeof o);
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_ORDER:
			scope_add(&scope, optarg, NULL, 0);
			break;
		case OPT_EXPLAIN:
			/* the one order, decided as it would be now, nothing written */
			o.explain = optarg;
			c.dry_run = 1;
			scope_add(&scope, optarg, NULL, 0);
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if ((status = cli_scope(&c, &scope, argc - optind, argv + optind)) != 0)
		return status;
	o.scope = &scope;
	o.format = c.format;
	o.safe_csv = c.safe_csv;
	status = cli_run(&c, &job);
	scope_free(&scope);
	return status;
}
