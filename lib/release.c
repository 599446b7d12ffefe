#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "input.h"
#include "jsonw.h"
#include "model.h"
#include "outfile.h"
#include "output.h"
#include "parse.h"
#include "release.h"
#include "rows.h"
#include "util.h"
#include "store-release.h"

/* --- a release in memory, and its renderings ----------------------------- */

struct rel_line {
	int64_t line_no, qty;
	const char *sku, *method;
};

/*
 * Strings are borrowed: from the run's rows, or from a parsed document.
 * A release goes to one place: ship is where the parcel goes (the order's
 * ship-to address, or the address of the node it goes to, ship_to_node,
 * under the customer's name), customer the order's own address.  A
 * document written before there was a ship_to_node has neither that nor
 * customer (NULL).
 */
struct rel {
	const char *release_id, *node_id, *order_id, *business_day, *released_at,
	    *promise_date;	/* NULL: none */
	const char *ship[6];	/* name, address1, city, region, postal_code, country */
	const char *ship_to_node;	/* a locker, or the store that hands over; NULL: none */
	const char *customer[5];	/* address1, city, region, postal_code, country */
	struct rel_line *lines;
	int nlines;
};

static const char *const ship_keys[6] = {
	"ship_name", "ship_address1", "ship_city", "ship_region", "ship_postal_code",
	"ship_country",
};

static const char *const customer_keys[5] = {
	"customer_address1", "customer_city", "customer_region", "customer_postal_code",
	"customer_country",
};

/* New columns go last: scripts read the first ones by position. */
static const struct outcol rel_cols[] = {
	{ "release_id", COL_TEXT }, { "node_id", COL_TEXT }, { "order_id", COL_TEXT },
	{ "line_no", COL_NUM }, { "sku", COL_TEXT }, { "qty", COL_NUM },
	{ "method", COL_TEXT }, { "ship_name", COL_TEXT }, { "ship_address1", COL_TEXT },
	{ "ship_city", COL_TEXT }, { "ship_region", COL_TEXT },
	{ "ship_postal_code", COL_TEXT }, { "ship_country", COL_TEXT },
	{ "promise_date", COL_TEXT }, { "ship_to_node", COL_TEXT },
	{ "customer_address1", COL_TEXT }, { "customer_city", COL_TEXT },
	{ "customer_region", COL_TEXT }, { "customer_postal_code", COL_TEXT },
	{ "customer_country", COL_TEXT },
};
#define NRELCOLS ((int)(sizeof rel_cols / sizeof *rel_cols))

/* The release's "lines" array, each line's method too when with_method. */
static void
rel_lines(const struct rel *r, struct buf *b, int with_method)
{
	int i;

	jsonw_array(b, "lines");
	for (i = 0; i < r->nlines; i++) {
		jsonw_object(b, NULL);
		jsonw_int(b, "line_no", r->lines[i].line_no);
		jsonw_str(b, "sku", r->lines[i].sku);
		jsonw_int(b, "qty", r->lines[i].qty);
		if (with_method)
			jsonw_str(b, "method", r->lines[i].method);
		jsonw_object_end(b);
	}
	jsonw_array_end(b);
}

/* The release as its JSON document: one compact object, lines nested. */
static void
rel_document(const struct rel *r, struct buf *b)
{
	int i;

	jsonw_start(b);
	jsonw_str(b, "release_id", r->release_id);
	jsonw_str(b, "node_id", r->node_id);
	jsonw_str(b, "order_id", r->order_id);
	jsonw_str(b, "business_day", r->business_day);
	jsonw_str(b, "released_at", r->released_at);
	jsonw_str(b, "promise_date", r->promise_date);
	for (i = 0; i < 6; i++)
		jsonw_str(b, ship_keys[i], r->ship[i]);
	jsonw_str(b, "ship_to_node", r->ship_to_node);
	for (i = 0; i < 5; i++)
		jsonw_str(b, customer_keys[i], r->customer[i]);
	rel_lines(r, b, 1);
	jsonw_end(b);
}

/* The "release.created" event: the release without the addresses. */
static void
rel_payload(const struct rel *r, struct buf *b)
{
	jsonw_start(b);
	jsonw_str(b, "release_id", r->release_id);
	jsonw_str(b, "node_id", r->node_id);
	jsonw_str(b, "ship_to_node", r->ship_to_node);
	jsonw_str(b, "business_day", r->business_day);
	rel_lines(r, b, 0);
	jsonw_end(b);
}

/*
 * Read a document back (NULL when it is not one); the release's strings
 * belong to the returned json_t, lines to r->lines (the caller frees both).
 */
static json_t *
rel_parse(const char *doc, struct rel *r)
{
	json_t *j = json_loads(doc, 0, NULL), *lines, *l;
	size_t i;

	memset(r, 0, sizeof *r);
	if (j == NULL || !json_is_object(j) ||
	    !json_is_array(lines = json_object_get(j, "lines"))) {
		json_decref(j);
		return NULL;
	}
#define S(key) json_string_value(json_object_get(j, key))
	r->release_id = S("release_id");
	r->node_id = S("node_id");
	r->order_id = S("order_id");
	r->business_day = S("business_day");
	r->released_at = S("released_at");
	r->promise_date = S("promise_date");
	for (i = 0; i < 6; i++)
		r->ship[i] = S(ship_keys[i]);
	r->ship_to_node = S("ship_to_node");
	for (i = 0; i < 5; i++)
		r->customer[i] = S(customer_keys[i]);
#undef S
	r->lines = xcalloc(json_array_size(lines) + 1, sizeof *r->lines);
	json_array_foreach(lines, i, l) {
		r->lines[i].line_no = json_integer_value(json_object_get(l, "line_no"));
		r->lines[i].qty = json_integer_value(json_object_get(l, "qty"));
		r->lines[i].sku = json_string_value(json_object_get(l, "sku"));
		r->lines[i].method = json_string_value(json_object_get(l, "method"));
	}
	r->nlines = (int)json_array_size(lines);
	return j;
}

/* --- where releases are written -------------------------------------- */

struct sink {
	FILE *fp;
	enum outfmt fmt;
	struct writer w;	/* CSV */
	long n;			/* releases written */
	struct outfile of;	/* a node's file */
};

static void
sink_init(struct sink *k, FILE *fp, int fmt, int safe_csv)
{
	memset(k, 0, sizeof *k);
	k->fp = fp;
	k->fmt = fmt;
	if (fmt == OUTFMT_CSV) {
		writer_init(&k->w, fp, OUTFMT_CSV, rel_cols, NRELCOLS);
		k->w.safe_csv = safe_csv;
	}
}

/* Write one release: CSV rows from r, JSON from its document doc. */
static void
sink_put(struct sink *k, const struct rel *r, const char *doc)
{
	int i, c;

	if (k->fmt == OUTFMT_CSV) {
		for (i = 0; i < r->nlines; i++) {
			char no[24], qty[24];
			const char *v[NRELCOLS];

			int_format(r->lines[i].line_no, 1, no);
			int_format(r->lines[i].qty, 1, qty);
			v[0] = r->release_id, v[1] = r->node_id, v[2] = r->order_id;
			v[3] = no, v[4] = r->lines[i].sku, v[5] = qty, v[6] = r->lines[i].method;
			for (c = 0; c < 6; c++)
				v[7 + c] = r->ship[c];
			v[13] = r->promise_date;
			v[14] = r->ship_to_node;
			for (c = 0; c < 5; c++)
				v[15 + c] = r->customer[c];
			writer_row(&k->w, v);
		}
	} else {
		if (k->fmt == OUTFMT_JSON)
			fputs(k->n ? ",\n" : "[\n", k->fp);
		fputs(doc, k->fp);
		if (k->fmt == OUTFMT_JSONL)
			fputc('\n', k->fp);
	}
	k->n++;
}

static void
sink_finish(struct sink *k)
{
	if (k->fmt == OUTFMT_CSV)
		writer_finish(&k->w);
	else if (k->fmt == OUTFMT_JSON)
		fputs(k->n ? "\n]\n" : "[]\n", k->fp);
}

/* --- one file per node (--split-by-node) ------------------------------ */

struct release_files {
	const char *dir;
	int format, safe_csv;
	struct strmap by_node;	/* node_id -> struct sink * */
	struct sink **v;	/* in the order made */
	int n, cap;
	int ready;		/* every file finished and flushed */
};

/* Files in dir, which must be a directory: 0, or 73 after a diagnostic. */
static int
files_open(struct release_files **files, const char *dir, int format, int safe_csv)
{
	struct release_files *f;
	struct stat sb;

	*files = NULL;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		diag_error("%s: not a directory (--split-by-node)", dir);
		return EX_CANTCREAT;
	}
	f = *files = xcalloc(1, sizeof *f);
	f->dir = dir;
	f->format = format;
	f->safe_csv = safe_csv;
	return 0;
}

/* The file name for a node: its id, bytes unsafe in a name as %XX. */
static void
node_file_name(struct buf *b, const char *dir, const char *node_id, int fmt)
{
	static const char *const ext[] = { ".csv", ".jsonl", ".json" };
	const unsigned char *p;

	buf_reset(b);
	buf_adds(b, dir);
	buf_addc(b, '/');
	for (p = (const unsigned char *)node_id; *p; p++) {
		if (*p == '/' || *p == '%' || *p < 0x20 || *p == 0x7f ||
		    (p == (const unsigned char *)node_id && *p == '.'))
			buf_addf(b, "%%%02X", *p);
		else
			buf_addc(b, (char)*p);
	}
	buf_adds(b, ext[fmt]);
}

/* The node's file, begun on its first release: NULL after a diagnostic. */
static struct sink *
node_file(struct release_files *f, const char *node_id)
{
	struct buf name = BUF_INIT;
	struct outfile of;
	struct sink *k;
	void *v;
	int status;

	if (strmap_get(&f->by_node, node_id, &v))
		return v;
	node_file_name(&name, f->dir, node_id, f->format);
	if (access(name.s, F_OK) == 0) {
		/* the node may not have taken it yet: never replace its releases */
		diag_at(name.s, 0, "already exists (not yet picked up?); nothing released, "
		    "use another directory");
		buf_release(&name);
		return NULL;
	}
	status = outfile_open(&of, name.s);
	buf_release(&name);
	if (status != 0)
		return NULL;
	k = xcalloc(1, sizeof *k);
	sink_init(k, of.fp, f->format, f->safe_csv);
	k->of = of;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->v = xrealloc(f->v, (size_t)f->cap * sizeof *f->v);
	}
	f->v[f->n++] = k;
	strmap_put(&f->by_node, node_id, k);
	return k;
}

/*
 * Write one release to out, or with files to its node's file: 0, or 73
 * after a diagnostic (its file cannot be made).
 */
static int
put_release(struct sink *out, struct release_files *files, const struct rel *r,
    const char *doc)
{
	struct sink *k = out;

	if (files != NULL && (k = node_file(files, r->node_id)) == NULL)
		return EX_CANTCREAT;
	sink_put(k, r, doc);
	return 0;
}

int
release_files_ready(struct release_files *f)
{
	int i;

	if (f == NULL || f->ready)
		return 0;
	for (i = 0; i < f->n; i++) {
		sink_finish(f->v[i]);
		if (outfile_ready(&f->v[i]->of) != 0)
			return EX_IOERR;
	}
	f->ready = 1;
	return 0;
}

int
release_files_close(struct release_files *f, int commit)
{
	int i, status = 0;

	if (f == NULL)
		return 0;
	if (commit && (status = release_files_ready(f)) != 0)
		commit = 0;
	/* committed: every file that can be goes into place, whatever another did */
	for (i = 0; i < f->n; i++) {
		if (outfile_close(&f->v[i]->of, commit) != 0 && status == 0)
			status = EX_IOERR;
		free(f->v[i]);
	}
	strmap_release(&f->by_node, NULL);
	free(f->v);
	free(f);
	return status;
}

/* --- the release run -------------------------------------------------- */

struct node_cap {
	int64_t capacity;	/* -1: unlimited */
	int64_t used;		/* releases this business day that count against capacity */
	int64_t made;		/* releases this business day: the last one's number */
	long released;		/* by this run */
	char *addr[5];		/* address1, city, region, postal_code, country */
	int unaddressed;	/* warned: goods go to it and it has no address1 */
};

/* A routed line and node of the order being decided. */
struct work {
	char *node_id, *sku, *method;
	char *ship_to_node;	/* line_ship_to_node(); NULL: the order's address */
	int64_t line_no, qty;
};

struct run {
	struct store *st;
	const struct release_opts *o;
	struct release_counts *n;
	struct strmap nodes;		/* node_id -> struct node_cap * */
	struct sink out;
	struct release_files *files;
	char day[11], daykey[9];
	int stopped;			/* --max reached: the rest waits */
	long seen;			/* rows read, for the progress meter */
	int failed;
	/* the order being gathered */
	char *order_id, *promise_date, *ship[6];
	int ship_complete, held;
	int64_t unrouted;
	struct work *work;
	int nwork, capwork;
	struct rel_line *lines;
	struct buf doc, payload, id;
	struct release_line_row *rows;	/* the lines of the release being written */
};

static void
clear_order(struct run *r)
{
	int i;

	for (i = 0; i < r->nwork; i++) {
		free(r->work[i].node_id);
		free(r->work[i].sku);
		free(r->work[i].method);
		free(r->work[i].ship_to_node);
	}
	r->nwork = 0;
	free(r->order_id);
	free(r->promise_date);
	r->order_id = r->promise_date = NULL;
	for (i = 0; i < 6; i++) {
		free(r->ship[i]);
		r->ship[i] = NULL;
	}
}

static struct node_cap *
node_cap(struct run *r, const char *node_id)
{
	void *v;

	if (strmap_get(&r->nodes, node_id, &v))
		return v;
	/* line_node refers to node: this cannot happen, but stay safe */
	v = xcalloc(1, sizeof(struct node_cap));
	((struct node_cap *)v)->capacity = -1;
	strmap_put(&r->nodes, node_id, v);
	return v;
}

static int
fits(const struct node_cap *c)
{
	return c->capacity < 0 || c->used < c->capacity;
}

static void
node_cap_free(void *v)
{
	struct node_cap *c = v;
	int i;

	for (i = 0; i < 5; i++)
		free(c->addr[i]);
	free(c);
}

/*
 * Where the release of work w of the gathered order goes, into rel: to
 * the order's ship-to address, or to the node w's goods go to (a locker,
 * or the store where the customer collects), at the node's address under
 * the customer's name; and the customer's own address.
 */
static void
rel_ship_to(struct run *r, const struct work *w, struct rel *rel)
{
	struct node_cap *to;
	int i;

	rel->ship_to_node = w->ship_to_node;
	rel->ship[0] = r->ship[0];
	for (i = 0; i < 5; i++)
		rel->customer[i] = rel->ship[i + 1] = r->ship[i + 1];
	if (w->ship_to_node == NULL)
		return;
	to = node_cap(r, w->ship_to_node);
	for (i = 0; i < 5; i++)
		rel->ship[i + 1] = to->addr[i] ? to->addr[i] : "";
	/* a parcel carried to a node with no street address cannot be labelled */
	if (strcmp(w->ship_to_node, w->node_id) != 0 && !to->unaddressed &&
	    (to->addr[0] == NULL || to->addr[0][0] == '\0')) {
		to->unaddressed = 1;
		diag_warn("node \"%s\" has no address1: its releases from other nodes carry "
		    "only its postal code and country (import its address1, city and region)",
		    quote_value(w->ship_to_node));
	}
}

/* Make the release of work[from..to) (one node), write it everywhere. */
static int
make_release(struct run *r, int from, int to)
{
	const struct work *w0 = &r->work[from];
	struct node_cap *c = node_cap(r, w0->node_id);
	struct rel rel;
	int i;

	c->used++;
	c->made++;
	c->released++;
	if (c->released == 1)
		r->n->nodes++;
	buf_reset(&r->id);
	{
		char seq[24];

		if (r->o->dry_run)
			buf_adds(&r->id, "dry-run-");
		buf_adds(&r->id, r->daykey);
		buf_addc(&r->id, '-');
		buf_adds(&r->id, w0->node_id);
		buf_addc(&r->id, '-');
		buf_add(&r->id, seq, (size_t)int_format(c->made, 6, seq));
	}
	memset(&rel, 0, sizeof rel);
	rel.release_id = r->id.s;
	rel.node_id = w0->node_id;
	rel.order_id = r->order_id;
	rel.business_day = r->day;
	rel.released_at = store_run_time(r->st);
	rel.promise_date = r->promise_date;
	rel_ship_to(r, w0, &rel);
	rel.lines = r->lines;
	rel.nlines = to - from;
	for (i = from; i < to; i++) {
		r->lines[i - from].line_no = r->work[i].line_no;
		r->lines[i - from].qty = r->work[i].qty;
		r->lines[i - from].sku = r->work[i].sku;
		r->lines[i - from].method = r->work[i].method;
		r->n->lines++;
		r->n->units += r->work[i].qty;
	}
	rel_document(&rel, &r->doc);
	rel_payload(&rel, &r->payload);
	{
		struct release_row row;

		row.release_id = rel.release_id;
		row.order_id = rel.order_id;
		row.node_id = rel.node_id;
		row.document = r->doc.s;
		row.payload = r->payload.s;
		row.nlines = to - from;
		for (i = from; i < to; i++) {
			r->rows[i - from].line_no = r->work[i].line_no;
			r->rows[i - from].qty = r->work[i].qty;
		}
		if (store_releases_write(r->st, r->day, &row, 1, r->rows) != 0)
			return -1;
	}
	if (put_release(&r->out, r->files, &rel, r->doc.s) != 0)
		return -2;
	r->n->releases++;
	return 0;
}

/* NULL sorts first: work to the order's own address before work to nodes. */
static int
cmp_opt(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Work of one order by node, then where it goes, then line. */
static int
cmp_work(const void *pa, const void *pb)
{
	const struct work *a = pa, *b = pb;
	int c = strcmp(a->node_id, b->node_id);

	if (c == 0)
		c = cmp_opt(a->ship_to_node, b->ship_to_node);
	if (c == 0)
		c = (a->line_no > b->line_no) - (a->line_no < b->line_no);
	return c;
}

/*
 * The end of the release of work starting at i: the same node, going to
 * the same place (one parcel has one address).
 */
static int
group_end(const struct run *r, int i)
{
	int j = i + 1;

	while (j < r->nwork && strcmp(r->work[j].node_id, r->work[i].node_id) == 0 &&
	    cmp_opt(r->work[j].ship_to_node, r->work[i].ship_to_node) == 0)
		j++;
	return j;
}

/* Decide the gathered order: release what may go, count what waits. */
static int
decide(struct run *r)
{
	int i, j, prev = 0, nrel = 0, other_node = 0, all_fit = 1, rc;
	int64_t before = 0;	/* the order's releases at the node before this one */
	const struct node_cap *c;

	if (r->nwork == 0)
		return 0;
	qsort(r->work, (size_t)r->nwork, sizeof *r->work, cmp_work);
	for (i = 0; i < r->nwork; prev = i, i = group_end(r, i)) {
		nrel++;
		before = i > 0 && strcmp(r->work[i].node_id, r->work[prev].node_id) == 0 ?
		    before + 1 : 0;
		c = node_cap(r, r->work[i].node_id);
		if (r->o->node != NULL && strcmp(r->work[i].node_id, r->o->node) != 0)
			other_node++;
		else if (c->capacity >= 0 && c->used + before >= c->capacity)
			all_fit = 0;
	}
	if (r->held) {
		r->n->held += nrel - other_node;
		goto done;
	}
	if (r->ship_complete && (r->unrouted > 0 || other_node > 0)) {
		/* together or not at all; with --node, only when all of it is there */
		r->n->incomplete += nrel - other_node;
		goto done;
	}
	if (r->ship_complete && !all_fit) {
		r->n->over_capacity += nrel;
		goto done;
	}
	nrel -= other_node;
	if (r->stopped || (r->o->max >= 0 && (r->ship_complete ?
	    r->n->releases + nrel > r->o->max : r->n->releases >= r->o->max))) {
		/* the order of service is kept: nothing after this one goes either */
		r->stopped = 1;
		r->n->over_max += nrel;
		goto done;
	}
	for (i = 0; i < r->nwork; i = j) {
		j = group_end(r, i);
		if (r->o->node != NULL && strcmp(r->work[i].node_id, r->o->node) != 0)
			continue;
		if (!fits(node_cap(r, r->work[i].node_id))) {
			r->n->over_capacity++;
			continue;
		}
		if (r->o->max >= 0 && r->n->releases >= r->o->max) {
			r->stopped = 1;
			r->n->over_max++;
			continue;
		}
		if ((rc = make_release(r, i, j)) != 0) {
			r->failed = rc == -2 ? EX_CANTCREAT : store_status(r->st);
			clear_order(r);
			return -1;
		}
	}
done:
	clear_order(r);
	return 0;
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int
work_row(void *p, const struct routed_work *row)
{
	struct run *r = p;
	const char *order_id = row->order_id;
	struct work *w;
	int i;

	progress_tick(++r->seen);
	if (r->order_id != NULL && strcmp(r->order_id, order_id) != 0 && decide(r) != 0)
		return -1;
	if (r->order_id == NULL) {
		r->order_id = xstrdup(order_id);
		r->promise_date = dup_or_null(row->promise_date);
		r->ship_complete = row->ship_complete;
		r->held = row->held;
		r->unrouted = row->unrouted;
		for (i = 0; i < 6; i++)
			r->ship[i] = xstrdup(row->ship[i]);
	}
	if (r->nwork == r->capwork) {
		r->capwork = r->capwork ? 2 * r->capwork : 16;
		r->work = xrealloc(r->work, (size_t)r->capwork * sizeof *r->work);
		r->lines = xrealloc(r->lines, (size_t)r->capwork * sizeof *r->lines);
		r->rows = xrealloc(r->rows, (size_t)r->capwork * sizeof *r->rows);
	}
	w = &r->work[r->nwork++];
	w->line_no = row->line_no;
	w->node_id = xstrdup(row->node_id);
	w->qty = row->routed;
	w->sku = xstrdup(row->sku);
	w->method = xstrdup(row->method);
	w->ship_to_node = dup_or_null(line_ship_to_node(w->method, row->pickup_node));
	return 0;
}

static int
cap_row(void *p, const struct node_day_capacity *row)
{
	struct run *r = p;
	struct node_cap *c = xcalloc(1, sizeof *c);
	int i;

	c->capacity = row->capacity;
	c->used = row->used;
	c->made = row->made;
	for (i = 0; i < 5; i++)
		c->addr[i] = xstrdup(row->addr[i]);
	strmap_put(&r->nodes, row->node_id, c);
	return 0;
}

int
release_run(struct store *st, const struct release_opts *o, FILE *out,
    struct release_files **files, struct release_counts *counts)
{
	struct run r;
	int status = 0;

	memset(&r, 0, sizeof r);
	memset(counts, 0, sizeof *counts);
	r.st = st;
	r.o = o;
	r.n = counts;
	*files = NULL;
	snprintf(r.day, sizeof r.day, "%.10s", o->day ? o->day : store_run_time(st));
	snprintf(r.daykey, sizeof r.daykey, "%.4s%.2s%.2s", r.day, r.day + 5, r.day + 8);
	if (o->split_dir != NULL) {
		if ((status = files_open(files, o->split_dir, o->format, o->safe_csv)) != 0)
			return status;
		r.files = *files;
	} else {
		sink_init(&r.out, out, o->format, o->safe_csv);
	}
	if (store_release_capacity(st, r.day, cap_row, &r) != 0) {
		status = store_status(st);
		goto out;
	}
	if (o->node != NULL && !strmap_get(&r.nodes, o->node, NULL)) {
		diag_error("unknown node \"%s\"", quote_value(o->node));
		status = EX_DATAERR;
		goto out;
	}
	progress_start("routed lines");
	if (store_release_work(st, work_row, &r) != 0 || (!r.failed && decide(&r) != 0))
		status = r.failed ? r.failed : store_status(st);
	progress_end();
out:
	clear_order(&r);
	if (o->split_dir == NULL)
		sink_finish(&r.out);
	strmap_release(&r.nodes, node_cap_free);
	free(r.work);
	free(r.lines);
	buf_release(&r.doc);
	buf_release(&r.payload);
	buf_release(&r.id);
	free(r.rows);
	return status;
}

/* --- resend ------------------------------------------------------------ */

/* Write a stored document again: 0, or an exit status after a diagnostic. */
static int
resend_one(struct sink *out, struct release_files *files, const char *id, const char *doc)
{
	struct rel rel;
	json_t *j = rel_parse(doc, &rel);
	int status;

	if (j == NULL) {
		diag_error("release \"%s\": its stored document is not one", quote_value(id));
		return EX_SOFTWARE;
	}
	status = put_release(out, files, &rel, doc);
	free(rel.lines);
	json_decref(j);
	return status;
}

struct resend {
	struct sink out;
	struct release_files *files;
	int status;
};

static int
run_document_row(void *p, const struct release_document *row)
{
	struct resend *x = p;

	x->status = resend_one(&x->out, x->files, row->release_id, row->document);
	return x->status ? -1 : 0;
}

/* Every release run run_id made: 0, or an exit status after a diagnostic. */
static int
resend_run(struct store *st, int64_t run_id, struct resend *x)
{
	char *command;
	int rc;

	if ((rc = store_run_command(st, run_id, &command)) < 0)
		return store_status(st);
	if (rc == 0) {
		diag_error("no run %lld in the run log", (long long)run_id);
		return EX_DATAERR;
	}
	if (strcmp(command, "oms-release") != 0) {
		diag_error("run %lld is a run of %s, not of oms-release", (long long)run_id,
		    command);
		free(command);
		return EX_DATAERR;
	}
	free(command);
	if (store_release_documents_of_run(st, run_id, run_document_row, x) != 0)
		return x->status ? x->status : store_status(st);
	return 0;
}

/* The n releases named: 0, or an exit status after a diagnostic. */
static int
resend_ids(struct store *st, const char *const *ids, int n, struct resend *x)
{
	char **docs = xcalloc((size_t)n + 1, sizeof *docs);
	int i, rc, status = 0;

	for (i = 0; i < n; i++) {
		if ((rc = store_release_document(st, ids[i], &docs[i])) < 0) {
			status = store_status(st);
			break;
		}
		if (rc == 0) {
			diag_error("unknown release \"%s\"", quote_value(ids[i]));
			status = EX_DATAERR;
		}
	}
	for (i = 0; i < n && status == 0; i++)
		status = resend_one(&x->out, x->files, ids[i], docs[i]);
	for (i = 0; i < n; i++)
		free(docs[i]);
	free(docs);
	return status;
}

int
release_resend(struct store *st, const struct release_opts *o, const char *const *ids,
    int n, int64_t run_id, FILE *out, struct release_files **files)
{
	struct resend x;
	int status;

	memset(&x, 0, sizeof x);
	*files = NULL;
	if (o->split_dir != NULL) {
		if ((status = files_open(files, o->split_dir, o->format, o->safe_csv)) != 0)
			return status;
		x.files = *files;
	} else {
		sink_init(&x.out, out, o->format, o->safe_csv);
	}
	status = ids != NULL ? resend_ids(st, ids, n, &x) : resend_run(st, run_id, &x);
	if (o->split_dir == NULL)
		sink_finish(&x.out);
	return status;
}
