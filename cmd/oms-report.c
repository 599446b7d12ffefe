/*
 * oms-report: read-only views of the store: inventory, order lines, the
 * invariant check, the event feed and the run log.  See oms-report(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "output.h"
#include "parse.h"
#include "report.h"

enum { OPT_NODE = OPT_CMD, OPT_SKU, OPT_ORDER, OPT_STATUS, OPT_TYPE, OPT_SINCE,
	OPT_BY, OPT_DEEP };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-report [-hqv] [--busy-timeout ms] [--db path] [--format format]\n"
	    "                  [-o file] [--safe-csv] view [view-option ...]\n"
	    "       oms-report --version\n"
	    "views: inventory [--by sku] [--node id] [--sku sku]\n"
	    "       lines [--order id] [--sku sku] [--status status]\n"
	    "       check [--deep]\n"
	    "       events [--since seq] [--type type]\n"
	    "       runs\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "by", required_argument, NULL, OPT_BY },
		{ "deep", no_argument, NULL, OPT_DEEP },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "sku", required_argument, NULL, OPT_SKU },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ NULL, 0, NULL, 0 }
	};
	struct report_opts o;
	struct outfile out;
	struct store *st;
	struct cli c;
	const char *view;
	int ch, status;
	int64_t since;

	memset(&o, 0, sizeof o);
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_BY:
			if (strcmp(optarg, "sku") != 0 && strcmp(optarg, "node") != 0) {
				diag_error("--by takes sku or node, got \"%s\"", quote_value(optarg));
				return EX_USAGE;
			}
			o.by_sku = strcmp(optarg, "sku") == 0;
			break;
		case OPT_DEEP:
			o.deep = 1;
			break;
		case OPT_NODE:
			o.node = optarg;
			break;
		case OPT_ORDER:
			o.order = optarg;
			break;
		case OPT_SINCE:
			if (parse_int(optarg, 0, INT64_MAX, &since) != PARSE_OK) {
				diag_error("--since takes an event sequence number, got \"%s\"",
				    quote_value(optarg));
				return EX_USAGE;
			}
			o.since = optarg;
			break;
		case OPT_SKU:
			o.sku = optarg;
			break;
		case OPT_STATUS:
			if (!line_status_valid(optarg)) {
				diag_error("--status takes backordered, open, allocated, routed, "
				    "released, shipped or cancelled, got \"%s\"", quote_value(optarg));
				return EX_USAGE;
			}
			o.status = optarg;
			break;
		case OPT_TYPE:
			o.type = optarg;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc - 1) {
		diag_error(optind == argc ? "which view? (inventory, lines, check, events, runs)" :
		    "one view at a time");
		usage(stderr);
		return EX_USAGE;
	}
	view = argv[optind];
	if (!report_valid(view)) {
		diag_error("unknown view \"%s\"", quote_value(view));
		usage(stderr);
		return EX_USAGE;
	}
	if (c.dry_run || c.input_format != INFMT_AUTO) {
		diag_error("--dry-run and --input-format do not apply to reports");
		return EX_USAGE;
	}
	o.format = c.format_given || strcmp(view, "events") != 0 ? c.format : OUTFMT_JSONL;
	o.safe_csv = c.safe_csv;

	if ((status = store_open(&st, c.db, c.busy_ms, 1)) != 0)
		return status;
	if ((status = outfile_open(&out, c.output)) != 0) {
		store_close(st);
		return status;
	}
	status = report_run(st, view, &o, out.fp);
	store_close(st);
	/* check's violations are output worth keeping */
	ch = outfile_close(&out, status == 0 || status == EX_VIOLATION);
	return ch && (status == 0 || status == EX_VIOLATION) ? ch : status;
}
