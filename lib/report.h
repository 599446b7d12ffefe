#ifndef OMS_REPORT_H
#define OMS_REPORT_H
/*
 * report: the read-only views of oms-report, each a table of documented
 * columns written through output.h.
 */
#include <signal.h>
#include <stdio.h>

#include "store.h"
#include "store-views.h"

/*
 * The options of a view.  The filters that are lists (each option may be
 * given more than once) keep a row that matches any of their values, and
 * an empty list keeps every row; different filters must all match.
 */
struct report_opts {
	struct strv node, sku, order, status, type, channel;
	const char *since;	/* events after this seq ("0": all) */
	int by_sku;		/* inventory: network totals per sku */
	int deep;		/* check: also SQLite's integrity check */
	int format;		/* enum outfmt */
	int safe_csv;
	/* orders, lines, backorders, releases, runs: filters and the day ages count to */
	const char *from, *to;	/* dates YYYY-MM-DD, inclusive; NULL: open */
	const char *today;	/* backorders, eoq, html: YYYY-MM-DD; NULL: today, UTC */
	/* kpi, eoq and the HTML page (lib/kpi.c, lib/eoq.c, lib/html.c) */
	int days;		/* eoq: days of demand history */
	double service, alpha;	/* eoq: service level, smoothing factor */
	int html;		/* kpi --format html */
	long rules_version;	/* rules, groups: --version N; 0: the latest */
};

/* Free the lists of o (not their strings). */
void report_opts_release(struct report_opts *o);

/* The views' own options, as bits. */
enum report_option {
	RO_ALPHA = 1 << 0, RO_BY = 1 << 1, RO_CHANNEL = 1 << 2, RO_DAYS = 1 << 3,
	RO_DEEP = 1 << 4, RO_FOLLOW = 1 << 5, RO_FROM = 1 << 6, RO_INTERVAL = 1 << 7,
	RO_NODE = 1 << 8, RO_ORDER = 1 << 9, RO_SERVICE = 1 << 10, RO_SINCE = 1 << 11,
	RO_SKU = 1 << 12, RO_STATUS = 1 << 13, RO_TO = 1 << 14, RO_TODAY = 1 << 15,
	RO_TYPE = 1 << 16, RO_VERSION = 1 << 17
};

/* A view that an option makes another. */
enum report_variant {
	RV_PLAIN,
	RV_BY_SKU,	/* inventory --by sku */
	RV_HTML		/* kpi --format html */
};

struct view_ctx;
struct view_filter;

/*
 * A view of oms-report: the table report_views (report.c) is the one
 * place that says which view takes which option; oms-report(1), each
 * view's synopsis, says the same.
 */
struct report_view {
	const char *name;		/* as given on the command line */
	enum report_variant variant;
	const char *variant_text;	/* " --by sku", " --format html"; "" for plain */
	unsigned takes;			/* the options it takes: RO_* bits */
	/* report.c's, for report_run: a table's rows, or a view that writes itself */
	int (*rows)(struct view_ctx *c, const struct view_filter *f);
	int (*write)(struct store *st, const struct report_opts *o, FILE *fp);
};

/* Every view, a plain one before its variants. */
extern const struct report_view report_views[];
extern const size_t report_nviews;

/*
 * The view named name: its variant inventory --by sku when by_sku, kpi
 * --format html when html (when the view has that variant), else the
 * plain view.  NULL when no view has that name.
 */
const struct report_view *report_view_find(const char *name, int by_sku, int html);
/* 1 when s is a status of the orders view (see report_run). */
int report_order_status_valid(const char *s);
/* 1 when s is a calendar date written YYYY-MM-DD. */
int report_date_valid(const char *s);

/*
 * Write the view to fp.  Returns 0, EX_VIOLATION (check found a broken
 * invariant), or an exit status after a diagnostic.
 */
int report_run(struct store *st, const struct report_view *v, const struct report_opts *o,
	FILE *fp);

/*
 * events --follow: write the events view, then look for new events every
 * interval_ms and write them as they come, each row flushed, until *stop
 * is set (by a signal handler) or fp turns out to be a pipe nobody reads.
 * Each look is one short read of the store: no lock is held in between.
 * Returns 0 (stopped, or the reader went away: *gone set to 1), or an
 * exit status after a diagnostic.
 */
int report_follow(struct store *st, const struct report_opts *o, FILE *fp,
	int interval_ms, volatile sig_atomic_t *stop, int *gone);

#endif
