/*
 * oms-import: load items, nodes, inventory, customers, orders, postal
 * codes or rates from CSV or JSON into the store.  See oms-import(1).
 */
#include <stdlib.h>

#include "cli.h"
#include "diag.h"
#include "import.h"

enum { OPT_DELTA = OPT_CMD, OPT_FORCE, OPT_REJECTS, OPT_MAXREJ, OPT_STRICTREFS };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-import [-hqv] [--busy-timeout ms] [--db path] [--delta] [--dry-run]\n"
	    "                  [--force] [--input-format format] [--max-rejects n]\n"
	    "                  [--rejects file] [--strict-refs] kind [file ...]\n"
	    "       oms-import --version\n"
	    "kind: items, nodes, inventory, customers, orders, postal, rates\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "delta", no_argument, NULL, OPT_DELTA },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "max-rejects", required_argument, NULL, OPT_MAXREJ },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "strict-refs", no_argument, NULL, OPT_STRICTREFS },
		{ NULL, 0, NULL, 0 }
	};
	static char *stdin_only[] = { "-" };
	struct import_opts o = { .max_rejects = -1 };
	struct import_counts counts;
	struct buf line = BUF_INIT, json = BUF_INIT;
	struct store *st;
	struct cli c;
	int ch, status;

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
		    "postal, rates)");
		usage(stderr);
		return EX_USAGE;
	}
	if ((o.kind = import_kind_parse(argv[0])) < 0) {
		diag_error("unknown kind \"%s\"", argv[0]);
		usage(stderr);
		return EX_USAGE;
	}
	if ((o.delta || o.force) && o.kind != KIND_INVENTORY) {
		diag_error("--delta and --force are for inventory");
		return EX_USAGE;
	}
	if (o.strict_refs && o.kind != KIND_ORDERS) {
		diag_error("--strict-refs is for orders");
		return EX_USAGE;
	}
	if (o.force && !o.delta) {
		diag_error("--force only makes sense with --delta");
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

	if ((status = cli_begin(&c, &st)) != 0)
		return status;
	status = import_files(st, &o, argc > 1 ? argc - 1 : 1,
	    argc > 1 ? argv + 1 : stdin_only, &counts);
	import_summary(&o, &counts, &line, &json);
	status = cli_end(&c, st, status, json.s);
	if (status == 0)
		diag_note("%s%s", c.dry_run ? "dry run, nothing written: " : "", line.s);
	buf_release(&line);
	buf_release(&json);
	if (cli_close_stdout() != 0 && status == 0)
		status = EX_IOERR;
	return status;
}
