/*
 * oms-release: send routed lines to their nodes as releases, re-send one,
 * or take the nodes' confirmations back.  See oms-release(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "parse.h"
#include "release.h"

enum {
	OPT_CONFIRM = OPT_CMD, OPT_DAY, OPT_MAX, OPT_NODE, OPT_RESEND, OPT_RESEND_RUN, OPT_SPLIT,
	OPT_EXPIRE, OPT_REMIND_DAYS
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-release [-hqv] [--busy-timeout ms] [--day yyyy-mm-dd] [--db path]\n"
	    "                   [--dry-run] [--format format] [--max n] [--node id]\n"
	    "                   [-o file | --split-by-node dir] [--safe-csv]\n"
	    "       oms-release --resend id ... [-hqv] [--busy-timeout ms] [--db path]\n"
	    "                   [--format format] [-o file | --split-by-node dir] [--safe-csv]\n"
	    "       oms-release --resend-run run [-hqv] [--busy-timeout ms] [--db path]\n"
	    "                   [--format format] [-o file | --split-by-node dir] [--safe-csv]\n"
	    "       oms-release --confirm [-hqv] [--busy-timeout ms] [--db path] [--dry-run]\n"
	    "                   [--input-format format] [file ...]\n"
	    "       oms-release --expire [-hqv] [--busy-timeout ms] [--day yyyy-mm-dd] [--db path]\n"
	    "                   [--dry-run] [--remind-days n]\n"
	    "       oms-release --version\n");
}

static void
usage_error(const char *msg)
{
	diag_error("%s", msg);
	usage(stderr);
	exit(EX_USAGE);
}

/*
 * One run: releasing, re-sending or taking confirmations.  Releases go to
 * out, or with --split-by-node to files, one per node, which are put in
 * place after the commit like out (a dry run leaves no node file).
 */
struct job {
	const struct release_opts *o;
	struct release_files *files;
	const char *const *ids;	/* --resend: nids ids, or run_id */
	int nids;
	int64_t run_id;
	char **confirmations;	/* --confirm: the files */
	int nconfirmations, input_format;
	struct expire_opts expire;	/* --expire */
};

/* Release; counts for the run log, line for the note (cli_run). */
static int
run_release(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	struct job *j = arg;
	struct release_counts n;
	long waiting;
	int status;

	memset(&n, 0, sizeof n);
	status = release_run(st, j->o, out, &j->files, &n);
	waiting = n.held + n.incomplete + n.over_capacity + n.over_max;
	buf_addf(counts, "{\"releases\":%ld,\"lines\":%ld,\"units\":%lld,\"nodes\":%ld,"
	    "\"held\":%ld,\"incomplete\":%ld,\"over_capacity\":%ld,\"over_max\":%ld}",
	    n.releases, n.lines, (long long)n.units, n.nodes, n.held, n.incomplete,
	    n.over_capacity, n.over_max);
	buf_addf(line, "%ld %s (%ld %s, %lld %s) to %ld %s; %ld waiting: "
	    "%ld held, %ld ship-complete not all routed, %ld over capacity, %ld past --max",
	    n.releases, plural(n.releases, "release", "releases"), n.lines,
	    plural(n.lines, "line", "lines"), (long long)n.units,
	    plural(n.units, "unit", "units"), n.nodes, plural(n.nodes, "node", "nodes"),
	    waiting, n.held, n.incomplete, n.over_capacity, n.over_max);
	return status;
}

/* A re-send records no counts: run it again when its output was lost. */
static int
run_resend(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	struct job *j = arg;

	return release_resend(st, j->o, j->nids > 0 ? j->ids : NULL, j->nids, j->run_id, out,
	    &j->files);
}

static int
files_ready(void *arg)
{
	return release_files_ready(((struct job *)arg)->files);
}

static int
files_close(void *arg, int commit)
{
	struct job *j = arg;

	return release_files_close(j->files, commit && !j->o->dry_run);
}

static void
unwritten(void *arg, long long run_id)
{
	diag_error("run %lld is committed, but its releases were not all written: "
	    "oms-release --resend-run %lld writes them again", run_id, run_id);
}

/* Take confirmations; counts for the run log, line for the note. */
static int
run_confirm(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	const struct job *j = arg;
	struct confirm_counts n;
	int status;

	memset(&n, 0, sizeof n);
	status = release_confirm(st, j->confirmations, j->nconfirmations, j->input_format, &n);
	buf_addf(counts, "{\"confirmations\":%ld,\"shipped\":%lld,\"picked_up\":%lld,"
	    "\"short\":%lld,\"cancelled\":%lld", n.rows, (long long)n.shipped,
	    (long long)n.picked_up, (long long)n.shorted, (long long)n.cancelled);
	buf_addf(line, "%ld %s taken: %lld %s shipped, %lld picked up, %lld short, "
	    "%lld cancelled", n.rows, plural(n.rows, "confirmation", "confirmations"),
	    (long long)n.shipped, plural(n.shipped, "unit", "units"), (long long)n.picked_up,
	    (long long)n.shorted, (long long)n.cancelled);
	/* the last mile's counts, when it had any */
	if (n.ready + n.delivered + n.received + n.arrived + n.tracking > 0) {
		buf_addf(counts, ",\"ready\":%lld,\"delivered\":%lld,\"arrived\":%ld,"
		    "\"tracking\":%ld,\"orders_ready\":%ld,\"orders_collected\":%ld,"
		    "\"orders_shipped\":%ld,\"orders_delivered\":%ld", (long long)n.ready,
		    (long long)n.delivered, n.arrived, n.tracking, n.orders_ready,
		    n.orders_collected, n.orders_shipped, n.orders_delivered);
		buf_addf(line, ", %lld ready, %lld delivered, %ld %s, %ld tracking %s; "
		    "%ld %s ready to collect", (long long)n.ready, (long long)n.delivered,
		    n.arrived, plural(n.arrived, "arrival", "arrivals"), n.tracking,
		    plural(n.tracking, "update", "updates"), n.orders_ready,
		    plural(n.orders_ready, "order", "orders"));
	}
	/* units a store received, shipped to it for a pickup */
	if (n.received > 0) {
		buf_addf(counts, ",\"received\":%lld", (long long)n.received);
		buf_addf(line, "; %lld %s received at stores", (long long)n.received,
		    plural(n.received, "unit", "units"));
	}
	buf_addc(counts, '}');
	return status;
}

/* Expire and remind; counts for the run log, line for the note. */
static int
run_expire(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	const struct job *j = arg;
	struct expire_counts n;
	char money[32];
	int status;

	(void)out;
	status = release_expire(st, &j->expire, &n);
	money_format(n.refunded, money);
	buf_addf(counts, "{\"expired\":%ld,\"reminders\":%ld,\"units_cancelled\":%lld,"
	    "\"units_returned\":%lld,\"refunds\":%s,\"alerts\":%ld}", n.expired, n.reminders,
	    (long long)n.units_cancelled, (long long)n.units_returned, money, n.alerts);
	buf_addf(line, "%ld %s expired on %s (%lld %s back in stock, %lld to return to "
	    "their nodes, %s in refunds due); %ld %s; %ld %s sent", n.expired,
	    plural(n.expired, "collection", "collections"), j->expire.today,
	    (long long)n.units_cancelled, plural(n.units_cancelled, "unit", "units"),
	    (long long)n.units_returned, money, n.reminders,
	    plural(n.reminders, "reminder", "reminders"), n.alerts,
	    plural(n.alerts, "alert", "alerts"));
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "confirm", no_argument, NULL, OPT_CONFIRM },
		{ "day", required_argument, NULL, OPT_DAY },
		{ "expire", no_argument, NULL, OPT_EXPIRE },
		{ "remind-days", required_argument, NULL, OPT_REMIND_DAYS },
		{ "max", required_argument, NULL, OPT_MAX },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "resend", required_argument, NULL, OPT_RESEND },
		{ "resend-run", required_argument, NULL, OPT_RESEND_RUN },
		{ "split-by-node", required_argument, NULL, OPT_SPLIT },
		{ NULL, 0, NULL, 0 }
	};
	struct release_opts o = { .max = -1 };
	struct job j = { .o = &o };
	struct cli_job job = { .arg = &j };
	static const char **ids;	/* static: still reachable after an early return */
	char day[21];
	struct cli c;
	long run_id = -1;
	int ch, nids = 0, confirming = 0, expiring = 0, resending, status;
	int64_t remind_days = -1;

	cli_init(&c, argc, argv);
	ids = xcalloc((size_t)argc + 1, sizeof *ids);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_CONFIRM:
			confirming = 1;
			break;
		case OPT_EXPIRE:
			expiring = 1;
			break;
		case OPT_REMIND_DAYS:
			remind_days = cli_count("--remind-days", optarg);
			if (remind_days > 365)
				usage_error("--remind-days must be 0 to 365");
			break;
		case OPT_DAY:
			if (strlen(optarg) != 10 || parse_time(optarg, day) != PARSE_OK) {
				diag_error("--day must be a date like 2026-11-27, got \"%s\"",
				    quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			o.day = optarg;
			break;
		case OPT_MAX:
			o.max = cli_count("--max", optarg);
			break;
		case OPT_NODE:
			o.node = optarg;
			break;
		case OPT_RESEND:
			ids[nids++] = optarg;
			break;
		case OPT_RESEND_RUN:
			run_id = cli_count("--resend-run", optarg);
			break;
		case OPT_SPLIT:
			o.split_dir = optarg;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	resending = nids > 0 || run_id >= 0;
	if (nids > 0 && run_id >= 0)
		usage_error("--resend and --resend-run do not go together");
	if (confirming && resending)
		usage_error("--confirm and --resend do not go together");
	if (expiring && (confirming || resending))
		usage_error("--expire goes with neither --confirm nor --resend");
	if (expiring && (o.max >= 0 || o.node || o.split_dir || c.format_given || c.output ||
	    c.safe_csv))
		usage_error("--expire writes no records and takes no --max, --node, "
		    "--split-by-node, --format, -o or --safe-csv");
	if (remind_days >= 0 && !expiring)
		usage_error("--remind-days goes with --expire");
	if (confirming && (o.day || o.max >= 0 || o.node || o.split_dir))
		usage_error("--day, --max, --node and --split-by-node are for releasing, not "
		    "with --confirm");
	if (resending && (o.day || o.max >= 0 || o.node))
		usage_error("--day, --max and --node are for releasing, not with --resend");
	if (!confirming && argc > 0)
		usage_error("files are read only with --confirm");
	if (confirming && (c.format_given || c.output || c.safe_csv))
		usage_error("--confirm writes no records: --format, -o and --safe-csv do not "
		    "apply");
	if (o.split_dir && c.output)
		usage_error("-o and --split-by-node do not go together");
	if (resending && c.dry_run)
		usage_error("--resend changes nothing: --dry-run does not apply");
	o.format = c.format;
	o.safe_csv = c.safe_csv;
	o.dry_run = c.dry_run;

	if (expiring) {
		if (o.day == NULL) {
			now_iso(day);
			day[10] = '\0';
			o.day = day;
		}
		j.expire.today = o.day;
		j.expire.remind_days = remind_days >= 0 ? remind_days : PICKUP_REMIND_DAYS;
		job.run = run_expire;
	} else if (confirming) {
		job.run = run_confirm;
		j.confirmations = cli_files(argc, argv, &j.nconfirmations);
		j.input_format = c.input_format;
	} else {
		job.run = resending ? run_resend : run_release;
		job.ready = files_ready;
		job.close = files_close;
		job.unwritten = unwritten;
		job.output = o.split_dir == NULL;
		j.ids = ids;
		j.nids = nids;
		j.run_id = run_id;
	}
	status = cli_run(&c, &job);
	free(ids);
	return status;
}
