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
	OPT_CONFIRM = OPT_CMD, OPT_DAY, OPT_MAX, OPT_NODE, OPT_RESEND, OPT_RESEND_RUN, OPT_SPLIT
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
	    "       oms-release --version\n");
}

static void
usage_error(const char *msg)
{
	diag_error("%s", msg);
	usage(stderr);
	exit(EX_USAGE);
}

static int
confirm(struct cli *c, int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct confirm_counts n;
	struct store *st;
	struct buf counts = BUF_INIT;
	int status;

	if ((status = cli_begin(c, &st)) != 0)
		return status;
	status = release_confirm(st, argc > 0 ? argv : stdin_only, argc > 0 ? argc : 1,
	    c->input_format, &n);
	buf_addf(&counts, "{\"confirmations\":%ld,\"shipped\":%lld,\"picked_up\":%lld,"
	    "\"short\":%lld,\"cancelled\":%lld}", n.rows, (long long)n.shipped,
	    (long long)n.picked_up, (long long)n.shorted, (long long)n.cancelled);
	status = cli_end(c, st, status, counts.s);
	if (status == 0)
		diag_note("%s%ld %s taken: %lld %s shipped, %lld picked up, "
		    "%lld short, %lld cancelled", c->dry_run ? "dry run, nothing written: " : "",
		    n.rows, plural(n.rows, "confirmation", "confirmations"),
		    (long long)n.shipped, plural(n.shipped, "unit", "units"),
		    (long long)n.picked_up, (long long)n.shorted, (long long)n.cancelled);
	buf_release(&counts);
	if (cli_close_stdout() != 0 && status == 0)
		status = EX_IOERR;
	return status;
}

/*
 * End a run that wrote releases, to out or to node files (files, when
 * --split-by-node): every byte written before the commit, so that a full
 * disk fails the run, and in place only after it, so that no one sees a
 * release the store did not record (a dry run leaves no node file).
 * counts_json NULL: a re-send, which records nothing (run it again).
 */
static int
end_run(struct cli *c, struct store *st, int status, const char *counts_json,
    struct outfile *out, struct release_files *files)
{
	int s;

	if (status == 0)
		status = files ? release_files_ready(files) : outfile_ready(out);
	status = cli_end(c, st, status, counts_json);
	s = files ? release_files_close(files, status == 0 && !c->dry_run) :
	    outfile_close(out, status == 0);
	if (status != 0 || s == 0)
		return status;
	if (c->run_id > 0 && counts_json != NULL)
		diag_error("run %lld is committed, but its releases were not all written: "
		    "oms-release --resend-run %lld writes them again", c->run_id, c->run_id);
	return s;
}

static int
resend(struct cli *c, const struct release_opts *o, const char *const *ids, int nids,
    int64_t run_id)
{
	struct release_files *files = NULL;
	struct outfile out;
	struct store *st;
	int status;

	memset(&out, 0, sizeof out);
	if (o->split_dir == NULL && (status = outfile_open_held(&out, c->output)) != 0)
		return status;
	if ((status = cli_begin(c, &st)) != 0) {
		outfile_close(&out, 0);
		return status;
	}
	status = release_resend(st, o, nids > 0 ? ids : NULL, nids, run_id, out.fp, &files);
	return end_run(c, st, status, NULL, &out, files);
}

static int
release(struct cli *c, const struct release_opts *o)
{
	struct release_counts n;
	struct release_files *files = NULL;
	struct outfile out;
	struct store *st;
	struct buf counts = BUF_INIT;
	long waiting;
	int status;

	memset(&out, 0, sizeof out);
	if (o->split_dir == NULL && (status = outfile_open_held(&out, c->output)) != 0)
		return status;
	if ((status = cli_begin(c, &st)) != 0) {
		outfile_close(&out, 0);
		return status;
	}
	status = release_run(st, o, out.fp, &files, &n);
	buf_addf(&counts, "{\"releases\":%ld,\"lines\":%ld,\"units\":%lld,\"nodes\":%ld,"
	    "\"held\":%ld,\"incomplete\":%ld,\"over_capacity\":%ld,\"over_max\":%ld}",
	    n.releases, n.lines, (long long)n.units, n.nodes, n.held, n.incomplete,
	    n.over_capacity, n.over_max);
	status = end_run(c, st, status, counts.s, &out, files);
	waiting = n.held + n.incomplete + n.over_capacity + n.over_max;
	if (status == 0)
		diag_note("%s%ld %s (%ld %s, %lld %s) to %ld %s; %ld waiting: "
		    "%ld held, %ld ship-complete not all routed, %ld over capacity, %ld past --max",
		    c->dry_run ? "dry run, nothing written: " : "", n.releases,
		    plural(n.releases, "release", "releases"), n.lines,
		    plural(n.lines, "line", "lines"), (long long)n.units,
		    plural(n.units, "unit", "units"), n.nodes, plural(n.nodes, "node", "nodes"),
		    waiting, n.held, n.incomplete, n.over_capacity, n.over_max);
	buf_release(&counts);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "confirm", no_argument, NULL, OPT_CONFIRM },
		{ "day", required_argument, NULL, OPT_DAY },
		{ "max", required_argument, NULL, OPT_MAX },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "resend", required_argument, NULL, OPT_RESEND },
		{ "resend-run", required_argument, NULL, OPT_RESEND_RUN },
		{ "split-by-node", required_argument, NULL, OPT_SPLIT },
		{ NULL, 0, NULL, 0 }
	};
	struct release_opts o = { .max = -1 };
	static const char **ids;	/* static: still reachable after an early return */
	char day[21];
	struct cli c;
	long run_id = -1;
	int ch, nids = 0, confirming = 0, resending, status;

	cli_init(&c, argc, argv);
	ids = xcalloc((size_t)argc + 1, sizeof *ids);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_CONFIRM:
			confirming = 1;
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

	if (confirming)
		status = confirm(&c, argc, argv);
	else if (resending)
		status = resend(&c, &o, ids, nids, run_id);
	else
		status = release(&c, &o);
	free(ids);
	return status;
}
