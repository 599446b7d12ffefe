/*
 * report: the table of oms-report's views and the dispatch by it; the
 * reading of a long view in two threads (report_walk, events); the
 * events view and its --follow, the run log.  The other views are in
 * report-stock.c, report-orders.c, report-check.c and report-node.c
 * (report-int.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "eoq.h"
#include "html.h"
#include "kpi.h"
#include "output.h"
#include "parse.h"
#include "report-int.h"
#include "store-views.h"
#include "store-scan.h"

void
report_opts_release(struct report_opts *o)
{
	strv_release(&o->node);
	strv_release(&o->sku);
	strv_release(&o->order);
	strv_release(&o->status);
	strv_release(&o->type);
	strv_release(&o->channel);
}

/*
 * How many seqs of the event log are "long": events reads a longer feed
 * in two threads, that many seqs at a time.  OMS_EVENT_CHUNK sets it, in
 * the test build only (OMS_TEST_HOOKS).
 */
static int64_t
event_chunk(void)
{
#ifdef OMS_TEST_HOOKS
	const char *env = getenv("OMS_EVENT_CHUNK");

	if (env != NULL && num(env) > 0)
		return num(env);
#endif
	return 65536;
}

/*
 * How many orders the lines and orders views of a large store read at a
 * time (see report_walk).  OMS_VIEW_CHUNK sets it, in the test build only.
 */
static int64_t
view_chunk(void)
{
#ifdef OMS_TEST_HOOKS
	const char *env = getenv("OMS_VIEW_CHUNK");

	if (env != NULL && num(env) > 0)
		return num(env);
#endif
	return 4096;
}

/* --- a long view in two threads ---------------------------------------- */

struct feed_worker {
	struct feed *f;
	struct view_ctx c;		/* its connection, and a writer that keeps its rows */
	int64_t first;		/* its chunks: first, first + FEED_WORKERS, ... */
	int status;
};

static void
feed_init(struct feed *f, struct view_ctx *c, int (*fill)(struct feed *, struct view_ctx *, int64_t))
{
	memset(f, 0, sizeof *f);
	f->c = c;
	f->fill = fill;
}

static void
feed_release(struct feed *f)
{
	int i;

	for (i = 0; i < FEED_SLOTS; i++)
		buf_release(&f->slot[i].rows);
}

static int
feed_work(void *p)
{
	struct feed_worker *wk = p;
	struct feed *f = wk->f;
	struct view_ctx *wc = &wk->c;
	int64_t k;

	for (k = wk->first; k < f->nchunks; k += FEED_WORKERS) {
		struct feed_slot *sl = &f->slot[k % FEED_SLOTS];
		int r;

		pthread_mutex_lock(&f->ws.mu);
		while (sl->ready && !f->ws.stop)
			pthread_cond_wait(&f->ws.cv, &f->ws.mu);
		pthread_mutex_unlock(&f->ws.mu);
		if (f->ws.stop)
			break;
		/* the slot is this thread's until it is marked ready */
		wc->w.line = sl->rows;
		wc->w.line.len = 0;
		r = f->fill(f, wc, k);
		sl->rows = wc->w.line;
		memset(&wc->w.line, 0, sizeof wc->w.line);
		pthread_mutex_lock(&f->ws.mu);
		if (r != 0) {
			wk->status = store_status(wc->st);
			f->ws.stop = 1;
		} else {
			sl->k = k;
			sl->ready = 1;
		}
		pthread_cond_broadcast(&f->ws.cv);
		pthread_mutex_unlock(&f->ws.mu);
		if (r != 0)
			break;
	}
	return wk->status;
}

/*
 * The view's chunks in order, read by workers on the connections st[]
 * (FEED_WORKERS of them, the caller's to close) and written here to the
 * view's writer, which has begun (the CSV header).  0, or the status to
 * exit with.
 */
static int
feed_run(struct feed *f, struct store **st)
{
	struct view_ctx *c = f->c;
	struct feed_worker wk[FEED_WORKERS];
	int i, r, status = 0;
	long rows = c->w.rows;
	int64_t k;

	workers_init(&f->ws);
	for (i = 0; i < FEED_WORKERS; i++) {
		memset(&wk[i], 0, sizeof wk[i]);
		wk[i].f = f;
		wk[i].first = i;
		wk[i].c.st = st[i];
		wk[i].c.o = c->o;
		wk[i].c.cols = c->cols;
		wk[i].c.ncols = c->ncols;
		wk[i].c.started = 1;
		/* no FILE: its rows stay in its writer's line, JSON's each after ",\n" */
		writer_init(&wk[i].c.w, NULL, c->o->format, c->cols, c->ncols);
		wk[i].c.w.safe_csv = c->o->safe_csv;
	}
	for (i = 0; i < FEED_WORKERS; i++) {
		if (workers_start(&f->ws, feed_work, &wk[i]) != 0) {
			diag_error("cannot start a thread: %s", strerror(errno));
			status = EX_SOFTWARE;
			break;
		}
	}
	for (k = 0; status == 0 && k < f->nchunks; k++) {
		struct feed_slot *sl = &f->slot[k % FEED_SLOTS];
		const char *text;
		size_t len;

		pthread_mutex_lock(&f->ws.mu);
		while (!(sl->ready && sl->k == k) && !f->ws.stop)
			pthread_cond_wait(&f->ws.cv, &f->ws.mu);
		pthread_mutex_unlock(&f->ws.mu);
		if (f->ws.stop)
			break;
		text = sl->rows.s, len = sl->rows.len;
		/* JSON: the workers begin every row with ",\n"; the array's first, "[\n" */
		if (len > 0 && c->o->format == OUTFMT_JSON && rows == 0)
			fputs("[\n", c->fp), text += 2, len -= 2;
		if (len > 0) {	/* an empty chunk has no buffer at all */
			fwrite(text, 1, len, c->fp);
			rows++;	/* some: the count matters only to JSON's array */
		}
		pthread_mutex_lock(&f->ws.mu);
		sl->ready = 0;
		if (ferror(c->fp))
			f->ws.stop = 1;	/* outfile_close says why */
		pthread_cond_broadcast(&f->ws.cv);
		pthread_mutex_unlock(&f->ws.mu);
	}
	workers_stop(&f->ws);
	if ((r = workers_join(&f->ws)) != 0 && status == 0)
		status = r;
	for (i = 0; i < FEED_WORKERS; i++) {
		buf_release(&wk[i].c.nodes);
		writer_finish(&wk[i].c.w);
	}
	workers_release(&f->ws);
	c->w.rows = rows;	/* writer_finish closes the array */
	return status;
}

/*
 * The lines and orders views read every line of the store.  A large
 * store's (of more than view_chunk() orders) are read in ranges of that
 * many orders by two threads (feed_run), on connections that see this
 * one's snapshot (store_read_together); a small store's here, as are
 * all when the store kept changing while those began.  fill: one range.
 */
int
report_walk(struct view_ctx *c, const struct view_filter *vf,
    int (*fill)(struct feed *, struct view_ctx *, int64_t))
{
	static char *whole[2];	/* one range: every order */
	struct feed f;
	struct store *w[FEED_WORKERS] = { NULL };
	struct strv orders = STRV_INIT;
	char **ids = NULL;
	size_t n = 0, i;
	int status = 0;

	feed_init(&f, c, fill);
	f.filter = vf;
	f.keys = whole;
	f.nchunks = 1;
	/* --order: those orders, one after the other in key order, here */
	for (i = 0; i < c->o->order.n; i++)
		strv_push(&orders, c->o->order.v[i]);
	strv_sort_unique(&orders);
	f.orders = &orders;
	if (orders.n == 0 && store_order_sample(c->st, view_chunk(), &ids, &n) != 0) {
		strv_release(&orders);
		return store_status(c->st);
	}
	if (n > 1 && (status = store_read_together(c->st, w, FEED_WORKERS)) != 0)
		goto out;
	if (w[0] == NULL) {
		status = fill(&f, c, 0);
		goto out;
	}
	/* range k from the (k * chunk)th order, the first from any */
	f.keys = xcalloc(n + 1, sizeof *f.keys);
	for (i = 1; i < n; i++)
		f.keys[i] = ids[i];
	f.nchunks = (int64_t)n;
	writer_init(&c->w, c->fp, c->o->format, c->cols, c->ncols);	/* the CSV header */
	c->w.safe_csv = c->o->safe_csv;
	c->started = 1;
	status = feed_run(&f, w);
	free(f.keys);
out:
	for (i = 0; i < FEED_WORKERS; i++)
		store_close(w[i]);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	feed_release(&f);
	strv_release(&orders);
	return status;
}

/* --- dates -------------------------------------------------------------- */

int
report_date_valid(const char *s)
{
	char t[21];

	return strlen(s) == 10 && parse_time(s, t) == PARSE_OK;
}

/* The day after date (NULL for NULL), to compare times with "before". */
static const char *
day_after(const char *date, char out[11])
{
	return date ? days_date(date_days(date) + 1, out) : NULL;
}

/* --- events --follow ---------------------------------------------------- */

static const struct outcol event_cols[5];

struct follow {
	struct view_ctx *c;
	int64_t last;		/* the last seq written */
	int failed;		/* a write failed */
};

/* An event to the stream, flushed; seq an integer, as the events view writes it. */
static int
follow_row(void *p, struct store_event_row *e)
{
	struct follow *f = p;
	int64_t ints[5] = { e->seq };

	e->v[0] = writer_int;
	writer_row_lens(&f->c->w, e->v, e->len, ints);
	f->last = e->seq;
	if (fflush(f->c->fp) != 0 || ferror(f->c->fp)) {
		f->failed = 1;
		return 1;
	}
	return 0;
}

/* Wait interval_ms; 1 when fp is a pipe whose reader went away. */
static int
follow_wait(FILE *fp, int interval_ms)
{
	struct pollfd pfd = { .fd = fileno(fp), .events = 0 };

	if (poll(&pfd, 1, interval_ms) > 0 && (pfd.revents & (POLLERR | POLLHUP)))
		return 1;
	return 0;
}

int
report_follow(struct store *st, const struct report_opts *o, FILE *fp, int interval_ms,
    volatile sig_atomic_t *stop, int *gone)
{
	struct view_ctx c;
	struct follow f;
	int64_t high;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.o = o;
	c.fp = fp;
	c.cols = event_cols;
	c.ncols = 5;
	f.c = &c;
	f.last = num(o->since);
	f.failed = 0;
	*gone = 0;
	/* the header (CSV) at once: a reader knows the columns before any event */
	writer_init(&c.w, fp, o->format, c.cols, c.ncols);
	c.w.safe_csv = o->safe_csv;
	c.started = 1;
	fflush(fp);
	while (!*stop) {
		/* what is there now; with --type, events of other types are passed once */
		if ((high = store_event_last(st)) < 0)
			break;
		if (store_events_range(st, f.last, high, &o->type, follow_row, &f) != 0)
			break;
		if (f.failed || ferror(fp)) {
			*gone = errno == EPIPE;
			break;
		}
		if (high > f.last)
			f.last = high;
		if (follow_wait(fp, interval_ms)) {
			*gone = 1;
			break;
		}
	}
	writer_finish(&c.w);
	if (*stop || *gone)
		return 0;
	if (f.failed || ferror(fp)) {
		diag_error("write error on standard output: %s", strerror(errno));
		return EX_IOERR;
	}
	return store_status(st);
}

/* --- events, runs ------------------------------------------------------ */

static const struct outcol event_cols[5] = {
	{ "seq", COL_NUM }, { "at", COL_TEXT }, { "order_id", COL_TEXT },
	{ "type", COL_TEXT }, { "payload", COL_RAWJSON },
};

static const struct outcol run_cols[] = {
	{ "run_id", COL_NUM }, { "command", COL_TEXT }, { "argv", COL_TEXT },
	{ "user", COL_TEXT }, { "started_at", COL_TEXT }, { "ended_at", COL_TEXT },
	{ "exit_status", COL_NUM }, { "counts", COL_RAWJSON },
};

static int
run_row(void *p, const struct run_row *r)
{
	const char *v[8] = { r->run_id, r->command, r->argv, r->user, r->started_at,
		r->ended_at, r->exit_status, r->counts };

	row(p, v);
	return 0;
}

/* An event to a writer: its own lengths, and seq an integer, not text. */
static int
event_row(void *p, struct store_event_row *e)
{
	int64_t ints[5] = { e->seq };

	e->v[0] = writer_int;
	writer_row_lens(p, e->v, e->len, ints);
	return 0;
}

/* Events since..last, chunk at a time: chunk k's to wc's writer. */
static int
event_fill(struct feed *f, struct view_ctx *wc, int64_t k)
{
	int64_t after = f->since + k * f->chunk;
	int64_t upto = f->last - after > f->chunk ? after + f->chunk : f->last;

	return store_events_range(wc->st, after, upto, &wc->o->type, event_row, &wc->w);
}

/*
 * events: the feed after --since, of --type.  The whole feed (events from
 * an old --since) is millions of rows on a large store: it is read in
 * chunks of event_chunk() seqs by two threads (feed_run), each on a
 * connection of its own.  The log is only appended to, in seq order, so
 * every connection sees the same events up to the last seq this one saw
 * when the view began.
 */
static int
report_events(struct view_ctx *c)
{
	struct feed f;
	struct store *w[FEED_WORKERS];
	int64_t last;
	int status = 0, i, n;

	c->cols = event_cols;
	c->ncols = 5;
	feed_init(&f, c, event_fill);
	f.since = num(c->o->since ? c->o->since : "0");
	f.chunk = event_chunk();
	if ((last = store_event_last(c->st)) < 0)
		return store_status(c->st);
	writer_init(&c->w, c->fp, c->o->format, c->cols, c->ncols);	/* the CSV header */
	c->w.safe_csv = c->o->safe_csv;
	c->started = 1;
	f.last = last;
	f.nchunks = last > f.since ? (last - f.since + f.chunk - 1) / f.chunk : 0;
	if (f.nchunks <= 1) {	/* a few events: this thread alone */
		status = f.nchunks ? event_fill(&f, c, 0) : 0;
		feed_release(&f);
		return status ? store_status(c->st) : 0;
	}
	for (n = 0; n < FEED_WORKERS; n++) {
		if ((status = store_open_again(c->st, &w[n])) != 0)
			break;
		store_scan_begin(w[n]);
	}
	if (status == 0)
		status = feed_run(&f, w);
	for (i = 0; i < n; i++)
		store_close(w[i]);
	feed_release(&f);
	return status;
}

/* --- the views --------------------------------------------------------- */

/* kpi, eoq and the page write their own output, with options of their own. */
static int
write_kpi(struct store *st, const struct report_opts *o, FILE *fp)
{
	struct kpi_opts k = { o->from, o->to, &o->channel };

	return kpi_report(st, &k, o->format, o->safe_csv, fp);
}

static int
write_eoq(struct store *st, const struct report_opts *o, FILE *fp)
{
	struct eoq_opts e = { o->today, o->days, o->service, o->alpha, &o->sku };

	return eoq_report(st, &e, o->format, o->safe_csv, fp);
}

static int
write_html(struct store *st, const struct report_opts *o, FILE *fp)
{
	struct kpi_opts k = { o->from, o->to, &o->channel };
	struct eoq_opts e = { o->today, o->days, o->service, o->alpha, &o->sku };

	return html_report(st, &k, &e, fp);
}

/* A failed events view still ends its table (the CSV header is out). */
static int
rows_events(struct view_ctx *c, const struct view_filter *f)
{
	int r;

	(void)f;
	if ((r = report_events(c)) != 0 && c->started) {
		writer_finish(&c->w);
		c->started = 0;
	}
	return r;
}

static int
rows_runs(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = run_cols;
	c->ncols = 8;
	return store_runs_view(c->st, f, run_row, c);
}

#define EOQ_OPTIONS (RO_ALPHA | RO_DAYS | RO_SERVICE | RO_SKU | RO_TODAY)

/*
 * The views and the options each takes: the one place that says so.
 * oms-report(1) (each view's synopsis) and oms-report's usage() say the
 * same.  A view that an option makes another (inventory --by sku, the
 * network totals, which are of every node; kpi --format html, the page,
 * which also shows the eoq view's figures) follows the plain one.
 */
const struct report_view report_views[] = {
	{ "inventory", RV_PLAIN, "", RO_BY | RO_NODE | RO_SKU, report_inventory, NULL },
	{ "inventory", RV_BY_SKU, " --by sku", RO_BY | RO_SKU, report_inventory, NULL },
	{ "orders", RV_PLAIN, "", RO_CHANNEL | RO_FROM | RO_NODE | RO_STATUS | RO_TO,
	    report_orders, NULL },
	{ "lines", RV_PLAIN, "", RO_CHANNEL | RO_FROM | RO_NODE | RO_ORDER | RO_SKU |
	    RO_STATUS | RO_TO, report_lines, NULL },
	{ "backorders", RV_PLAIN, "", RO_CHANNEL | RO_FROM | RO_SKU | RO_TO | RO_TODAY,
	    report_backorders, NULL },
	{ "releases", RV_PLAIN, "", RO_FROM | RO_NODE | RO_TO, report_releases, NULL },
	{ "picklist", RV_PLAIN, "", RO_NODE, report_picklist, NULL },
	{ "collections", RV_PLAIN, "", RO_NODE | RO_TODAY, report_collections, NULL },
	{ "check", RV_PLAIN, "", RO_DEEP, report_check, NULL },
	{ "events", RV_PLAIN, "", RO_FOLLOW | RO_INTERVAL | RO_SINCE | RO_TYPE, rows_events,
	    NULL },
	{ "runs", RV_PLAIN, "", RO_FROM | RO_TO, rows_runs, NULL },
	{ "kpi", RV_PLAIN, "", RO_CHANNEL | RO_FROM | RO_TO, NULL, write_kpi },
	{ "kpi", RV_HTML, " --format html", RO_CHANNEL | RO_FROM | RO_TO | EOQ_OPTIONS, NULL,
	    write_html },
	{ "eoq", RV_PLAIN, "", EOQ_OPTIONS, NULL, write_eoq },
	{ "alerts", RV_PLAIN, "", RO_NODE | RO_TODAY, report_alerts, NULL },
	{ "rules", RV_PLAIN, "", RO_VERSION, report_rules, NULL },
	{ "groups", RV_PLAIN, "", RO_VERSION, report_groups, NULL },
};

const size_t report_nviews = sizeof report_views / sizeof *report_views;

const struct report_view *
report_view_find(const char *name, int by_sku, int html)
{
	const struct report_view *plain = NULL;

	for (size_t i = 0; i < report_nviews; i++) {
		const struct report_view *v = &report_views[i];

		if (strcmp(v->name, name) != 0)
			continue;
		if ((v->variant == RV_BY_SKU && by_sku) || (v->variant == RV_HTML && html))
			return v;
		if (v->variant == RV_PLAIN)
			plain = v;
	}
	return plain;
}

/* One view, in the read transaction report_run began. */
static int
report_view(struct store *st, const struct report_view *v, const struct report_opts *o,
    FILE *fp)
{
	struct view_filter f;
	struct view_ctx c;
	char to_before[11];
	int r;

	if (v->write != NULL)
		return v->write(st, o, fp);
	memset(&c, 0, sizeof c);
	c.st = st;
	c.o = o;
	c.fp = fp;
	memset(&f, 0, sizeof f);
	f.channel = &o->channel;
	f.node = &o->node;
	f.sku = &o->sku;
	f.from = o->from;
	f.to = o->to;
	f.to_before = day_after(o->to, to_before);
	r = v->rows(&c, &f);
	buf_release(&c.nodes);
	if (r != 0)	/* a status of its own (a second connection's), or -1 */
		return r > 0 ? r : store_status(st);
	if (!c.started) {
		/* an empty table still has its header (CSV) or [] (JSON) */
		writer_init(&c.w, fp, o->format, c.cols, c.ncols);
		c.started = 1;
	}
	if (c.started)
		writer_finish(&c.w);
	return c.violations ? EX_VIOLATION : 0;
}

/*
 * Every view reads one snapshot of the store: a writer that commits
 * while it runs changes nothing it reports (events --follow, which must
 * see the new events, is report_follow, outside any transaction).
 */
int
report_run(struct store *st, const struct report_view *v, const struct report_opts *o,
    FILE *fp)
{
	int r;

	/* every view reads much of the store: mapped, its pages are not copied */
	store_scan_begin(st);
	if (store_read_begin(st) != 0)
		return store_status(st);
	r = report_view(st, v, o, fp);
	store_read_end(st);
	return r;
}
