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
	long long run_id;	/* the run's number in the run log, once cli_run committed it */
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
 * The files a command reads: the n operands, or standard input ("-")
 * when there are none.  Sets *nfiles to their number.
 */
char **cli_files(int n, char **operands, int *nfiles);

/*
 * The operands of a command limited to orders (oms-allocate, oms-route):
 * the n files of order ids (scope_read), added to s after the orders of
 * --order, up to the first that fails; s is on when any is named.
 * Returns 0, or an exit status after diagnostics.
 */
struct scope;
int cli_scope(const struct cli *c, struct scope *s, int n, char *const *files);

struct buf;

/*
 * What a command that changes the store runs, and what it writes.  arg
 * is the command's own, given back to every callback.
 */
struct cli_job {
	/*
	 * The run, inside the one transaction: 0, or an exit status after a
	 * diagnostic.  out is the -o output (standard output without it),
	 * held until the commit, when the job has output; else NULL.
	 * Whatever it returns, it puts the run's counts in counts (a JSON
	 * object, for the run log) and its summary in line (for the note,
	 * without the dry-run words: cli_run adds them).  A run that leaves
	 * counts empty records no counts and says nothing (oms-release
	 * --resend).
	 */
	int (*run)(void *arg, struct store *st, FILE *out, struct buf *counts,
		struct buf *line);
	/*
	 * Files the run writes itself, in place of out (oms-release
	 * --split-by-node): ready finishes and flushes them before the
	 * commit, close puts them in place after it (commit 1) or removes
	 * them; both return 0, or 74 after a diagnostic.  NULL: none.
	 */
	int (*ready)(void *arg);
	int (*close)(void *arg, int commit);
	/*
	 * What to say when run run_id is committed but its output could not
	 * all be put in place.  NULL: "run N is committed, but its output
	 * was not all written".
	 */
	void (*unwritten)(void *arg, long long run_id);
	int output;		/* 1: the run writes records to -o (out) */
	void *arg;
};

/*
 * The one run sequence of every command that changes the store:
 *
 *   open the output (held: no one sees it before the commit; 73),
 *   open the store, log the run's start, begin its one transaction,
 *   run the job,
 *   flush every byte of the output, so that a full disk fails the run,
 *   commit (roll back under --dry-run or on failure) and log the run's
 *   end with its counts, close the store (a store the run made and
 *   commits nothing to is removed: store_discard_new),
 *   put the output in place (renamed, or copied to standard output) only
 *   when the run succeeded, else remove it; a committed run whose output
 *   cannot be put in place exits 74 and says so with its number (a run
 *   that records no counts says nothing: it is simply run again),
 *   note the summary, after "dry run, nothing written: " under --dry-run,
 *   check standard output (74).
 *
 * A store that is busy or cannot be opened ends the run before anything
 * is written.  Returns the exit status; c->run_id is the run's number
 * once committed.
 */
int cli_run(struct cli *c, const struct cli_job *job);

#endif
