/*
 * oms-allocate: decide which open order lines get stock, in the order of
 * service, and backorder the rest.  See oms-allocate(1).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "diag.h"
#include "input.h"

enum { OPT_ORDER = OPT_CMD };

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: oms-allocate [-hqv] [--busy-timeout ms] [--db path] [--dry-run]\n"
	    "                    [--format format] [--input-format format] [-o file]\n"
	    "                    [--order id]... [--safe-csv] [file ...]\n"
	    "       oms-allocate --version\n");
}

struct scope {
	struct alloc_scope *v;
	int n, cap;
};

static void
scope_add(struct scope *s, const char *order_id, const char *file, long line)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
	}
	s->v[s->n].order_id = xstrdup(order_id);
	s->v[s->n].file = file;
	s->v[s->n].line = line;
	s->n++;
}

/* Read the order ids of a file (CSV or JSON with an order_id column). */
static int
read_scope(struct scope *s, const char *file, int infmt)
{
	static const struct colspec cols[] = { { "order_id", 1 } };
	struct input *in;
	struct record r;
	int status = 0, rc;

	if ((in = input_open(file, infmt, cols, 1, "lines", &status)) == NULL)
		return status;
	input_quiet_unknown(in);
	while ((rc = input_next(in, &r)) == 1) {
		if (r.error || r.val[0][0] == '\0') {
			diag_at(r.file, r.line, "%s", r.error ? r.error : "order_id is empty");
			status = EX_DATAERR;
			continue;
		}
		/* a file of lines names an order many times: once is enough */
		if (s->n == 0 || strcmp(s->v[s->n - 1].order_id, r.val[0]) != 0)
			scope_add(s, r.val[0], file, r.line);
	}
	if (rc < 0)
		status = input_status(in);
	input_close(in);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "order", required_argument, NULL, OPT_ORDER },
		{ NULL, 0, NULL, 0 }
	};
	struct scope scope = { NULL, 0, 0 };
	struct alloc_opts o;
	struct alloc_counts n;
	struct outfile out;
	struct store *st;
	struct buf counts = BUF_INIT;
	struct cli c;
	int ch, i, status = 0, named = 0;

	memset(&o, 0, sizeof o);
	cli_init(&c, argc, argv);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option(&c, ch, optarg, usage))
			continue;
		switch (ch) {
		case OPT_ORDER:
			scope_add(&scope, optarg, NULL, 0);
			named = 1;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	for (i = optind; i < argc && status == 0; i++, named = 1)
		status = read_scope(&scope, argv[i], c.input_format);
	if (status != 0)
		return status;
	o.scoped = named;
	o.scope = scope.v;
	o.nscope = scope.n;
	o.format = c.format;
	o.safe_csv = c.safe_csv;

	if ((status = outfile_open(&out, c.output)) != 0)
		return status;
	if ((status = cli_begin(&c, &st)) != 0) {
		outfile_close(&out, 0);
		return status;
	}
	status = alloc_run(st, &o, out.fp, &n);
	/* the rows must be out before the decisions they report are committed */
	if (status == 0)
		status = outfile_flush(&out);
	buf_addf(&counts, "{\"lines\":%ld,\"full\":%ld,\"partly\":%ld,\"backordered\":%ld,"
	    "\"units\":%lld,\"units_backordered\":%lld,\"units_taken_back\":%lld}", n.lines,
	    n.full, n.partly, n.backordered, (long long)n.units, (long long)n.units_backordered,
	    (long long)n.units_taken_back);
	status = cli_end(&c, st, status, counts.s);
	ch = outfile_close(&out, status == 0);
	if (status == 0)
		status = ch;
	if (status == 0)
		diag_note("%s%ld line%s changed: %ld allocated in full, %ld partly, %ld backordered; "
		    "%lld units allocated, %lld units backordered; %lld units taken back%s",
		    c.dry_run ? "dry run, nothing written: " : "", n.lines, n.lines == 1 ? "" : "s",
		    n.full, n.partly, n.backordered, (long long)n.units,
		    (long long)n.units_backordered, (long long)n.units_taken_back,
		    n.lines == 0 ? "; nothing changed" : "");
	for (i = 0; i < scope.n; i++)
		free((char *)scope.v[i].order_id);
	free(scope.v);
	buf_release(&counts);
	return status;
}
