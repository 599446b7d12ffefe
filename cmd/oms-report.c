/*
 * oms-report: read-only views of the store: inventory, orders and their
 * lines, backorders, releases against capacity, a node's pick list and
 * collections, the invariant check, the event feed and the run log.  See
 * oms-report(1).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "outfile.h"
#include "output.h"
#include "parse.h"
#include "report.h"

enum { OPT_NODE = OPT_CMD, OPT_SKU, OPT_ORDER, OPT_STATUS, OPT_TYPE, OPT_SINCE,
	OPT_BY, OPT_DEEP,
	/* the views' filters, events --follow */
	OPT_CHANNEL, OPT_FROM, OPT_TO, OPT_TODAY, OPT_FOLLOW, OPT_INTERVAL,
	/* kpi and eoq */
	OPT_DAYS, OPT_SERVICE, OPT_ALPHA };

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A date option: YYYY-MM-DD, else exit 64. */
static const char *
date_arg(const char *opt, const char *arg)
{
	if (!report_date_valid(arg)) {
		diag_error("%s takes a date YYYY-MM-DD, got \"%s\"", opt, quote_value(arg));
		exit(EX_USAGE);
	}
	return arg;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-report [-hqv] [--busy-timeout ms] [--db path] [--format format]\n"
	    "                  [-o file] [--safe-csv] view [view-option ...]\n"
	    "       oms-report --version\n"
	    "views: inventory [--node id]... [--sku sku]...\n"
	    "       inventory --by sku [--sku sku]...\n"
	    "       orders [--channel c]... [--from date] [--node id]... [--status status]...\n"
	    "              [--to date]\n"
	    "       lines [--channel c]... [--from date] [--node id]... [--order id]...\n"
	    "             [--sku sku]... [--status status]... [--to date]\n"
	    "       backorders [--channel c]... [--from date] [--sku sku]... [--to date]\n"
	    "                  [--today date]\n"
	    "       releases [--from date] [--node id]... [--to date]\n"
	    "       picklist [--node id]...\n"
	    "       collections [--node id]... [--today date]\n"
	    "       check [--deep]\n"
	    "       events [--follow [--interval seconds]] [--since seq] [--type type]...\n"
	    "       runs [--from date] [--to date]\n"
	    "       kpi [--channel c]... [--from date] [--to date]\n"
	    "           [--format html [--today date] [eoq options]]\n"
	    "       eoq [--alpha factor] [--days n] [--service level] [--sku sku]...\n"
	    "           [--today date]\n"
	    "       alerts [--node id]... [--today date]\n"
	    "       rules [--version n]\n"
	    "       groups [--version n]\n");
}

/*
 * rules, groups --version N: the version to show.  Not the program's
 * --version, which takes no value: taken out of argv before getopt, when
 * a number follows it (or --version=N).  0, or -1 after a diagnostic.
 */
static int
version_arg(int *argc, char **argv, long *version)
{
	int64_t v;
	int i, n;

	for (i = 1; i < *argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--version=", 10) == 0) {
			if (parse_int(argv[i] + 10, 1, INT32_MAX, &v) != PARSE_OK) {
				diag_error("--version takes a version number of the rules, got \"%s\"",
				    quote_value(argv[i] + 10));
				return -1;
			}
			n = 1;
		} else if (strcmp(argv[i], "--version") == 0 && i + 1 < *argc &&
		    parse_int(argv[i + 1], 1, INT32_MAX, &v) == PARSE_OK)
			n = 2;
		else
			continue;
		*version = (long)v;
		memmove(argv + i, argv + i + n, (size_t)(*argc - i - n + 1) * sizeof *argv);
		*argc -= n;
		i--;
	}
	return 0;
}

/* Each view option: its name and its bit (enum report_option), by getopt value. */
static const struct {
	int opt;
	const char *name;
	unsigned bit;
	int list;		/* may be given more than once */
} view_opts[] = {
	{ OPT_ALPHA, "--alpha", RO_ALPHA, 0 }, { OPT_BY, "--by", RO_BY, 0 },
	{ OPT_CHANNEL, "--channel", RO_CHANNEL, 1 }, { OPT_DAYS, "--days", RO_DAYS, 0 },
	{ OPT_DEEP, "--deep", RO_DEEP, 0 }, { OPT_FOLLOW, "--follow", RO_FOLLOW, 0 },
	{ OPT_FROM, "--from", RO_FROM, 0 }, { OPT_INTERVAL, "--interval", RO_INTERVAL, 0 },
	{ OPT_NODE, "--node", RO_NODE, 1 }, { OPT_ORDER, "--order", RO_ORDER, 1 },
	{ OPT_SERVICE, "--service", RO_SERVICE, 0 }, { OPT_SINCE, "--since", RO_SINCE, 0 },
	{ OPT_SKU, "--sku", RO_SKU, 1 }, { OPT_STATUS, "--status", RO_STATUS, 1 },
	{ OPT_TO, "--to", RO_TO, 0 }, { OPT_TODAY, "--today", RO_TODAY, 0 },
	{ OPT_TYPE, "--type", RO_TYPE, 1 },
};
#define NVIEW_OPTS (sizeof view_opts / sizeof *view_opts)

/* The command, its options in *op (whose lists the caller frees). */
static int
report_main(int argc, char **argv, struct report_opts *op)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "alpha", required_argument, NULL, OPT_ALPHA },
		{ "by", required_argument, NULL, OPT_BY },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "deep", no_argument, NULL, OPT_DEEP },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "service", required_argument, NULL, OPT_SERVICE },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "sku", required_argument, NULL, OPT_SKU },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "to", required_argument, NULL, OPT_TO },
		{ "today", required_argument, NULL, OPT_TODAY },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ NULL, 0, NULL, 0 }
	};
	struct outfile out;
	struct store *st;
	struct cli c;
	const struct report_view *v;
	const char *view;
	int ch, status, follow = 0, gone;
	unsigned given = 0;
	size_t k, ngiven = 0, order[NVIEW_OPTS];	/* the view options given, in turn */
	struct buf views = BUF_INIT;
	int64_t since, days;
	double interval = 0;	/* 0: not given; 1 s by default */
	char today[21];

	op->days = 90;
	op->service = 0.95;
	op->alpha = 0.3;
	if (version_arg(&argc, argv, &op->rules_version) != 0)
		return EX_USAGE;
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		/* the page the nightly job mails: kpi only, not a table format */
		if (ch == OPT_FORMAT && strcmp(optarg, "html") == 0) {
			op->html = 1;
			continue;
		}
		if (cli_option(&c, ch, optarg, usage))
			continue;
		/* a view option: a list, a flag, or given once */
		for (k = 0; k < NVIEW_OPTS && view_opts[k].opt != ch; k++)
			;
		if (k < NVIEW_OPTS) {
			if ((given & view_opts[k].bit) && !view_opts[k].list && optarg != NULL) {
				diag_error("%s given twice: it takes one value", view_opts[k].name);
				return EX_USAGE;
			}
			if (!(given & view_opts[k].bit))
				order[ngiven++] = k;
			given |= view_opts[k].bit;
		}
		switch (ch) {
		case OPT_ALPHA:
			if (parse_real(optarg, 0, 1, &op->alpha) != PARSE_OK || op->alpha <= 0) {
				diag_error("--alpha takes a smoothing factor above 0 and at most 1, "
				    "got \"%s\"", quote_value(optarg));
				return EX_USAGE;
			}
			break;
		case OPT_DAYS:
			if (parse_int(optarg, 1, 3660, &days) != PARSE_OK) {
				diag_error("--days takes a number of days from 1 to 3660, got \"%s\"",
				    quote_value(optarg));
				return EX_USAGE;
			}
			op->days = (int)days;
			break;
		case OPT_SERVICE:
			if (parse_real(optarg, 0, 1, &op->service) != PARSE_OK || op->service <= 0 ||
			    op->service >= 1) {
				diag_error("--service takes a service level between 0 and 1, like "
				    "0.95, got \"%s\"", quote_value(optarg));
				return EX_USAGE;
			}
			break;
		case OPT_BY:
			if (strcmp(optarg, "sku") != 0 && strcmp(optarg, "node") != 0) {
				diag_error("--by takes sku or node, got \"%s\"", quote_value(optarg));
				return EX_USAGE;
			}
			op->by_sku = strcmp(optarg, "sku") == 0;
			break;
		case OPT_DEEP:
			op->deep = 1;
			break;
		case OPT_NODE:
			strv_push(&op->node, optarg);
			break;
		case OPT_ORDER:
			strv_push(&op->order, optarg);
			break;
		case OPT_SINCE:
			if (parse_int(optarg, 0, INT64_MAX, &since) != PARSE_OK) {
				diag_error("--since takes an event sequence number, got \"%s\"",
				    quote_value(optarg));
				return EX_USAGE;
			}
			op->since = optarg;
			break;
		case OPT_SKU:
			strv_push(&op->sku, optarg);
			break;
		case OPT_STATUS:
			strv_push(&op->status, optarg);	/* checked once the view is known */
			break;
		case OPT_TYPE:
			strv_push(&op->type, optarg);
			break;
		case OPT_CHANNEL:
			strv_push(&op->channel, optarg);
			break;
		case OPT_FROM:
			op->from = date_arg("--from", optarg);
			break;
		case OPT_TO:
			op->to = date_arg("--to", optarg);
			break;
		case OPT_TODAY:
			op->today = date_arg("--today", optarg);
			break;
		case OPT_FOLLOW:
			follow = 1;
			break;
		case OPT_INTERVAL:
			if (parse_real(optarg, 0.01, 3600, &interval) != PARSE_OK) {
				diag_error("--interval takes seconds from 0.01 to 3600, got \"%s\"",
				    quote_value(optarg));
				return EX_USAGE;
			}
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc - 1) {
		for (k = 0; k < report_nviews; k++)
			if (report_views[k].variant == RV_PLAIN)
				buf_addf(&views, "%s%s", views.len ? ", " : "", report_views[k].name);
		if (optind == argc)
			diag_error("which view? (%s)", buf_str(&views));
		else
			diag_error("one view at a time");
		buf_release(&views);
		usage(stderr);
		return EX_USAGE;
	}
	view = argv[optind];
	if ((v = report_view_find(view, op->by_sku, op->html)) == NULL) {
		diag_error("unknown view \"%s\"", quote_value(view));
		usage(stderr);
		return EX_USAGE;
	}
	if (op->html && v->variant != RV_HTML) {
		diag_error("--format html is for the kpi view only");
		return EX_USAGE;
	}
	op->format = c.format_given || strcmp(view, "events") != 0 ? c.format : OUTFMT_JSONL;
	op->safe_csv = c.safe_csv;
	if (follow && (!(v->takes & RO_FOLLOW) || op->format == OUTFMT_JSON ||
	    c.output != NULL)) {
		diag_error("--follow is for events, written to standard output as a stream "
		    "(--format jsonl or csv)");
		return EX_USAGE;
	}
	if (interval > 0 && !follow) {
		diag_error("--interval is for --follow");
		return EX_USAGE;
	}
	/* an option the view does not have would be silently ignored: the first given */
	for (k = 0; k < ngiven; k++)
		if (!(v->takes & view_opts[order[k]].bit)) {
			diag_error("%s does not apply to %s%s", view_opts[order[k]].name, v->name,
			    v->variant_text);
			return EX_USAGE;
		}
	if (op->rules_version > 0 && !(v->takes & RO_VERSION)) {
		diag_error("--version N does not apply to %s%s", v->name, v->variant_text);
		return EX_USAGE;
	}
	if (op->today == NULL) {
		now_iso(today);
		today[10] = '\0';
		op->today = today;
	}
	if (c.dry_run || c.input_format != INFMT_AUTO) {
		diag_error("--dry-run and --input-format do not apply to reports");
		return EX_USAGE;
	}
	for (k = 0; k < op->status.n; k++) {
		const char *v = op->status.v[k];

		if (strcmp(view, "orders") == 0 && !report_order_status_valid(v)) {
			diag_error("--status takes cancelled, backordered, shipped, "
			    "partially_shipped, open, allocated, routed or released, got \"%s\"",
			    quote_value(v));
			return EX_USAGE;
		}
		if (strcmp(view, "orders") != 0 && !line_status_valid(v)) {
			diag_error("--status takes backordered, open, allocated, routed, "
			    "released, shipped or cancelled, got \"%s\"", quote_value(v));
			return EX_USAGE;
		}
	}
	if (op->from && op->to && strcmp(op->from, op->to) > 0) {
		diag_error("--from %s is after --to %s", op->from, op->to);
		return EX_USAGE;
	}
	if (interval == 0)
		interval = 1;

	store_threads();	/* events reads a long feed in two threads */
	if ((status = store_open(&st, c.db, c.busy_ms, 1)) != 0)
		return status;
	if ((status = outfile_open(&out, c.output)) != 0) {
		store_close(st);
		return status;
	}
	if (follow) {
		struct sigaction sa;

		/* a reader that goes away ends the stream quietly: EPIPE, not SIGPIPE */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		status = report_follow(st, op, out.fp, (int)(interval * 1000), &stop, &gone);
		store_close(st);
		if (gone)
			return 0;
		ch = outfile_close(&out, status == 0);
		return ch && status == 0 ? ch : status;
	}
	status = report_run(st, v, op, out.fp);
	store_close(st);
	/* check's violations are output worth keeping */
	ch = outfile_close(&out, status == 0 || status == EX_VIOLATION);
	return ch && (status == 0 || status == EX_VIOLATION) ? ch : status;
}

int
main(int argc, char **argv)
{
	struct report_opts o;
	int status;

	memset(&o, 0, sizeof o);
	status = report_main(argc, argv, &o);
	report_opts_release(&o);
	return status;
}
