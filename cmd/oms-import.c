/*
 * oms-import: load items, nodes, inventory, customers, orders, postal
 * codes, rates, channel policies, hold rules, supply, node groups or sourcing
 * rules from CSV or JSON into the store.
 * See oms-import(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "import.h"

enum { OPT_DELTA = OPT_CMD, OPT_FORCE, OPT_REJECTS, OPT_MAXREJ, OPT_STRICTREFS,
	OPT_RECEIVED };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-import [-hqv] [--busy-timeout ms] [--db path] [--delta] [--dry-run]\n"
	    "                  [--force] [--input-format format] [--max-rejects n]\n"
	    "                  [--received] [--rejects file] [--strict-refs]\n"
	    "                  kind [file ...]\n"
	    "       oms-import --version\n"
	    "kind: items, nodes, inventory, customers, orders, postal, rates, channels,\n"
	    "      holdrules, supply, groups, rules\n");
}

struct job {
	const struct import_opts *o;
	int nfiles;
	char **files;
};

/* Import; counts for the run log, line for the note (cli_run). */
static int
run(void *arg, struct store *st, FILE *out, struct buf *counts, struct buf *line)
{
	const struct job *j = arg;
	struct import_counts n;
	int status;

	memset(&n, 0, sizeof n);
	status = import_files(st, j->o, j->nfiles, j->files, &n);
	import_summary(j->o, &n, line, counts);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "delta", no_argument, NULL, OPT_DELTA },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "max-rejects", required_argument, NULL, OPT_MAXREJ },
		{ "received", no_argument, NULL, OPT_RECEIVED },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "strict-refs", no_argument, NULL, OPT_STRICTREFS },
		{ NULL, 0, NULL, 0 }
	};
	struct import_opts o = { .max_rejects = -1 };
	struct job j = { .o = &o };
	struct cli_job job = { .run = run, .arg = &j };
	struct cli c;
	int ch;

	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_DELTA:
			o.delta = 1;
			break;
		case OPT_FORCE:
			o.force = 1;
			break;
		case OPT_MAXREJ:
			o.max_rejects = cli_count("--max-rejects", optarg);
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_RECEIVED:
			o.received = 1;
			break;
		case OPT_STRICTREFS:
			o.strict_refs = 1;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		diag_error("which kind of data? (items, nodes, inventory, customers, orders, "
		    "postal, rates, channels, holdrules, supply, groups, rules)");
		usage(stderr);
		return EX_USAGE;
	}
	if ((o.kind = import_kind_parse(argv[0])) < 0) {
		diag_error("unknown kind \"%s\"", argv[0]);
		usage(stderr);
		return EX_USAGE;
	}
	if (o.received && o.kind != KIND_SUPPLY) {
		diag_error("--received is for supply");
		return EX_USAGE;
	}
	if (o.delta && o.kind != KIND_INVENTORY) {
		diag_error("--delta is for inventory");
		return EX_USAGE;
	}
	if (o.force && !o.delta && !o.received) {
		diag_error("--force only makes sense with --delta or --received");
		return EX_USAGE;
	}
	if (o.strict_refs && o.kind != KIND_ORDERS) {
		diag_error("--strict-refs is for orders");
		return EX_USAGE;
	}
	if (o.max_rejects >= 0 && o.rejects == NULL) {
		diag_error("--max-rejects needs --rejects FILE");
		return EX_USAGE;
	}
	if (c.format_given || c.output || c.safe_csv) {
		diag_error("oms-import writes no records: --format, -o and --safe-csv do "
		    "not apply");
		return EX_USAGE;
	}
	o.input_format = c.input_format;

	j.files = cli_files(argc - 1, argv + 1, &j.nfiles);
	return cli_run(&c, &job);
}
