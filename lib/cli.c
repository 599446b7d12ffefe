#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "outfile.h"
#include "output.h"
#include "parse.h"
#include "scope.h"
#include "util.h"

static int cli_close_stdout(void);

void
cli_init(struct cli *c, int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');

	memset(c, 0, sizeof *c);
	diag_prog = slash ? slash + 1 : argv[0];
	c->busy_ms = 10000;
	c->format = OUTFMT_CSV;
	c->input_format = INFMT_AUTO;
	c->argc = argc;
	c->argv = argv;
}

static void
bad_usage(void (*usage)(FILE *), const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", diag_prog);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	exit(EX_USAGE);
}

long
cli_count(const char *opt, const char *arg)
{
	int64_t v;

	if (parse_int(arg, 0, 1000000000000LL, &v) != PARSE_OK) {
		diag_error("%s must be a non-negative integer, got \"%s\"", opt, quote_value(arg));
		exit(EX_USAGE);
	}
	return (long)v;
}

int
cli_option(struct cli *c, int opt, const char *arg, void (*usage)(FILE *))
{
	switch (opt) {
	case 'h':
		usage(stdout);
		exit(cli_close_stdout());
	case OPT_VERSION:
		printf("%s (oms) %s\n", diag_prog, OMS_VERSION);
		exit(cli_close_stdout());
	case 'q':
		diag_verbosity = -1;
		return 1;
	case 'v':
		diag_verbosity = 1;
		return 1;
	case 'o':
		c->output = arg;
		return 1;
	case OPT_DB:
		c->db = arg;
		return 1;
	case OPT_BUSY:
		c->busy_ms = (int)cli_count("--busy-timeout", arg);
		if (c->busy_ms > 24 * 3600 * 1000)
			bad_usage(usage, "--busy-timeout is in milliseconds, at most a day, got %s", arg);
		return 1;
	case OPT_FORMAT:
		c->format_given = 1;
		if ((c->format = outfmt_parse(arg)) < 0)
			bad_usage(usage, "--format must be csv, jsonl or json, got \"%s\"", arg);
		return 1;
	case OPT_INFMT:
		if ((c->input_format = infmt_parse(arg)) < 0)
			bad_usage(usage, "--input-format must be csv, json or jsonl, got \"%s\"", arg);
		return 1;
	case OPT_DRYRUN:
		c->dry_run = 1;
		return 1;
	case OPT_SAFECSV:
		c->safe_csv = 1;
		return 1;
	case '?':
		usage(stderr);
		exit(EX_USAGE);
	}
	return 0;
}

char **
cli_files(int n, char **operands, int *nfiles)
{
	static char *stdin_only[] = { "-" };

	*nfiles = n > 0 ? n : 1;
	return n > 0 ? operands : stdin_only;
}

int
cli_scope(const struct cli *c, struct scope *s, int n, char *const *files)
{
	int i, status = 0;

	if (n > 0)
		s->on = 1;
	for (i = 0; i < n && status == 0; i++)
		status = scope_read(s, files[i], c->input_format);
	return status;
}

/*
 * Open the store, log the run's start, begin its one transaction: 0, or
 * the exit status after a diagnostic.
 */
static int
cli_begin(struct cli *c, struct store **st)
{
	int status;

	if ((status = store_open(st, c->db, c->busy_ms, 0)) != 0)
		return status;
	/* the lock first: a run that finds the store busy leaves no trace */
	if (store_begin(*st) != 0 ||
	    (!c->dry_run && store_run_start(*st, diag_prog, c->argc, c->argv) != 0)) {
		status = store_status(*st);
		store_close(*st);
		*st = NULL;
		return status;
	}
	return 0;
}

/*
 * Commit when status is 0 (roll back under --dry-run or on failure), log
 * the run's end with its counts, close the store.  Returns the final exit
 * status.
 */
static int
cli_end(struct cli *c, struct store *st, int status, const char *counts_json)
{
	if (c->dry_run || status != 0) {
		if (store_discard_new(st)) {
			store_close(st);
			return status;
		}
	}
	if (c->dry_run) {
		store_rollback(st);
		store_close(st);
		return status;
	}
	/*
	 * The run's end is written in its transaction: once COMMIT returns
	 * there is nothing left to write, so a committed run cannot end up
	 * reported as failed (say, busy, exit 75) and be run again.  A failed
	 * run keeps its run row and nothing else.
	 */
	if (status != 0)
		store_rollback(st);
	if ((store_run_end(st, status, counts_json) != 0 || store_commit(st) != 0) &&
	    status == 0)
		status = store_status(st);
	if (status == 0)
		c->run_id = store_run_id(st);
	store_close(st);
	return status;
}

/* Flush and check standard output: 0, or 74 after a diagnostic. */
static int
cli_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_error("write error on standard output: %s", strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

int
cli_run(struct cli *c, const struct cli_job *job)
{
	struct buf counts = BUF_INIT, line = BUF_INIT;
	struct outfile out;
	struct store *st;
	int status, s, t;

	memset(&out, 0, sizeof out);
	out.to = -1;
	if (job->output && (status = outfile_open_held(&out, c->output)) != 0)
		return status;
	if ((status = cli_begin(c, &st)) != 0) {
		outfile_close(&out, 0);
		return status;
	}
	status = job->run(job->arg, st, out.fp, &counts, &line);
	/* every byte written before the commit: a full disk fails the run */
	if (status == 0)
		status = outfile_ready(&out);
	if (status == 0 && job->ready != NULL)
		status = job->ready(job->arg);
	status = cli_end(c, st, status, counts.s);
	/* in place, or on standard output, only after the commit */
	s = outfile_close(&out, status == 0);
	if (job->close != NULL && (t = job->close(job->arg, status == 0)) != 0 && s == 0)
		s = t;
	if (status == 0 && s != 0) {
		if (c->run_id > 0 && counts.s != NULL) {
			if (job->unwritten != NULL)
				job->unwritten(job->arg, c->run_id);
			else
				diag_error("run %lld is committed, but its output was not all written",
				    c->run_id);
		}
		status = s;
	}
	if (status == 0 && counts.s != NULL)
		diag_note("%s%s", c->dry_run ? "dry run, nothing written: " : "", buf_str(&line));
	if (cli_close_stdout() != 0 && status == 0)
		status = EX_IOERR;
	buf_release(&counts);
	buf_release(&line);
	return status;
}
