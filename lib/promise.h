#ifndef OMS_PROMISE_H
#define OMS_PROMISE_H
/*
 * promise: oms-promise's answer to "can I have it, and when?" for cart
 * lines (lib/route-promise.c, in the route wing: the node, the cost and
 * the dates are routing's own).  See oms-promise(1).
 */
#include <stdint.h>
#include <stdio.h>

#include "store.h"

struct promise_opts {
	char *const *files;	/* the inputs ("-": standard input) */
	int nfiles;
	int input_format;	/* enum infmt */
	int format;		/* enum outfmt */
	int safe_csv;
	const char *rejects;	/* --rejects FILE, or NULL: strict */
	long max_rejects;
	const char *now;	/* the time, "YYYY-MM-DDTHH:MM:SSZ" */
	const char *today;	/* the business day, "YYYY-MM-DD" */
	long reserve;		/* --reserve MINUTES; 0: nothing is written */
};

struct promise_counts {
	long carts, lines, rejected;
	long carts_whole;	/* every line available in full now */
	int64_t units, units_available, units_supply;
	long carts_reserved, expired, replaced;
	int64_t units_reserved;
};

/*
 * Answer every cart of the inputs, rows to out; with o->reserve, hold the
 * promised units (in the caller's transaction).  0, or an exit status
 * after a diagnostic (65: bad input).
 */
int promise_run(struct store *st, const struct promise_opts *o, FILE *out,
	struct promise_counts *n);

#endif
