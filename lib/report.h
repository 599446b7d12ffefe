#ifndef OMS_REPORT_H
#define OMS_REPORT_H
/*
 * report: the read-only views of oms-report, each a table of documented
 * columns written through output.h.
 */
#include <stdio.h>

#include "store.h"

struct report_opts {
	const char *node, *sku, *order, *status, *type;
	const char *since;	/* events after this seq ("0": all) */
	int by_sku;		/* inventory: network totals per sku */
	int deep;		/* check: also SQLite's integrity check */
	int format;		/* enum outfmt */
	int safe_csv;
	const char *from, *to, *channel, *today;
	/* kpi, eoq and the HTML page (lib/kpi.c, lib/eoq.c, lib/html.c) */
	int days;		/* eoq: days of demand history */
	double service, alpha;	/* eoq: service level, smoothing factor */
	int html;		/* kpi --format html */
};

/* 1 when view names a report. */
int report_valid(const char *view);

/*
 * Write the view to fp.  Returns 0, EX_VIOLATION (check found a broken
 * invariant), or an exit status after a diagnostic.
 */
int report_run(struct store *st, const char *view, const struct report_opts *o, FILE *fp);

#endif
