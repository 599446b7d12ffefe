/*
 * oms-promise: can a cart be had, from where, when, at what cost; with
 * --reserve, hold it for the checkout.  See oms-promise(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "outfile.h"
#include "parse.h"
#include "promise.h"

enum { OPT_RESERVE = OPT_CMD, OPT_NOW, OPT_TODAY, OPT_REJECTS, OPT_MAXREJ };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-promise [-hqv] [--busy-timeout ms] [--db path] [--dry-run]\n"
	    "                   [--format format] [--input-format format]\n"
	    "                   [--max-rejects n] [--now time] [-o file]\n"
	    "                   [--rejects file] [--reserve minutes] [--safe-csv]\n"
	    "                   [--today date] [file ...]\n"
	    "       oms-promise --version\n");
}

struct job {
	struct promise_opts *o;
	char now[21], today[21];
};

static void
say(const struct promise_counts *n, struct buf *line)
{
	buf_addf(line, "%ld %s, %ld %s promised: %ld whole now; %lld of %lld %s available, "
	    "%lld from supply", n->carts, plural(n->carts, "cart", "carts"), n->lines,
	    plural(n->lines, "line", "lines"), n->carts_whole,
	    (long long)n->units_available, (long long)n->units,
	    plural(n->units, "unit", "units"), (long long)n->units_supply);
	if (n->rejected > 0)
		buf_addf(line, "; %ld %s rejected", n->rejected,
		    plural(n->rejected, "line", "lines"));
}

static void
times(struct job *j, struct store *st)
{
	if (j->now[0] == '\0')
		memcpy(j->now, store_run_time(st), sizeof j->now);
	if (j->today[0] == '\0')
		memcpy(j->today, j->now, sizeof j->today);
	j->today[10] = '\0';
	j->o->now = j->now;
	j->o->today = j->today;
}

/* --reserve: the run inside cli_run's transaction. */
static int
run(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	struct job *j = arg;
	struct promise_counts n;
	int status;

	times(j, st);
	status = promise_run(st, j->o, out, &n);
	buf_addf(counts, "{\"carts\":%ld,\"lines\":%ld,\"carts_whole\":%ld,\"units\":%lld,"
	    "\"units_available\":%lld,\"units_supply\":%lld,\"carts_reserved\":%ld,"
	    "\"units_reserved\":%lld,\"reservations_expired\":%ld,\"carts_replaced\":%ld}",
	    n.carts, n.lines, n.carts_whole, (long long)n.units,
	    (long long)n.units_available, (long long)n.units_supply, n.carts_reserved,
	    (long long)n.units_reserved, n.expired, n.replaced);
	say(&n, line);
	buf_addf(line, "; %lld %s reserved for %ld %s until %ld minutes from now",
	    (long long)n.units_reserved, plural(n.units_reserved, "unit", "units"),
	    n.carts_reserved, plural(n.carts_reserved, "cart", "carts"), j->o->reserve);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "reserve", required_argument, NULL, OPT_RESERVE },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "today", required_argument, NULL, OPT_TODAY },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "max-rejects", required_argument, NULL, OPT_MAXREJ },
		{ NULL, 0, NULL, 0 }
	};
	struct promise_opts o;
	struct cli c;
	struct job j = { .o = &o };
	struct cli_job job = { .run = run, .output = 1, .arg = &j };
	struct promise_counts n;
	struct store *st;
	struct outfile of;
	struct buf line = BUF_INIT;
	int ch, status, ostatus;

	memset(&o, 0, sizeof o);
	o.max_rejects = -1;
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_RESERVE: {
			long v = cli_count("--reserve", optarg);

			if (v < 1 || v > 10080) {
				diag_error("--reserve takes minutes from 1 to 10080, got \"%s\"",
				    quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			o.reserve = v;
			break;
		}
		case OPT_NOW:
			if (parse_time(optarg, j.now) != PARSE_OK || strlen(j.now) != 20) {
				diag_error("--now must be a time (YYYY-MM-DDTHH:MM:SSZ), got \"%s\"",
				    quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			break;
		case OPT_TODAY:
			if (parse_time(optarg, j.today) != PARSE_OK) {
				diag_error("--today must be a date (YYYY-MM-DD), got \"%s\"",
				    quote_value(optarg));
				usage(stderr);
				return EX_USAGE;
			}
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_MAXREJ:
			o.max_rejects = cli_count("--max-rejects", optarg);
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (o.max_rejects >= 0 && o.rejects == NULL) {
		diag_error("--max-rejects needs --rejects FILE");
		usage(stderr);
		return EX_USAGE;
	}
	o.files = cli_files(argc - optind, argv + optind, &o.nfiles);
	o.input_format = c.input_format;
	o.format = c.format;
	o.safe_csv = c.safe_csv;
	if (o.reserve > 0)
		return cli_run(&c, &job);
	/* a question: the store read, nothing written */
	if ((status = store_open(&st, c.db, c.busy_ms, 1)) != 0)
		return status;
	if ((status = outfile_open(&of, c.output)) != 0) {
		store_close(st);
		return status;
	}
	if (store_read_begin(st) == 0) {
		times(&j, st);
		status = promise_run(st, &o, of.fp, &n);
	} else
		status = store_status(st);
	store_close(st);
	ostatus = outfile_close(&of, status == 0);
	if (status == 0 && ostatus != 0)
		status = ostatus;
	if (status == 0) {
		say(&n, &line);
		diag_note("%s%s", c.dry_run ? "dry run, nothing written: " : "", line.s);
	}
	buf_release(&line);
	return status;
}
