/*
 * html: the report page.  Gathers what each section shows (kpi.c, eoq.c
 * and a few store reads), then writes the page top to bottom.  Charts
 * are plain SVG rectangles and text, sized from the data, so the page
 * renders the same in a mail client as in a browser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "eoq.h"
#include "html.h"
#include "kpi.h"
#include "model.h"
#include "parse.h"
#include "util.h"
#include "workers.h"
#include "store-release.h"
#include "store-scan.h"

#define MAX_BARS 40		/* nodes per chart; the rest are counted */
#define MAX_SKUS 50		/* rows of the reorder table */

void
html_escape(FILE *fp, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
}

/* The first max characters of s (UTF-8), escaped, with "…" when cut. */
static void
escape_cut(FILE *fp, const char *s, int max)
{
	size_t n = 0;
	int chars = 0;

	while (s[n] && chars < max) {
		n++;
		while ((s[n] & 0xC0) == 0x80)
			n++;
		chars++;
	}
	if (s[n] == '\0') {
		html_escape(fp, s);
		return;
	}
	{
		char *cut = xmemdup(s, n);

		html_escape(fp, cut);
		free(cut);
		fputs("\xe2\x80\xa6", fp);
	}
}

struct bar {
	char *label;
	int64_t value, limit;		/* limit -1: none */
};

struct bars {
	struct bar *v;
	size_t n, cap;
};

static void
bars_add(struct bars *b, const char *label, int64_t value, int64_t limit)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = xrealloc(b->v, b->cap * sizeof *b->v);
	}
	b->v[b->n].label = xstrdup(label);
	b->v[b->n].value = value;
	b->v[b->n].limit = limit;
	b->n++;
}

static void
bars_release(struct bars *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].label);
	free(b->v);
}

struct page {
	const struct kpi_opts *k;	/* the KPI table's options */
	const struct eoq_opts *e;	/* the day, and the reorder points' */
	struct kpi_table kpi;
	int64_t age_units[6], age_lines[6];
	int64_t past_units[6], past_lines[6];	/* by days past the promise date */
	int64_t due_lines;		/* backordered lines not past a promise */
	char day[11];			/* business day of the capacity chart */
	struct bars capacity;		/* value: releases, limit: capacity */
	struct bars atp;		/* value: atp, limit: on_hand */
	struct eoq_row *low;		/* at or below the reorder point */
	char **low_sku;
	size_t nlow, caplow;
	int64_t skus;			/* items looked at */
	int64_t today;			/* days of e->today */
	char since[21];			/* the last backorder's beginning */
	int64_t since_days;		/* and its days */
	struct eoq_demand *demand;
	struct resv *resv;		/* see line_row */
	size_t nresv, cresv, at_resv;
};

static const char *const age_names[6] = {
	"0\xe2\x80\x93" "1 days", "2\xe2\x80\x93" "3 days", "4\xe2\x80\x93" "7 days",
	"8\xe2\x80\x93" "14 days", "15\xe2\x80\x93" "30 days", "over 30 days",
};
/* days past the promise date, 1 or more, in the same buckets */
static const char *const past_names[6] = {
	"1 day", "2\xe2\x80\x93" "3 days", "4\xe2\x80\x93" "7 days",
	"8\xe2\x80\x93" "14 days", "15\xe2\x80\x93" "30 days", "over 30 days",
};

static int
age_bucket(int64_t days)
{
	return days <= 1 ? 0 : days <= 3 ? 1 : days <= 7 ? 2 : days <= 14 ? 3 : days <= 30 ? 4 : 5;
}

/*
 * A node's reservation of a line (line_node routed + released, when
 * more than 0), read by order_id, line_no; its line's sku is found on the
 * KPIs' pass over the lines, then they are sorted by node and sku for the
 * inventory's.  What the inventory view reads, without its join.
 */
struct resv {
	char *order_id, *node, *sku;	/* sku NULL: no such line */
	int64_t line_no, q;
};

static int
resv_row(void *p, const struct line_reservation *r)
{
	struct page *pg = p;
	struct resv *v;

	if (pg->nresv == pg->cresv) {
		pg->cresv = pg->cresv ? pg->cresv * 2 : 1024;
		pg->resv = xrealloc(pg->resv, pg->cresv * sizeof *pg->resv);
	}
	v = &pg->resv[pg->nresv++];
	v->order_id = xstrdup(r->order_id);
	v->line_no = r->line_no;
	v->node = xstrdup(r->node_id);
	v->q = r->reserved;
	v->sku = NULL;
	return 0;
}

/* Reservation v against line (order_id, line_no): <0, 0, >0. */
static int
resv_cmp_line(const struct resv *v, const char *order_id, int64_t line_no)
{
	int r = strcmp(v->order_id, order_id);

	return r ? r : v->line_no < line_no ? -1 : v->line_no > line_no;
}

/* Reservation v against (node, sku): <0, 0, >0. */
static int
resv_cmp_item(const struct resv *v, const char *node, const char *sku)
{
	int r = strcmp(v->node, node);

	return r ? r : strcmp(v->sku, sku);
}

static int
cmp_resv(const void *a, const void *b)
{
	const struct resv *y = b;

	return resv_cmp_item(a, y->node, y->sku);
}

/* Once the lines are read: drop the reservations of no line, sort the rest. */
static void
resv_sort(struct page *pg)
{
	size_t n = 0;

	for (size_t i = 0; i < pg->nresv; i++)
		if (pg->resv[i].sku != NULL)
			pg->resv[n++] = pg->resv[i];
		else {
			free(pg->resv[i].order_id);
			free(pg->resv[i].node);
		}
	pg->nresv = n;
	if (n > 1)
		qsort(pg->resv, n, sizeof *pg->resv, cmp_resv);
	pg->at_resv = 0;
}

/*
 * Every order line: the skus of the reservations, the backorders by age
 * and the demand history.
 */
static int
line_row(void *p, const struct store_order_line *l)
{
	struct page *pg = p;

	/* both by order_id, line_no */
	while (pg->at_resv < pg->nresv &&
	    resv_cmp_line(&pg->resv[pg->at_resv], l->order_id, l->line_no) < 0)
		pg->at_resv++;
	for (; pg->at_resv < pg->nresv &&
	    resv_cmp_line(&pg->resv[pg->at_resv], l->order_id, l->line_no) == 0; pg->at_resv++)
		if (l->sku != NULL)
			pg->resv[pg->at_resv].sku = xstrdup(l->sku);
	if (l->created_at == NULL)
		return 0;	/* a line without its order */
	if (l->backordered > 0) {
		/* aged as oms-report backorders ages it */
		const char *since = l->backordered_at ? l->backordered_at : l->created_at;
		int64_t age;
		int b;

		/* many begin in one run, at one time */
		if (strncmp(since, pg->since, sizeof pg->since) != 0) {
			snprintf(pg->since, sizeof pg->since, "%s", since);
			pg->since_days = date_days(since);
		}
		age = pg->today - pg->since_days;
		b = age_bucket(age < 0 ? 0 : age);

		pg->age_lines[b]++;
		pg->age_units[b] += l->backordered;
		/* and past the promise, as oms-report backorders counts it */
		if ((age = line_days_past_promise(l->promise_date, pg->today)) > 0) {
			b = age_bucket(age);
			pg->past_lines[b]++;
			pg->past_units[b] += l->backordered;
		} else
			pg->due_lines++;
	}
	eoq_demand_add(pg->demand, l->sku, l->created_at, l->qty - l->cancelled);
	return 0;
}

static int
capacity_row(void *p, const struct node_day_capacity *r)
{
	struct page *pg = p;

	/* a node with no release that day and no limit says nothing */
	if (r->used > 0 || r->capacity >= 0)
		bars_add(&pg->capacity, r->node_id, r->used, r->capacity);
	return 0;
}

/* ATP and on hand per active node: its stock rows, by node and sku. */
static int
inventory_row(void *p, const struct stock_fact *r)
{
	struct page *pg = p;
	const char *node = r->node_id, *sku = r->sku;
	int64_t on_hand = r->on_hand, reserved = 0;
	struct bar *b;

	while (pg->at_resv < pg->nresv && resv_cmp_item(&pg->resv[pg->at_resv], node, sku) < 0)
		pg->at_resv++;
	for (; pg->at_resv < pg->nresv &&
	    resv_cmp_item(&pg->resv[pg->at_resv], node, sku) == 0; pg->at_resv++)
		reserved += pg->resv[pg->at_resv].q;
	if (!r->node_active)
		return 0;	/* an inactive node */
	if (pg->atp.n == 0 || strcmp(pg->atp.v[pg->atp.n - 1].label, node) != 0)
		bars_add(&pg->atp, node, 0, 0);
	b = &pg->atp.v[pg->atp.n - 1];
	b->value += node_atp(on_hand, r->safety_stock, reserved);
	b->limit += on_hand;
	return 0;
}

static int
eoq_row(void *p, const struct eoq_row *r)
{
	struct page *pg = p;

	pg->skus++;
	if (!r->reorder_now)
		return 0;
	if (pg->nlow == pg->caplow) {
		pg->caplow = pg->caplow ? pg->caplow * 2 : 64;
		pg->low = xrealloc(pg->low, pg->caplow * sizeof *pg->low);
		pg->low_sku = xrealloc(pg->low_sku, pg->caplow * sizeof *pg->low_sku);
	}
	pg->low[pg->nlow] = *r;
	pg->low_sku[pg->nlow] = xstrdup(r->sku);
	pg->low[pg->nlow].sku = pg->low_sku[pg->nlow];
	pg->nlow++;
	return 0;
}

/* The most short first: reorder point less the inventory position, then sku. */
static int
cmp_low(const void *a, const void *b)
{
	const struct eoq_row *x = a, *y = b;
	double dx = x->reorder_point - (double)x->position;
	double dy = y->reorder_point - (double)y->position;

	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(x->sku, y->sku);
}

/* The busiest first: share of capacity used (no limit: last), then releases. */
static int
cmp_capacity(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;
	double ux = x->limit > 0 ? (double)x->value / (double)x->limit : x->limit == 0 ? 1e9 : -1;
	double uy = y->limit > 0 ? (double)y->value / (double)y->limit : y->limit == 0 ? 1e9 : -1;

	if (ux != uy)
		return ux > uy ? -1 : 1;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return strcmp(x->label, y->label);
}

static int
cmp_atp(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return strcmp(x->label, y->label);
}

/*
 * The page fits a window 1000 px wide (a mail client's reading pane,
 * say) with nothing cut off: the padding narrows below 1100 px, the
 * headers of the key figures wrap (soft hyphens in their long words),
 * the charts scale down with their viewBox, and a table wider than the
 * page after all that scrolls inside its box rather than off the page.
 */
static const char css[] =
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1d2733;"
    "margin:0;background:#f4f6f8}"
    "main{max-width:1120px;margin:0 auto;padding:24px 32px 48px;background:#fff}"
    "@media (max-width:1100px){main{padding:16px 12px 32px}}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 6px;"
    "border-bottom:2px solid #d8dee4;padding-bottom:4px}"
    "p.note{color:#57606a;font-size:13px;margin:4px 0 10px}"
    "div.table{overflow-x:auto}"
    "table{border-collapse:collapse;font-size:13px;width:100%}"
    "th,td{padding:5px 4px;border-bottom:1px solid #e3e7eb;text-align:right;"
    "white-space:nowrap}"
    "th{background:#eef2f6;font-weight:600;white-space:normal;vertical-align:bottom}th:first-child,td:first-child{text-align:left}"
    "tr.all td{font-weight:700;border-top:2px solid #8c959f}"
    "svg{display:block;margin:6px 0;max-width:100%;height:auto}svg text{font-family:inherit;font-size:12px;"
    "fill:#1d2733}.empty{color:#57606a;font-style:italic}";

/* A number as text with its integer part grouped by thousands: 1,234,567.89 */
static void
grouped(FILE *fp, const char *v)
{
	size_t digits = strspn(v + (*v == '-'), "0123456789");
	const char *p = v;

	if (*p == '-')
		fputc(*p++, fp);
	for (size_t i = 0; i < digits; i++) {
		if (i > 0 && (digits - i) % 3 == 0)
			fputc(',', fp);
		fputc(p[i], fp);
	}
	html_escape(fp, p + digits);
}

static void
kpi_section(FILE *fp, const struct page *pg)
{
	static const char *const heads[KPI_NCOLS] = {
		"Channel", "Orders", "Lines", "Units", "Shipped units", "Order fill",
		"Line fill", "Ship&shy;ments per order", "Ship cost per order", "On time",
		"Back&shy;ordered", "Re&shy;turned", "Revenue", "Refunds", "Appease&shy;ments",
		"Adjust&shy;ments",
	};
	static const int pct[KPI_NCOLS] = { [5] = 1, [6] = 1, [9] = 1, [10] = 1, [11] = 1,
		[13] = 1, [14] = 1, [15] = 1 };

	fputs("<h2>Key figures</h2>\n<p class=\"note\">", fp);
	if (pg->k->from || pg->k->to) {
		fputs("Orders created from ", fp);
		html_escape(fp, pg->k->from ? pg->k->from : "the first order");
		fputs(" to ", fp);
		html_escape(fp, pg->k->to ? pg->k->to : "the last");
	} else
		fputs("Every order in the store", fp);
	for (size_t i = 0; i < pg->k->channels->n; i++) {
		fputs(i == 0 ? pg->k->channels->n > 1 ? ", channels " : ", channel " : ", ", fp);
		html_escape(fp, pg->k->channels->v[i]);
	}
	fputs(". Definitions: oms-report(1).</p>\n<div class=\"table\"><table>\n<tr>", fp);
	for (int k = 0; k < KPI_NCOLS; k++) {
		if (k == 2 || k == 3)
			continue;	/* lines and units: in the CSV view */
		fputs("<th>", fp);
		fputs(heads[k], fp);
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
	for (int i = 0; i < pg->kpi.n; i++) {
		char f[KPI_NCOLS][32];
		const char *v[KPI_NCOLS];

		kpi_format(&pg->kpi.rows[i], f, v);
		fputs(i == pg->kpi.n - 1 ? "<tr class=\"all\">" : "<tr>", fp);
		for (int k = 0; k < KPI_NCOLS; k++) {
			if (k == 2 || k == 3)
				continue;
			fputs("<td>", fp);
			if (k == 0 && i == pg->kpi.n - 1)
				fputs("All channels", fp);
			else if (pct[k] && v[k][0])
				fprintf(fp, "%.1f%%", strtod(v[k], NULL) * 100);
			else if (k > 0 && v[k][0])
				grouped(fp, v[k]);
			else if (v[k][0])
				html_escape(fp, v[k]);
			else
				fputs("\xe2\x80\x93", fp);
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
}

/*
 * Six bars of units (and lines, in their titles) by bucket of days;
 * fills[b] the colour of bar b.
 */
static void
day_bars(FILE *fp, const int64_t *units, const int64_t *lines, const char *const *names,
    const char *const *fills)
{
	const int w = 640, h = 240, top = 24, base = 200, bw = 70, gap = 30, left = 40;
	int64_t max = 0;

	for (int b = 0; b < 6; b++)
		if (units[b] > max)
			max = units[b];
	fprintf(fp, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
	    w, h, w, h);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8c959f\"/>\n",
	    left - 10, base, left + 6 * (bw + gap), base);
	for (int b = 0; b < 6; b++) {
		int x = left + b * (bw + gap);
		int bh = max ? (int)((double)units[b] * (base - top) / (double)max) : 0;

		if (units[b] > 0 && bh < 2)
			bh = 2;
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
		    "<title>%lld %s, %lld %s</title></rect>\n", x, base - bh, bw, bh, fills[b],
		    (long long)units[b], plural(units[b], "unit", "units"),
		    (long long)lines[b], plural(lines[b], "line", "lines"));
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld</text>\n",
		    x + bw / 2, base - bh - 6, (long long)units[b]);
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		    x + bw / 2, base + 18, names[b]);
	}
	fputs("</svg>\n", fp);
}

/*
 * The backorders: by the age of their backorder, then those past their
 * promise date by how far past it (the age_days and days_past_promise of
 * oms-report backorders).
 */
static void
age_section(FILE *fp, const struct page *pg)
{
	static const char *const age_fills[6] = { "#4c9be8", "#4c9be8", "#d4a72c", "#d4a72c",
		"#cf222e", "#cf222e" };
	static const char *const past_fills[6] = { "#d4a72c", "#d4a72c", "#cf222e", "#cf222e",
		"#cf222e", "#cf222e" };
	int64_t lines = 0, past = 0;

	for (int b = 0; b < 6; b++) {
		lines += pg->age_lines[b];
		past += pg->past_lines[b];
	}
	fputs("<h2>Backorders by age</h2>\n<p class=\"note\">Units backordered now, by the "
	    "age of their backorder on ", fp);
	html_escape(fp, pg->e->today);
	fprintf(fp, " (%lld %s).</p>\n", (long long)lines, plural(lines, "line", "lines"));
	if (lines == 0) {
		fputs("<p class=\"empty\">No backorders.</p>\n", fp);
		return;
	}
	day_bars(fp, pg->age_units, pg->age_lines, age_names, age_fills);
	fprintf(fp, "<p class=\"note\">Of them, past the date promised to the customer, by "
	    "days past it (%lld %s; %lld more %s no promise date or %s not yet due).</p>\n",
	    (long long)past, plural(past, "line", "lines"), (long long)pg->due_lines,
	    plural(pg->due_lines, "has", "have"), plural(pg->due_lines, "is", "are"));
	if (past == 0) {
		fputs("<p class=\"empty\">None past its promise date.</p>\n", fp);
		return;
	}
	day_bars(fp, pg->past_units, pg->past_lines, past_names, past_fills);
}

/*
 * Horizontal bars, one per node: value filled, limit (when >= 0) as the
 * grey track behind it; the caption to the right.
 */
static void
hbars(FILE *fp, const struct bars *b, int capacity)
{
	const int label_w = 190, track = 560, row = 24, w = 1050;
	size_t n = b->n < MAX_BARS ? b->n : MAX_BARS;
	int64_t max = 1;

	/*
	 * Capacity: each node against its own limit (a full track is 100%),
	 * nodes without one against the busiest node.  Stock: one scale.
	 */
	for (size_t i = 0; i < n; i++) {
		if (b->v[i].value > max)
			max = b->v[i].value;
		if (!capacity && b->v[i].limit > max)
			max = b->v[i].limit;
	}
	fprintf(fp, "<svg width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\" role=\"img\">\n",
	    w, n * row + 8, w, n * row + 8);
	for (size_t i = 0; i < n; i++) {
		const struct bar *r = &b->v[i];
		int y = (int)i * row + 4;
		int64_t scale = capacity && r->limit > 0 ? r->limit : max;
		int vw = (int)((double)(r->value < scale ? r->value : scale) * track / (double)scale);
		int lw = r->limit < 0 ? 0 : capacity ? track :
		    (int)((double)r->limit * track / (double)max);
		const char *fill = "#4c9be8";

		if (capacity && r->limit >= 0 && r->value >= r->limit)
			fill = "#cf222e";
		else if (capacity && r->limit > 0 && r->value * 10 >= r->limit * 9)
			fill = "#d4a72c";
		if (r->value > 0 && vw < 2)
			vw = 2;
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 8, y + 15);
		escape_cut(fp, r->label, 26);
		fputs("<title>", fp);
		html_escape(fp, r->label);
		fputs("</title></text>\n", fp);
		if (r->limit >= 0)
			fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" "
			    "fill=\"#e3e7eb\"/>\n", label_w, y + 2, lw);
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"/>\n",
		    label_w, y + 2, vw, fill);
		fprintf(fp, "<text x=\"%d\" y=\"%d\">", label_w + track + 10, y + 15);
		if (capacity && r->limit >= 0)
			fprintf(fp, "%lld of %lld %s (%.0f%%)", (long long)r->value,
			    (long long)r->limit, plural(r->limit, "release", "releases"),
			    r->limit > 0 ? 100.0 * (double)r->value /
			    (double)r->limit : 100.0);
		else if (capacity)
			fprintf(fp, "%lld %s (no limit)", (long long)r->value,
			    plural(r->value, "release", "releases"));
		else
			fprintf(fp, "%lld available of %lld on hand", (long long)r->value,
			    (long long)r->limit);
		fputs("</text>\n", fp);
	}
	fputs("</svg>\n", fp);
	if (b->n > n)
		fprintf(fp, "<p class=\"note\">%zu more %s not shown.</p>\n", b->n - n,
		    plural((int64_t)(b->n - n), "node", "nodes"));
}

static void
capacity_section(FILE *fp, struct page *pg)
{
	fputs("<h2>Releases against capacity</h2>\n", fp);
	if (pg->day[0] == '\0') {
		fputs("<p class=\"empty\">Nothing released yet.</p>\n", fp);
		return;
	}
	fputs("<p class=\"note\">Releases per node on business day ", fp);
	html_escape(fp, pg->day);
	fputs(" (the latest with releases) against its daily capacity (the grey track "
	    "is 100%); the fullest first.  Red: full, amber: 90% or more; nodes without a "
	    "limit are drawn against the busiest node.</p>\n", fp);
	if (pg->capacity.n == 0) {
		fputs("<p class=\"empty\">No node.</p>\n", fp);
		return;
	}
	qsort(pg->capacity.v, pg->capacity.n, sizeof *pg->capacity.v, cmp_capacity);
	hbars(fp, &pg->capacity, 1);
}

static void
inventory_section(FILE *fp, struct page *pg)
{
	fputs("<h2>Inventory health</h2>\n<p class=\"note\">Available to promise per active "
	    "node (blue) within its on-hand stock (grey), the most available first.</p>\n", fp);
	if (pg->atp.n == 0)
		fputs("<p class=\"empty\">No inventory.</p>\n", fp);
	else {
		qsort(pg->atp.v, pg->atp.n, sizeof *pg->atp.v, cmp_atp);
		hbars(fp, &pg->atp, 0);
	}
	fprintf(fp, "<h2>At or below the reorder point</h2>\n<p class=\"note\">%zu of %lld "
	    "active %s %s network on-hand stock at or below their reorder point "
	    "(%d %s of demand, service level %.3g, smoothing factor %.3g; incoming stock "
	    "is not tracked)", pg->nlow, (long long)pg->skus, plural(pg->skus, "sku", "skus"),
	    plural((int64_t)pg->nlow, "has", "have"), pg->e->days,
	    plural(pg->e->days, "day", "days"), pg->e->service, pg->e->alpha);
	if (pg->nlow > MAX_SKUS)
		fprintf(fp, "; the %d furthest below are shown", MAX_SKUS);
	fputs(".</p>\n", fp);
	if (pg->nlow == 0)
		return;
	qsort(pg->low, pg->nlow, sizeof *pg->low, cmp_low);
	fputs("<div class=\"table\"><table>\n<tr><th>SKU</th><th>On hand</th><th>Reorder point</th>"
	    "<th>Safety stock</th><th>Lead time (days)</th><th>Daily forecast</th>"
	    "<th>EOQ</th></tr>\n", fp);
	for (size_t i = 0; i < pg->nlow && i < MAX_SKUS; i++) {
		const struct eoq_row *r = &pg->low[i];
		char lt[32];

		real_format(r->lead_time_days, lt);
		fputs("<tr><td>", fp);
		html_escape(fp, r->sku);
		fprintf(fp, "</td><td>%lld</td><td>%.1f</td><td>%.1f</td><td>%s</td><td>%.2f</td>",
		    (long long)r->on_hand, r->reorder_point, r->safety_stock, lt, r->forecast_daily);
		if (r->eoq == r->eoq)
			fprintf(fp, "<td>%.0f</td></tr>\n", r->eoq);
		else
			fputs("<td>\xe2\x80\x93</td></tr>\n", fp);
	}
	fputs("</table></div>\n", fp);
}

static void
page_release(struct page *pg)
{
	kpi_table_release(&pg->kpi);
	bars_release(&pg->capacity);
	bars_release(&pg->atp);
	for (size_t i = 0; i < pg->nlow; i++)
		free(pg->low_sku[i]);
	free(pg->low_sku);
	free(pg->low);
	eoq_demand_free(pg->demand);
	for (size_t i = 0; i < pg->nresv; i++) {
		free(pg->resv[i].order_id);
		free(pg->resv[i].node);
		free(pg->resv[i].sku);
	}
	free(pg->resv);
}

/*
 * All the page needs but the KPIs: the reservations, every line (for the
 * backorders by age, the demand history and the reservations' skus), the
 * releases against capacity, the inventory and the items.  0, or -1
 * after a diagnostic.
 */
static int
page_side(struct store *st, struct page *pg)
{
	if (store_reserved_work(st, resv_row, pg) != 0 ||
	    store_lines_dated(st, line_row, pg) != 0 ||
	    store_release_last_day(st, pg->day) != 0 ||
	    (pg->day[0] && store_release_capacity(st, pg->day, capacity_row, pg) != 0))
		return -1;
	resv_sort(pg);
	if (store_inventory_rows(st, inventory_row, pg) != 0 ||
	    eoq_demand_items(st, pg->demand, eoq_row, pg) != 0)
		return -1;
	return 0;
}

struct side {
	struct store *st;
	struct page *pg;
};

static int
side_run(void *p)
{
	struct side *sd = p;

	return page_side(sd->st, sd->pg);
}

int
html_report(struct store *st, const struct kpi_opts *k, const struct eoq_opts *e, FILE *fp)
{
	struct page pg;
	struct side sd;
	struct store *other = NULL;
	struct workers ws;
	char now[21];
	int status, r;

	memset(&pg, 0, sizeof pg);
	pg.k = k;
	pg.e = e;
	pg.today = date_days(e->today);
	pg.demand = eoq_demand_new(e);
	/*
	 * The KPIs here, the rest in a thread on a second connection that
	 * sees the same snapshot (store_read_together): two halves of about
	 * the same work.  When the store keeps changing, or the thread
	 * cannot start, one after the other.
	 */
	if ((status = store_read_together(st, &other, 1)) != 0) {
		page_release(&pg);
		return status;
	}
	sd.st = other;
	sd.pg = &pg;
	workers_init(&ws);
	if (other != NULL && workers_start(&ws, side_run, &sd) == 0) {
		r = kpi_compute(st, k->from, k->to, k->channels, &pg.kpi);
		if (workers_join(&ws) != 0) {
			store_status_from(st, other);
			r = -1;
		}
	} else {
		r = kpi_compute(st, k->from, k->to, k->channels, &pg.kpi) != 0 ||
		    page_side(st, &pg) != 0 ? -1 : 0;
	}
	workers_release(&ws);
	store_close(other);
	if (r != 0)
		goto fail;
	now_iso(now);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>oms report ", fp);
	html_escape(fp, e->today);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n"
	    "<h1>Operations report</h1>\n<p class=\"note\">Day ", css);
	html_escape(fp, e->today);
	fprintf(fp, ", written %s by oms-report.</p>\n", now);
	kpi_section(fp, &pg);
	age_section(fp, &pg);
	capacity_section(fp, &pg);
	inventory_section(fp, &pg);
	fputs("</main>\n</body>\n</html>\n", fp);
	page_release(&pg);
	return 0;
fail:
	page_release(&pg);
	return store_status(st);
}
