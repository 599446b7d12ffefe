#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "diag.h"
#include "eoq.h"
#include "html.h"
#include "kpi.h"
#include "output.h"
#include "parse.h"
#include "report.h"

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

static int64_t
num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

struct view_ctx {
	struct store *st;
	const struct report_opts *o;
	struct writer w;
	FILE *fp;
	const struct outcol *cols;
	int ncols;
	int started;
	long violations;
	struct buf nodes;	/* scratch: a line's nodes */
};

/* Start the table on its first row. */
static void
row_ints(struct view_ctx *c, const char *const *vals, const int64_t *ints)
{
	if (!c->started) {
		writer_init(&c->w, c->fp, c->o->format, c->cols, c->ncols);
		c->w.safe_csv = c->o->safe_csv;
		c->started = 1;
	}
	writer_row_ints(&c->w, vals, ints);
}

static void
row(struct view_ctx *c, const char *const *vals)
{
	row_ints(c, vals, NULL);
}

/*
 * How many seqs of the event log are "long": events reads a longer feed
 * in two threads, that many seqs at a time.  OMS_EVENT_CHUNK sets it, for
 * tests.
 */
static int64_t
event_chunk(void)
{
	const char *env = getenv("OMS_EVENT_CHUNK");

	return env != NULL && num(env) > 0 ? num(env) : 65536;
}

/*
 * How many orders the lines and orders views of a large store read at a
 * time (see report_walk).  OMS_VIEW_CHUNK sets it, for tests.
 */
static int64_t
view_chunk(void)
{
	const char *env = getenv("OMS_VIEW_CHUNK");

	return env != NULL && num(env) > 0 ? num(env) : 4096;
}

/* --- a long view in two threads ---------------------------------------- */

/*
 * A view of millions of rows: two threads read it, each on a connection
 * of its own, chunk by chunk (their chunks alternate: chunk k is worker
 * k % FEED_WORKERS's), and format each chunk's rows in memory; this
 * thread writes the chunks out in order, so a few chunks' rows are held
 * at a time.  A chunk is a range of seqs (events) or of order ids (lines,
 * orders), its rows in the view's order.
 */
#define FEED_WORKERS 2
#define FEED_SLOTS (2 * FEED_WORKERS)	/* chunk k goes through slot k % FEED_SLOTS */

struct feed {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct view_ctx *c;		/* the view's */
	/* chunk k's rows to wc->w (wc->st the worker's); 0, or -1: see wc->st */
	int (*fill)(struct feed *f, struct view_ctx *wc, int64_t k);
	int64_t nchunks;
	int64_t since, last, chunk;	/* events: the seqs after since up to last, chunk a time */
	const struct view_filter *filter;	/* lines, orders: the view's, and */
	const struct strv *orders;	/* lines: the --order filter, sorted */
	char **keys;		/* chunk k: order ids from keys[k] below keys[k + 1] (NULL: no bound) */
	int stop;		/* a worker failed, or the output did */
	struct feed_slot {
		int64_t k;	/* the chunk it holds, when ready */
		int ready;
		struct buf rows;
	} slot[FEED_SLOTS];
};

struct feed_worker {
	struct feed *f;
	struct view_ctx c;		/* its connection, and a writer that keeps its rows */
	int64_t first;		/* its chunks: first, first + FEED_WORKERS, ... */
	int status;
	pthread_t t;
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

static void *
feed_work(void *p)
{
	struct feed_worker *wk = p;
	struct feed *f = wk->f;
	struct view_ctx *wc = &wk->c;
	int64_t k;

	for (k = wk->first; k < f->nchunks; k += FEED_WORKERS) {
		struct feed_slot *sl = &f->slot[k % FEED_SLOTS];
		int r;

		pthread_mutex_lock(&f->mu);
		while (sl->ready && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		pthread_mutex_unlock(&f->mu);
		if (f->stop)
			break;
		/* the slot is this thread's until it is marked ready */
		wc->w.line = sl->rows;
		wc->w.line.len = 0;
		r = f->fill(f, wc, k);
		sl->rows = wc->w.line;
		memset(&wc->w.line, 0, sizeof wc->w.line);
		pthread_mutex_lock(&f->mu);
		if (r != 0) {
			wk->status = store_status(wc->st);
			f->stop = 1;
		} else {
			sl->k = k;
			sl->ready = 1;
		}
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (r != 0)
			break;
	}
	return NULL;
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
	int i, n = 0, status = 0;
	long rows = c->w.rows;
	int64_t k;

	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
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
		if (pthread_create(&wk[i].t, NULL, feed_work, &wk[i]) != 0) {
			diag_error("cannot start a thread: %s", strerror(errno));
			status = EX_SOFTWARE;
			break;
		}
		n++;
	}
	for (k = 0; status == 0 && k < f->nchunks; k++) {
		struct feed_slot *sl = &f->slot[k % FEED_SLOTS];
		const char *text;
		size_t len;

		pthread_mutex_lock(&f->mu);
		while (!(sl->ready && sl->k == k) && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		pthread_mutex_unlock(&f->mu);
		if (f->stop)
			break;
		text = sl->rows.s, len = sl->rows.len;
		/* JSON: the workers begin every row with ",\n"; the array's first, "[\n" */
		if (len > 0 && c->o->format == OUTFMT_JSON && rows == 0)
			fputs("[\n", c->fp), text += 2, len -= 2;
		if (len > 0) {	/* an empty chunk has no buffer at all */
			fwrite(text, 1, len, c->fp);
			rows++;	/* some: the count matters only to JSON's array */
		}
		pthread_mutex_lock(&f->mu);
		sl->ready = 0;
		if (ferror(c->fp))
			f->stop = 1;	/* outfile_close says why */
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
	}
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	for (i = 0; i < FEED_WORKERS; i++) {
		if (i < n) {
			pthread_join(wk[i].t, NULL);
			if (status == 0)
				status = wk[i].status;
		}
		buf_release(&wk[i].c.nodes);
		writer_finish(&wk[i].c.w);
	}
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
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
static int
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

/* --- inventory -------------------------------------------------------- */

static const struct outcol inv_cols[] = {
	{ "node_id", COL_TEXT }, { "sku", COL_TEXT }, { "on_hand", COL_NUM },
	{ "safety_stock", COL_NUM }, { "reserved", COL_NUM }, { "atp", COL_NUM },
};

static int
inv_row(void *p, int n, const char *const *v)
{
	struct view_ctx *c = p;
	char atp[24];
	const char *out[6];

	(void)n;
	int_text(atp, node_atp(num(v[2]), num(v[3]), num(v[4])));
	out[0] = v[0], out[1] = v[1], out[2] = v[2], out[3] = v[3], out[4] = v[4], out[5] = atp;
	row(c, out);
	return 0;
}

static const struct outcol sku_cols[] = {
	{ "sku", COL_TEXT }, { "on_hand", COL_NUM }, { "safety_stock", COL_NUM },
	{ "allocated", COL_NUM }, { "reserved", COL_NUM }, { "atp", COL_NUM },
	{ "unusable", COL_NUM },
};
#define SKU_NCOLS ((int)(sizeof sku_cols / sizeof *sku_cols))

/*
 * Network totals merge two streams sorted by sku: node rows (summed over
 * the nodes whose stock of the sku some line may use; the rest is
 * unusable) and unrouted allocations per sku.
 */
struct sku_total {
	char *sku;
	int64_t on_hand, safety, reserved, atp, allocated, unusable;
};

struct sku_list {
	struct sku_total *v;
	size_t n, cap;
};

static struct sku_total *
sku_push(struct sku_list *l, const char *sku)
{
	if (l->n > 0 && strcmp(l->v[l->n - 1].sku, sku) == 0)
		return &l->v[l->n - 1];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof *l->v);
	l->v[l->n].sku = xstrdup(sku);
	return &l->v[l->n++];
}

/*
 * Whether some line may draw on a node's stock of a sku (an inventory
 * view's row, VIEW_INVENTORY's columns), by allocation's rule: not an
 * inactive node's, nor a node's that may neither ship the sku (a vendor
 * that is not the sku's, a node that cannot be located) nor hand it over.
 */
static int
stock_usable(const char *const *v)
{
	struct alloc_node_caps caps = { v[7] != NULL && strcmp(v[7], "vendor") == 0,
		(int)num(v[5]), (int)num(v[8]), (int)num(v[9]), (int)num(v[10]),
		(int)num(v[12]) };

	return alloc_serves(&caps, v[11] != NULL && strcmp(v[11], v[0]) == 0) != 0;
}

/* A node's stock of the sku (VIEW_INVENTORY_BY_SKU's columns). */
static int
sku_node_row(void *p, int n, const char *const *v)
{
	struct sku_total *t = sku_push(p, v[1]);

	(void)n;
	if (!stock_usable(v)) {
		t->unusable += num(v[2]);
		return 0;
	}
	t->on_hand += num(v[2]);
	t->safety += num(v[3]);
	t->reserved += num(v[4]);
	t->atp += node_atp(num(v[2]), num(v[3]), num(v[4]));
	return 0;
}

static int
cmp_sku(const void *a, const void *b)
{
	return strcmp(((const struct sku_total *)a)->sku, ((const struct sku_total *)b)->sku);
}

struct alloc_merge {
	struct sku_list *l;
	size_t sorted;		/* l->v[0..sorted) came sorted from the node rows */
};

static int
sku_alloc_row(void *p, int n, const char *const *v)
{
	struct alloc_merge *m = p;
	struct sku_total key = { .sku = (char *)v[0] }, *t;

	(void)n;
	/* bsearch and qsort must not be handed the NULL of an empty list */
	t = m->sorted ? bsearch(&key, m->l->v, m->sorted, sizeof key, cmp_sku) : NULL;
	if (t == NULL)
		t = sku_push(m->l, v[0]);	/* allocated, but stocked nowhere */
	t->allocated = num(v[1]);
	return 0;
}

/* Load the network totals per sku (of f's skus), sorted by sku. */
static int
sku_totals(struct store *st, const struct view_filter *f, struct sku_list *l)
{
	struct alloc_merge m = { l, 0 };

	if (store_inventory_view(st, VIEW_INVENTORY_BY_SKU, f, sku_node_row, l) != 0)
		return -1;
	m.sorted = l->n;
	if (store_inventory_view(st, VIEW_ALLOCATED_BY_SKU, f, sku_alloc_row, &m) != 0)
		return -1;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_sku);
	return 0;
}

static void
sku_list_release(struct sku_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].sku);
	free(l->v);
}

static int64_t
sku_atp(const struct sku_total *t)
{
	return t->atp > t->allocated ? t->atp - t->allocated : 0;
}

static int
report_inventory(struct view_ctx *c, const struct view_filter *f)
{
	struct sku_list l = { 0 };

	if (!c->o->by_sku) {
		c->cols = inv_cols;
		c->ncols = 6;
		return store_inventory_view(c->st, VIEW_INVENTORY, f, inv_row, c);
	}
	c->cols = sku_cols;
	c->ncols = SKU_NCOLS;
	if (sku_totals(c->st, f, &l) != 0) {
		sku_list_release(&l);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct sku_total *t = &l.v[i];
		const char *out[SKU_NCOLS];
		int64_t v[SKU_NCOLS] = { 0, t->on_hand, t->safety, t->allocated, t->reserved,
			sku_atp(t), t->unusable };

		out[0] = t->sku;
		for (int k = 1; k < SKU_NCOLS; k++)
			out[k] = writer_int;
		row_ints(c, out, v);
	}
	sku_list_release(&l);
	return 0;
}

/* --- lines and the line checks ---------------------------------------- */

static const struct outcol line_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "status", COL_TEXT }, { "open", COL_NUM },
	{ "backordered", COL_NUM }, { "allocated", COL_NUM }, { "routed", COL_NUM },
	{ "released", COL_NUM }, { "shipped", COL_NUM }, { "cancelled", COL_NUM },
	{ "returned", COL_NUM }, { "nodes", COL_TEXT },
};

static void
line_qty(const struct view_line *l, struct line_qty *q)
{
	q->qty = l->qty;
	q->allocated = l->allocated;
	q->shipped = l->shipped;
	q->cancelled = l->cancelled;
	q->returned = l->returned;
	q->backordered = l->backordered;
	q->routed = l->routed;
	q->released = l->released;
}

static int
lines_row(void *p, const struct view_line *l)
{
	struct view_ctx *c = p;
	struct line_qty q;
	const char *status;
	const char *out[14];
	int64_t n[14];

	if (!l->at_node)
		return 0;
	line_qty(l, &q);
	status = line_status(&q);
	if (c->o->status.n > 0 && !strv_has(&c->o->status, status))
		return 0;
	buf_reset(&c->nodes);
	for (int i = 0; i < l->nnodes; i++) {
		if (i)
			buf_addc(&c->nodes, ';');
		buf_adds(&c->nodes, l->nodes[i]);
	}
	out[0] = l->order_id, out[2] = l->sku, out[4] = status;
	n[1] = l->line_no, n[3] = l->qty, n[5] = line_open(&q), n[6] = l->backordered;
	n[7] = l->allocated, n[8] = l->routed, n[9] = l->released, n[10] = l->shipped;
	n[11] = l->cancelled, n[12] = l->returned;
	for (int i = 1; i <= 12; i++)
		if (i != 2 && i != 4)
			out[i] = writer_int;
	out[13] = l->nnodes ? buf_str(&c->nodes) : NULL;	/* none: empty in CSV, null in JSON */
	row_ints(c, out, n);
	return 0;
}

/* The lines of a range of orders (--order: of those, in key order). */
static int
lines_fill(struct feed *f, struct view_ctx *wc, int64_t k)
{
	struct view_filter vf = *f->filter;

	vf.order_from = f->keys[k];
	vf.order_below = f->keys[k + 1];
	if (f->orders->n == 0)
		return store_lines_view(wc->st, NULL, &vf, lines_row, wc);
	for (size_t i = 0; i < f->orders->n; i++)
		if (store_lines_view(wc->st, f->orders->v[i], &vf, lines_row, wc) != 0)
			return -1;
	return 0;
}

/* --- check ------------------------------------------------------------ */

static const struct outcol check_cols[] = {
	{ "check", COL_TEXT }, { "subject", COL_TEXT }, { "detail", COL_TEXT },
};

static void
check_row(struct view_ctx *c, const char *check, const char *subject, const char *fmt,
    va_list ap)
{
	char detail[300];
	const char *out[3];

	vsnprintf(detail, sizeof detail, fmt, ap);
	out[0] = check, out[1] = subject, out[2] = detail;
	row(c, out);
}

static void
violation(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
violation(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_row(c, check, subject, fmt, ap);
	va_end(ap);
	c->violations++;
}

/*
 * Pending work: a state the next oms-allocate re-plans (over every order;
 * a stock count that fell under what was promised, say), said under its
 * own kind, "pending_" and the invariant, and not a violation.
 */
static void
pending(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
pending(struct view_ctx *c, const char *check, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_row(c, check, subject, fmt, ap);
	va_end(ap);
}

/* Whether check_line has anything to say of l (called from any thread). */
static int
check_line_wants(const struct view_line *l)
{
	struct line_qty q;

	line_qty(l, &q);
	return !(line_open(&q) >= 0 && q.returned <= q.shipped &&
	    (q.backordered <= 0 || q.backordered <= line_open(&q)));
}

static int
check_line(void *p, const struct view_line *l)
{
	struct view_ctx *c = p;
	struct line_qty q;
	char subject[256];

	if (!check_line_wants(l))
		return 0;	/* the common case: nothing to say */
	line_qty(l, &q);
	snprintf(subject, sizeof subject, "%s/%lld", l->order_id, (long long)l->line_no);
	if (line_open(&q) < 0)
		violation(c, "line_buckets", subject, "allocated %lld + routed %lld + released %lld "
		    "+ shipped %lld + cancelled %lld exceed qty %lld", (long long)q.allocated,
		    (long long)q.routed, (long long)q.released, (long long)q.shipped,
		    (long long)q.cancelled, (long long)q.qty);
	if (q.returned > q.shipped)
		violation(c, "line_returned", subject, "returned %lld exceeds shipped %lld",
		    (long long)q.returned, (long long)q.shipped);
	if (q.backordered > 0 && q.backordered > line_open(&q))
		violation(c, "line_backordered", subject, "backordered %lld exceeds open %lld",
		    (long long)q.backordered, (long long)line_open(&q));
	return 0;
}

/*
 * A node's stock under what is reserved there, as a count taken after the
 * work was sent leaves it.  The routed part of what is over is pending:
 * the next oms-allocate takes it back (the last lines in the order of
 * service first).  Released units are the node's and never taken back:
 * past on_hand, the node cannot ship them and will confirm them short, a
 * violation until it does; within on_hand, it ships them from its safety
 * stock, and nothing is wrong.
 */
struct check_stock {
	struct view_ctx *c;
	struct store_check *k;
};

static int
check_node(void *p, int n, const char *const *v)
{
	struct check_stock *cs = p;
	struct view_ctx *c = cs->c;
	char subject[512];
	int64_t on_hand = num(v[2]), reserved = num(v[4]), routed = num(v[6]);
	int64_t over = node_over(on_hand, num(v[3]), reserved), released = reserved - routed;

	(void)n;
	/* the network's atp of the sku: the stock some line may use */
	if (stock_usable(v))
		store_check_atp(cs->k, v[1], node_atp(on_hand, num(v[3]), reserved));
	if (over == 0)
		return 0;
	snprintf(subject, sizeof subject, "%s/%s", v[0], v[1]);
	if (routed > 0)
		pending(c, "pending_node_oversold", subject, "reserved %s exceeds on_hand %s "
		    "less safety_stock %s: the next oms-allocate takes back %lld routed", v[4],
		    v[2], v[3], (long long)(routed < over ? routed : over));
	if (released > on_hand)
		violation(c, "node_short", subject, "released %lld exceeds on_hand %s: the node "
		    "will confirm %lld short", (long long)released, v[2],
		    (long long)(released - on_hand));
	return 0;
}

static int
check_fk(void *p, int n, const char *const *v)
{
	struct view_ctx *c = p;
	char subject[256];

	(void)n;
	snprintf(subject, sizeof subject, "%s row %s", v[0], v[1] ? v[1] : "?");
	violation(c, "foreign_key", subject, "refers to a missing %s", v[2]);
	return 0;
}

static int
check_no_lines(void *p, const char *order_id)
{
	violation(p, "order_lines", order_id, "order has no lines");
	return 0;
}

/* Foreign keys, then orders without lines. */
static int
check_keys(struct view_ctx *c, const struct store_check *k)
{
	/* something is wrong: SQLite's own check says what, row by row */
	if (store_check_suspect(k) > 0 &&
	    store_view(c->st, VIEW_FOREIGN_KEYS, NULL, 0, check_fk, c) != 0)
		return -1;
	return store_check_no_lines(k, check_no_lines, c);
}

static int
check_integrity(void *p, int n, const char *const *v)
{
	(void)n;
	if (v[0] && strcmp(v[0], "ok") != 0)
		violation(p, "integrity", "store", "%s", v[0]);
	return 0;
}

/* line_node.released against what the release lines still have out. */
static int
check_release(void *p, const struct check_released *r)
{
	char subject[512];

	snprintf(subject, sizeof subject, "%s/%lld@%s", r->order_id, (long long)r->line_no,
	    r->node_id);
	if (r->released != r->outstanding)
		violation(p, "line_released", subject, "released %lld, but its release lines "
		    "have %lld outstanding", (long long)r->released, (long long)r->outstanding);
	if (r->cancel_requested > r->outstanding)
		violation(p, "cancel_requested", subject, "cancel requested for %lld, more "
		    "than the %lld outstanding", (long long)r->cancel_requested,
		    (long long)r->outstanding);
	return 0;
}

/*
 * A sku with nothing allocated is never oversold: atp is never below 0.
 * Allocated past the atp is pending, re-planned by the next oms-allocate,
 * unless orders on hold keep more than the atp: it leaves them what they
 * hold.
 */
static int
check_sku(void *p, const char *sku, int64_t allocated, int64_t held, int64_t atp)
{
	if (allocated <= atp)
		return 0;
	if (held > atp)
		violation(p, "sku_oversold", sku, "allocated %lld exceeds the network's atp %lld; "
		    "orders on hold keep %lld of it", (long long)allocated, (long long)atp,
		    (long long)held);
	else
		pending(p, "pending_sku_oversold", sku, "allocated %lld exceeds the network's "
		    "atp %lld: the next oms-allocate re-plans it", (long long)allocated,
		    (long long)atp);
	return 0;
}

/*
 * Every invariant, each kind in its turn: the lines (as the store is
 * read), the stock at each node, the foreign keys and the orders without
 * lines, the released units, the store's integrity (--deep), the stock
 * of the network per sku.
 */
static int
report_check(struct view_ctx *c)
{
	struct store_check *k;
	struct check_stock cs;
	int r;

	c->cols = check_cols;
	c->ncols = 3;
	if ((k = store_check_begin(c->st, check_line, check_line_wants, c)) == NULL)
		return -1;
	cs.c = c;
	cs.k = k;
	r = store_check_stock(c->st, k, check_node, &cs) != 0 ||
	    check_keys(c, k) != 0 ||
	    store_check_released(c->st, k, check_release, c) != 0 ||
	    (c->o->deep && store_view(c->st, VIEW_INTEGRITY, NULL, 0, check_integrity, c) != 0) ||
	    store_check_skus(k, check_sku, c) != 0 ? -1 : 0;
	store_check_end(k);
	return r;
}

/* --- dates -------------------------------------------------------------- */

int
report_date_valid(const char *s)
{
	char t[21];

	return strlen(s) == 10 && parse_time(s, t) == PARSE_OK;
}

/* The date days after 1970-01-01, "YYYY-MM-DD", into out. */
static const char *
day_text(int64_t days, char out[11])
{
	time_t t = (time_t)(days * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return out;
}

/* The day after date (NULL for NULL), to compare times with "before". */
static const char *
day_after(const char *date, char out[11])
{
	return date ? day_text(date_days(date) + 1, out) : NULL;
}

/* --- orders ------------------------------------------------------------- */

static const struct outcol order_cols[] = {
	{ "order_id", COL_TEXT }, { "customer_id", COL_TEXT }, { "channel", COL_TEXT },
	{ "status", COL_TEXT }, { "lines", COL_NUM }, { "units", COL_NUM },
	{ "open", COL_NUM }, { "backordered", COL_NUM }, { "allocated", COL_NUM },
	{ "routed", COL_NUM }, { "released", COL_NUM }, { "shipped", COL_NUM },
	{ "cancelled", COL_NUM }, { "returned", COL_NUM }, { "created_at", COL_TEXT },
	{ "promise_date", COL_TEXT }, { "priority", COL_NUM }, { "holds", COL_TEXT },
	{ "nodes", COL_TEXT },
};
#define ORDER_NCOLS ((int)(sizeof order_cols / sizeof *order_cols))

static const char *const order_statuses[] = {
	"cancelled", "backordered", "shipped", "partially_shipped", "open", "allocated",
	"routed", "released"
};

int
report_order_status_valid(const char *s)
{
	return strtab_find(order_statuses, sizeof order_statuses / sizeof *order_statuses,
	    s) >= 0;
}

/* One order being summed from its rows (line and node). */
/*
 * One order being summed.  Its texts live in one buffer, reused from
 * order to order (no allocation per order): offsets, since the buffer
 * moves as it grows.
 */
struct order_sum {
	int on;			/* an order is being summed */
	struct buf text;	/* its columns and its lines' nodes, each NUL-ended */
	long f[7];		/* order_id .. holds, as the rows give them; -1: NULL */
	int64_t lines, units, allocated, routed, released, shipped, cancelled,
	    returned, backordered;
	int at_node;		/* a line at the --node filter's node */
	long *node;		/* where each of its lines' nodes is in text */
	size_t nnodes, capnodes;
	const char **sorted;	/* scratch for the nodes, sorted */
	struct buf joined;	/* scratch for the nodes column */
};

/*
 * The order's status, from its units summed over its lines (oms-report(1)
 * defines it): the first that applies of cancelled (every unit), then
 * backordered (some unit waits for stock), shipped (nothing left to do,
 * something shipped), partially_shipped (something shipped, something
 * left), and the earliest stage still holding units.
 */
static const char *
order_status(const struct order_sum *o)
{
	int64_t open = o->units - o->allocated - o->routed - o->released - o->shipped -
	    o->cancelled;
	int64_t left = open + o->allocated + o->routed + o->released;

	if (o->cancelled == o->units)
		return order_statuses[0];
	if (o->backordered > 0)
		return order_statuses[1];
	if (o->shipped > 0)
		return order_statuses[left > 0 ? 3 : 2];
	if (open > 0)
		return order_statuses[4];
	if (o->allocated > 0)
		return order_statuses[5];
	return order_statuses[o->routed > 0 ? 6 : 7];
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
sum_text(const struct order_sum *o, long off)
{
	return off < 0 ? NULL : o->text.s + off;
}

static long
sum_add(struct order_sum *o, const char *s)
{
	long off = (long)o->text.len;

	if (s == NULL)
		return -1;
	buf_add(&o->text, s, strlen(s) + 1);
	return off;
}

static void
order_flush(struct view_ctx *c, struct order_sum *o)
{
	const char *out[ORDER_NCOLS], *status;
	int64_t v[ORDER_NCOLS];
	size_t i, n;

	if (!o->on)
		return;
	status = order_status(o);
	if (o->at_node && (c->o->status.n == 0 || strv_has(&c->o->status, status))) {
		for (i = 0; i < o->nnodes; i++)
			o->sorted[i] = o->text.s + o->node[i];
		if (o->nnodes > 1)
			qsort(o->sorted, o->nnodes, sizeof *o->sorted, cmp_str);
		buf_reset(&o->joined);
		for (i = n = 0; i < o->nnodes; i++) {
			if (i > 0 && strcmp(o->sorted[i], o->sorted[i - 1]) == 0)
				continue;
			if (n++)
				buf_addc(&o->joined, ';');
			buf_adds(&o->joined, o->sorted[i]);
		}
		v[4] = o->lines;
		v[5] = o->units;
		v[6] = o->units - o->allocated - o->routed - o->released - o->shipped -
		    o->cancelled;
		v[7] = o->backordered;
		v[8] = o->allocated;
		v[9] = o->routed;
		v[10] = o->released;
		v[11] = o->shipped;
		v[12] = o->cancelled;
		v[13] = o->returned;
		out[0] = sum_text(o, o->f[0]), out[1] = sum_text(o, o->f[1]);
		out[2] = sum_text(o, o->f[2]), out[3] = status;
		for (i = 4; i < 14; i++)
			out[i] = writer_int;
		out[14] = sum_text(o, o->f[3]), out[15] = sum_text(o, o->f[4]);
		out[16] = sum_text(o, o->f[5]), out[17] = sum_text(o, o->f[6]);
		out[18] = n ? buf_str(&o->joined) : NULL;	/* none: null in JSON, as in lines */
		row_ints(c, out, v);
	}
	o->on = 0;
	buf_reset(&o->text);
	o->nnodes = 0;
	o->lines = o->units = o->allocated = o->routed = o->released = 0;
	o->shipped = o->cancelled = o->returned = o->backordered = 0;
}

struct order_walk {
	struct view_ctx *c;
	struct order_sum o;
};

/* A line of store_orders_view, with its order's columns. */
static int
order_row(void *p, const struct view_line *l)
{
	struct order_walk *w = p;
	struct order_sum *o = &w->o;
	int i;

	if (!o->on || strcmp(o->text.s + o->f[0], l->order_id) != 0) {
		char prio[24];
		const char *f[7] = { l->order_id, l->customer_id, l->channel, l->created_at,
			l->promise_date, int_text(prio, l->priority), l->holds };

		order_flush(w->c, o);
		for (i = 0; i < 7; i++)
			o->f[i] = sum_add(o, f[i]);
		o->on = 1;
		o->at_node = 0;
	}
	o->at_node |= l->at_node;
	o->lines++;
	o->units += l->qty;
	o->allocated += l->allocated;
	o->shipped += l->shipped;
	o->cancelled += l->cancelled;
	o->returned += l->returned;
	o->backordered += l->backordered;
	o->routed += l->routed;
	o->released += l->released;
	for (i = 0; i < l->nnodes; i++) {
		if (o->nnodes == o->capnodes) {
			o->capnodes = o->capnodes ? o->capnodes * 2 : 8;
			o->node = xrealloc(o->node, o->capnodes * sizeof *o->node);
			o->sorted = xrealloc(o->sorted, o->capnodes * sizeof *o->sorted);
		}
		o->node[o->nnodes++] = sum_add(o, l->nodes[i]);
	}
	return 0;
}

/* The orders of a range of them. */
static int
orders_fill(struct feed *fd, struct view_ctx *c, int64_t k)
{
	struct view_filter f = *fd->filter;
	struct order_walk w;
	int r;

	f.order_from = fd->keys[k];
	f.order_below = fd->keys[k + 1];
	memset(&w, 0, sizeof w);
	w.c = c;
	r = store_orders_view(c->st, &f, order_row, &w);
	if (r == 0)
		order_flush(c, &w.o);
	buf_release(&w.o.text);
	buf_release(&w.o.joined);
	free(w.o.node);
	free(w.o.sorted);
	return r;
}

static int
report_orders(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = order_cols;
	c->ncols = ORDER_NCOLS;
	return report_walk(c, f, orders_fill);
}

/* --- backorders --------------------------------------------------------- */

static const struct outcol backorder_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "backordered", COL_NUM }, { "reason", COL_TEXT }, { "backordered_at", COL_TEXT },
	{ "age_days", COL_NUM }, { "priority", COL_NUM }, { "promise_date", COL_TEXT },
	{ "created_at", COL_TEXT }, { "channel", COL_TEXT }, { "customer_id", COL_TEXT },
	{ "days_past_promise", COL_NUM },
};
#define BACKORDER_NCOLS ((int)(sizeof backorder_cols / sizeof *backorder_cols))

/* A row of the view, kept to be sorted oldest backorder first. */
struct bo_row {
	char *v[BACKORDER_NCOLS];	/* one allocation: v[0]; v[5], v[6], v[12] below */
	char since[21], age[24];	/* backordered_at, age_days */
	char past[24];			/* days_past_promise ("": none) */
};

struct backorder_walk {
	int64_t today;		/* days since 1970-01-01 */
	struct bo_row *rows;
	size_t nrows, caprows;
};

/* Columns of store_backorders_view for each column of the view (-1: computed). */
static const int bo_from[BACKORDER_NCOLS] = { 0, 1, 2, 3, 4, -1, -1, 6, 7, 5, 8, 9, -1 };

/*
 * A line's backorder began at its backordered_at (see
 * share/schema/006-backordered-at.sql), else, when nothing tells, at its
 * order's created_at (never NULL).
 */
static int
backorder_row(void *p, int n, const char *const *v)
{
	struct backorder_walk *w = p;
	const char *val[BACKORDER_NCOLS];
	struct bo_row *row;
	size_t len = 0;
	int64_t age;
	char *q;
	int i;

	(void)n;
	for (i = 0; i < BACKORDER_NCOLS; i++) {
		val[i] = bo_from[i] >= 0 ? v[bo_from[i]] : NULL;
		len += val[i] ? strlen(val[i]) + 1 : 0;
	}
	if (w->nrows == w->caprows) {
		w->caprows = w->caprows ? w->caprows * 2 : 1024;
		w->rows = xrealloc(w->rows, w->caprows * sizeof *w->rows);
	}
	row = &w->rows[w->nrows++];
	q = xmalloc(len ? len : 1);
	for (i = 0; i < BACKORDER_NCOLS; i++) {
		if (val[i] == NULL) {
			row->v[i] = NULL;
			continue;
		}
		row->v[i] = q;
		q = stpcpy(q, val[i]) + 1;
	}
	snprintf(row->since, sizeof row->since, "%s", v[10] != NULL ? v[10] : v[5]);
	age = w->today - date_days(row->since);
	int_text(row->age, age > 0 ? age : 0);
	if ((age = line_days_past_promise(v[7], w->today)) > 0)
		int_text(row->past, age);
	else
		row->past[0] = '\0';
	return 0;
}

/* Oldest backorder first, then by order and line. */
static int
cmp_bo_row(const void *a, const void *b)
{
	const struct bo_row *x = a, *y = b;
	int c = strcmp(x->since, y->since);

	if (c == 0)
		c = strcmp(x->v[0], y->v[0]);
	if (c == 0)
		c = num(x->v[1]) < num(y->v[1]) ? -1 : num(x->v[1]) > num(y->v[1]);
	return c;
}

/* The backordered lines, each with when its backorder began, sorted in memory. */
static int
report_backorders(struct view_ctx *c, const struct view_filter *f)
{
	struct backorder_walk w;
	char today[11];
	size_t i;
	int r;

	memset(&w, 0, sizeof w);
	if (c->o->today == NULL)
		day_text((int64_t)(time(NULL) / 86400), today);
	else
		snprintf(today, sizeof today, "%s", c->o->today);
	w.today = date_days(today);
	c->cols = backorder_cols;
	c->ncols = BACKORDER_NCOLS;
	r = store_backorders_view(c->st, f, backorder_row, &w);
	if (r == 0) {
		if (w.nrows > 1)
			qsort(w.rows, w.nrows, sizeof *w.rows, cmp_bo_row);
		for (i = 0; i < w.nrows; i++) {
			/* the row's own buffers, where the sort put it */
			w.rows[i].v[5] = w.rows[i].since;
			w.rows[i].v[6] = w.rows[i].age;
			w.rows[i].v[12] = w.rows[i].past;
			row(c, (const char *const *)w.rows[i].v);
		}
	}
	for (i = 0; i < w.nrows; i++)
		free(w.rows[i].v[0]);
	free(w.rows);
	return r;
}

/* --- releases ----------------------------------------------------------- */

static const struct outcol release_cols[] = {
	{ "node_id", COL_TEXT }, { "day", COL_TEXT }, { "releases", COL_NUM },
	{ "lines", COL_NUM }, { "units", COL_NUM }, { "shipped", COL_NUM },
	{ "outstanding", COL_NUM }, { "capacity_per_day", COL_NUM },
	{ "utilisation", COL_NUM },
};
#define RELEASE_NCOLS ((int)(sizeof release_cols / sizeof *release_cols))

static int
release_row(void *p, const struct store_row *r)
{
	const char *out[RELEASE_NCOLS];
	char u[32] = "";
	int i;

	for (i = 0; i < 8; i++)
		out[i] = store_col_text(r, i);
	if (!store_col_null(r, 7) && store_col_int(r, 7) > 0)
		snprintf(u, sizeof u, "%.3f", (double)store_col_int(r, 2) /
		    (double)store_col_int(r, 7));
	out[8] = u;
	row(p, out);
	return 0;
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
plain_row(void *p, int n, const char *const *v)
{
	(void)n;
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
		store_report_begin(w[n]);
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

static int
rows_lines(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = line_cols;
	c->ncols = 14;
	return report_walk(c, f, lines_fill);
}

static int
rows_releases(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = release_cols;
	c->ncols = RELEASE_NCOLS;
	return store_releases_view(c->st, f, release_row, c);
}

static int
rows_check(struct view_ctx *c, const struct view_filter *f)
{
	(void)f;
	return report_check(c);
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
	const char *p[2] = { f->from, f->to_before };

	c->cols = run_cols;
	c->ncols = 8;
	return store_view(c->st, VIEW_RUNS, p, 2, plain_row, c);
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
	    RO_STATUS | RO_TO, rows_lines, NULL },
	{ "backorders", RV_PLAIN, "", RO_CHANNEL | RO_FROM | RO_SKU | RO_TO | RO_TODAY,
	    report_backorders, NULL },
	{ "releases", RV_PLAIN, "", RO_FROM | RO_NODE | RO_TO, rows_releases, NULL },
	{ "check", RV_PLAIN, "", RO_DEEP, rows_check, NULL },
	{ "events", RV_PLAIN, "", RO_FOLLOW | RO_INTERVAL | RO_SINCE | RO_TYPE, rows_events,
	    NULL },
	{ "runs", RV_PLAIN, "", RO_FROM | RO_TO, rows_runs, NULL },
	{ "kpi", RV_PLAIN, "", RO_CHANNEL | RO_FROM | RO_TO, NULL, write_kpi },
	{ "kpi", RV_HTML, " --format html", RO_CHANNEL | RO_FROM | RO_TO | EOQ_OPTIONS, NULL,
	    write_html },
	{ "eoq", RV_PLAIN, "", EOQ_OPTIONS, NULL, write_eoq },
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
	store_report_begin(st);
	if (store_read_begin(st) != 0)
		return store_status(st);
	r = report_view(st, v, o, fp);
	store_read_end(st);
	return r;
}
