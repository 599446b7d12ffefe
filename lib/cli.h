#ifndef OMS_CLI_H
#define OMS_CLI_H
/*
 * cli: what every oms command shares on its command line (the common
 * options, their checks) and around its run (open the store, log the run,
 * one transaction, --dry-run, the exit status).
 */
#include <getopt.h>
#include <stdio.h>

#include "store.h"

enum {
	OPT_DB = 1000, OPT_BUSY, OPT_FORMAT, OPT_INFMT, OPT_DRYRUN, OPT_VERSION,
	OPT_SAFECSV,
	OPT_CMD = 1100		/* a command's own long options start here */
};

#define CLI_SHORTOPTS "hqvo:"
#define CLI_LONGOPTS \
	{ "busy-timeout", required_argument, NULL, OPT_BUSY }, \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "dry-run", no_argument, NULL, OPT_DRYRUN }, \
	{ "format", required_argument, NULL, OPT_FORMAT }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "input-format", required_argument, NULL, OPT_INFMT }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "safe-csv", no_argument, NULL, OPT_SAFECSV }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "version", no_argument, NULL, OPT_VERSION }

struct cli {
	const char *db;
	int busy_ms;
	int format;		/* enum outfmt */
	int format_given;	/* --format was on the command line */
	int input_format;	/* enum infmt */
	const char *output;	/* NULL: standard output */
	int dry_run;
	int safe_csv;
	int argc;		/* the whole command line, for the run log */
	char **argv;
	long long run_id;	/* the run's number in the run log, once cli_end committed it */
};

/* Defaults, and the program name for diagnostics. */
void cli_init(struct cli *c, int argc, char **argv);

/*
 * Take a common option: returns 1 when it was one.  --help prints usage
 * and exits 0, --version exits 0, a bad value exits 64 after usage.
 */
int cli_option(struct cli *c, int opt, const char *arg, void (*usage)(FILE *));

/* Parse a count option ("--max-rejects 3"); exits 64 when not one. */
long cli_count(const char *opt, const char *arg);

/*
 * A mutating run: open the store, log the run's start, begin its one
 * transaction.  Returns 0, or the exit status after a diagnostic.
 */
int cli_begin(struct cli *c, struct store **st);
/*
 * End it: commit when status is 0 (roll back under --dry-run or on
 * failure), log the run's end with counts (JSON), close the store.  A
 * store the run made and commits nothing to is removed
 * (store_discard_new).  Returns the final exit status.
 */
int cli_end(struct cli *c, struct store *st, int status, const char *counts_json);

/*
 * The output of a run, after cli_end: put in place (renamed, or what was
 * held copied to standard output) when status is 0, else removed, so that
 * no one sees the output of a run that did not commit.  When a committed
 * run's output cannot be put in place, says so with the run's number.
 * Returns the final exit status.  The run calls outfile_ready before
 * cli_end, so that an output that cannot be written fails the run.
 */
struct outfile;
int cli_close_output(struct cli *c, struct outfile *out, int status);

/* Flush and check standard output: 0, or 74 after a diagnostic. */
int cli_close_stdout(void);

#endif
