/*
 * oms-return: authorise returns, receive them at a node, refund them,
 * appease customers with goodwill refunds, exchange items and charge
 * advance exchanges whose return never came.  See oms-return(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "parse.h"
#include "returns.h"

enum { OPT_AT = OPT_CMD, OPT_FEE_NEW, OPT_FEE_OPENED, OPT_FEE_DAMAGED, OPT_MAXREJ,
	OPT_REJECTS, OPT_TENDER, OPT_WINDOW };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-return authorize [options] [--window days] [file ...]\n"
	    "       oms-return receive [options] [--fee-damaged pct] [--fee-new pct]\n"
	    "                          [--fee-opened pct] [--tender tender] [file ...]\n"
	    "       oms-return appease [options] [--tender tender] [file ...]\n"
	    "       oms-return exchange [options] [--tender tender] [--window days]\n"
	    "                           [file ...]\n"
	    "       oms-return expire-exchanges [options]\n"
	    "       oms-return --version\n"
	    "options: [-hqv] [--at time] [--busy-timeout ms] [--db path] [--dry-run]\n"
	    "         [--format format] [--input-format format] [--max-rejects n]\n"
	    "         [-o file] [--rejects file] [--safe-csv]\n");
}

static const char *const subcommands[] = { "authorize", "receive", "appease", "exchange",
	"expire-exchanges" };
#define NSUBCOMMANDS 5

/* A percent option: hundredths of a percent, 0 to 100; exits 64 if not. */
static int64_t
percent_option(const char *opt, const char *arg)
{
	int64_t v;

	if (parse_money(arg, &v) != PARSE_OK || v > 10000) {
		diag_error("%s must be a percent from 0 to 100 (at most 2 decimals), got \"%s\"",
		    opt, quote_value(arg));
		usage(stderr);
		exit(EX_USAGE);
	}
	return v;
}

struct job {
	const struct returns_opts *o;
	int nfiles;
	char **files;
};

/* The step; counts for the run log, line for the note (cli_run). */
static int
run(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	const struct job *j = arg;
	struct returns_counts n;
	char amount[24], charged[24];
	int status;

	memset(&n, 0, sizeof n);
	status = returns_run(st, j->o, j->nfiles, j->files, out, &n);
	money_format(n.amount, amount);
	money_format(n.charged, charged);
	if (j->o->cmd == RETURNS_EXCHANGE || j->o->cmd == RETURNS_EXPIRE_EXCHANGES)
		buf_addf(counts, "{\"records\":%ld,\"rejected\":%ld,\"exchanges\":%ld,"
		    "\"rmas\":%ld,\"units\":%lld,\"replacements\":%ld,\"charges\":%ld,"
		    "\"charged\":%s,\"refunds\":%ld,\"amount\":%s}",
		    n.records, n.rejected, n.lines, n.rmas, (long long)n.units, n.replacements,
		    n.charges, charged, n.refunds, amount);
	else
		buf_addf(counts, "{\"records\":%ld,\"rejected\":%ld,\"lines\":%ld,\"rmas\":%ld,"
	    "\"units\":%lld,\"restocked\":%lld,\"damaged\":%lld,\"refunds\":%ld,\"amount\":%s}",
	    n.records, n.rejected, n.lines, n.rmas, (long long)n.units,
	    (long long)n.restocked, (long long)n.damaged, n.refunds, amount);
	switch (j->o->cmd) {
	case RETURNS_AUTHORIZE:
		buf_addf(line, "%ld %s authorised (%lld %s) in %ld %s, %ld rejected", n.lines,
		    plural(n.lines, "line", "lines"), (long long)n.units,
		    plural(n.units, "unit", "units"), n.rmas, plural(n.rmas, "RMA", "RMAs"),
		    n.rejected);
		break;
	case RETURNS_RECEIVE:
		buf_addf(line, "%ld %s received (%lld %s: %lld restocked, %lld damaged",
		    n.lines, plural(n.lines, "line", "lines"),
		    (long long)n.units, plural(n.units, "unit", "units"),
		    (long long)n.restocked, (long long)n.damaged);
		/* said only when there are some: the line of a plain day stays as it was */
		if (n.turned_back > 0)
			buf_addf(line, ", %lld turned back", (long long)n.turned_back);
		buf_addf(line, "); %ld %s, %s in all", n.refunds,
		    plural(n.refunds, "refund", "refunds"), amount);
		if (n.replacements > 0)
			buf_addf(line, "; %ld replacement %s", n.replacements,
			    plural(n.replacements, "order", "orders"));
		if (n.charges > 0)
			buf_addf(line, "; %ld %s, %s in all", n.charges,
			    plural(n.charges, "charge", "charges"), charged);
		buf_addf(line, "; %ld rejected", n.rejected);
		break;
	case RETURNS_EXCHANGE:
		buf_addf(line, "%ld %s (%lld %s) in %ld %s, %ld replacement %s; %ld %s, %s; "
		    "%ld %s, %s; %ld rejected", n.lines, plural(n.lines, "exchange", "exchanges"),
		    (long long)n.units, plural(n.units, "unit", "units"), n.rmas,
		    plural(n.rmas, "RMA", "RMAs"), n.replacements,
		    plural(n.replacements, "order", "orders"), n.charges,
		    plural(n.charges, "charge", "charges"), charged, n.refunds,
		    plural(n.refunds, "refund", "refunds"), amount, n.rejected);
		break;
	case RETURNS_EXPIRE_EXCHANGES:
		buf_addf(line, "%ld advance %s past due (%lld %s not returned): %ld %s, %s in all",
		    n.lines, plural(n.lines, "exchange", "exchanges"), (long long)n.units,
		    plural(n.units, "unit", "units"), n.charges,
		    plural(n.charges, "charge", "charges"), charged);
		break;
	case RETURNS_APPEASE:
		buf_addf(line, "%ld %s, %s in all; %ld rejected", n.refunds,
		    plural(n.refunds, "appeasement", "appeasements"), amount, n.rejected);
		if (n.skipped)
			buf_addf(line, "; %ld given already", n.skipped);
		break;
	}
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "at", required_argument, NULL, OPT_AT },
		{ "fee-damaged", required_argument, NULL, OPT_FEE_DAMAGED },
		{ "fee-new", required_argument, NULL, OPT_FEE_NEW },
		{ "fee-opened", required_argument, NULL, OPT_FEE_OPENED },
		{ "max-rejects", required_argument, NULL, OPT_MAXREJ },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "tender", required_argument, NULL, OPT_TENDER },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ NULL, 0, NULL, 0 }
	};
	struct returns_opts o;
	struct job j = { .o = &o };
	struct cli_job job = { .run = run, .output = 1, .arg = &j };
	struct cli c;
	char at[21];
	int ch, cmd, fees_given = 0, window_given = 0, tender_given = 0;

	memset(&o, 0, sizeof o);
	o.max_rejects = -1;
	o.window_days = RETURNS_WINDOW_DAYS;
	memcpy(o.fee, returns_default_fee, sizeof o.fee);
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_AT:
			if (parse_time(optarg, at) != PARSE_OK) {
				diag_error("--at must be an ISO 8601 date or time like 2026-11-27 or "
				    "2026-11-27T14:30:00Z, got \"%s\"", quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			o.now = at;
			break;
		case OPT_FEE_NEW:
			o.fee[COND_NEW] = percent_option("--fee-new", optarg);
			fees_given = 1;
			break;
		case OPT_FEE_OPENED:
			o.fee[COND_OPENED] = percent_option("--fee-opened", optarg);
			fees_given = 1;
			break;
		case OPT_FEE_DAMAGED:
			o.fee[COND_DAMAGED] = percent_option("--fee-damaged", optarg);
			fees_given = 1;
			break;
		case OPT_MAXREJ:
			o.max_rejects = cli_count("--max-rejects", optarg);
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_TENDER:
			if ((o.tender = returns_tender_parse(optarg)) < 0 || *optarg == '\0') {
				diag_error("--tender must be original or store_credit, got \"%s\"",
				    quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			tender_given = 1;
			break;
		case OPT_WINDOW:
			o.window_days = cli_count("--window", optarg);
			if (o.window_days > 36500) {
				diag_error("--window is in days, at most 36500, got %s", optarg);
				usage(stderr);
				return EX_USAGE;
			}
			window_given = 1;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		diag_error("which step? (authorize, receive, appease, exchange, expire-exchanges)");
		usage(stderr);
		return EX_USAGE;
	}
	if ((cmd = strtab_find(subcommands, NSUBCOMMANDS, argv[0])) < 0) {
		diag_error("unknown step \"%s\" (authorize, receive, appease, exchange, "
		    "expire-exchanges)", quote_value(argv[0]));
		usage(stderr);
		return EX_USAGE;
	}
	o.cmd = (enum returns_cmd)cmd;
	if (window_given && o.cmd != RETURNS_AUTHORIZE && o.cmd != RETURNS_EXCHANGE) {
		diag_error("--window is for authorize and exchange");
		return EX_USAGE;
	}
	if (tender_given && o.cmd != RETURNS_RECEIVE && o.cmd != RETURNS_APPEASE &&
	    o.cmd != RETURNS_EXCHANGE) {
		diag_error("--tender is for receive, appease and exchange");
		return EX_USAGE;
	}
	if (o.cmd == RETURNS_EXPIRE_EXCHANGES && argc > 1) {
		diag_error("expire-exchanges reads no file: it charges what the store holds");
		usage(stderr);
		return EX_USAGE;
	}
	if (o.cmd == RETURNS_EXPIRE_EXCHANGES && o.rejects != NULL) {
		diag_error("--rejects is for the steps that read records");
		return EX_USAGE;
	}
	if (fees_given && o.cmd != RETURNS_RECEIVE) {
		diag_error("--fee-new, --fee-opened and --fee-damaged are for receive");
		return EX_USAGE;
	}
	if (o.max_rejects >= 0 && o.rejects == NULL) {
		diag_error("--max-rejects needs --rejects FILE");
		return EX_USAGE;
	}
	o.input_format = c.input_format;
	o.format = c.format;
	o.safe_csv = c.safe_csv;

	j.files = cli_files(argc - 1, argv + 1, &j.nfiles);
	return cli_run(&c, &job);
}
