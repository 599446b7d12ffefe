#ifndef OMS_HTML_H
#define OMS_HTML_H
/*
 * html: the page the nightly job mails (oms-report kpi --format html):
 * one self-contained HTML document with inline CSS and inline SVG charts,
 * no script and no external reference.  Every text taken from the store
 * is escaped.
 */
#include <stdio.h>

#include "eoq.h"
#include "kpi.h"
#include "store.h"

/*
 * Write the page to fp: the KPI table (k), backorders by age on
 * e->today, releases against capacity per node on the latest business
 * day with releases, ATP by node, and the skus at or below their reorder
 * point (e).  Returns 0, or an exit status after a diagnostic.
 */
int html_report(struct store *st, const struct kpi_opts *k, const struct eoq_opts *e,
	FILE *fp);

/* Write s to fp with &, <, >, " and ' as character references. */
void html_escape(FILE *fp, const char *s);

#endif
