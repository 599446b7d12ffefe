/*
 * import-orders: oms-import's orders, the one kind whose record is a group
 * of rows: an order's rows are held until the order is complete, checked
 * whole, and written in batches of new orders (one by one once orders turn
 * out to be in the store: a re-import).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "import-int.h"
#include "jsonw.h"
#include "model.h"
#include "parse.h"
#include "store-order.h"
#include "store-promise.h"

/* An order read and checked, waiting to be written with others. */
struct pending {
	struct held *rows;
	int nrows;
	struct order o;
	char *payload;
};
#define BATCH 64

static void
held_release(struct held *h)
{
	free(h->block);
	raw_free(h->raw);
	free(h->error);
	memset(h, 0, sizeof *h);
}

/* A record view of a held row, for the field parsers. */
static void
held_record(const struct importer *im, const struct held *h, struct record *r)
{
	r->file = im->file;
	r->line = h->line;
	r->ncols = O_N;
	r->val = (const char **)h->vals;
	r->present = NULL;
	r->error = NULL;
}

/* Take the problem noted so far as this row's error. */
static void
held_take_error(struct importer *im, struct held *h)
{
	if (im->rows.err.len > 0 && h->error == NULL)
		h->error = xstrdup(im->rows.err.s);
	buf_reset(&im->rows.err);
}

/* Parse the order-level columns of h into o. */
static void
parse_order(struct importer *im, const struct record *r, struct order *o)
{
	memset(o, 0, sizeof *o);
	f_key(im, r, O_ORDER, &o->order_id);
	f_text(im, r, O_CHANNEL, "web", &o->channel);
	f_text(im, r, O_CUSTOMER, "", &o->customer_id);
	if (im->o->strict_refs && o->customer_id[0] != '\0' &&
	    !strmap_get(&im->customers, o->customer_id, NULL))
		rows_bad(&im->rows, "customer_id \"%s\" is not a known customer (import customers "
		    "first)", quote_value(o->customer_id));
	f_time(im, r, O_CREATED, o->created_at);
	f_int(im, r, O_PRIORITY, 1, 99, 5, "an integer from 1 (most urgent) to 99", &o->priority);
	f_time(im, r, O_PROMISE, o->promise_date);
	f_text(im, r, O_SNAME, "", &o->ship_name);
	f_text(im, r, O_SADDR, "", &o->ship_address1);
	f_text(im, r, O_SCITY, "", &o->ship_city);
	f_text(im, r, O_SREGION, "", &o->ship_region);
	f_text(im, r, O_SPOSTAL, "", &o->ship_postal_code);
	f_text(im, r, O_SCOUNTRY, "US", &o->ship_country);
	f_latlon(im, r, O_SLAT, O_SLON, &o->has_latlon, &o->ship_lat, &o->ship_lon);
	f_money(im, r, O_SHIPPING, 0, &o->shipping_charge);
	f_text(im, r, O_BCOUNTRY, "", &o->bill_country);
	f_bool(im, r, O_COMPLETE, 0, &o->ship_complete);
}

/* Parse the line columns of h into h->l. */
static void
parse_line(struct importer *im, const struct record *r, struct held *h, const char *order_id)
{
	struct order_line *l = &h->l;
	const struct node_ref *pn;
	const int64_t *price;

	memset(l, 0, sizeof *l);
	l->order_id = order_id;
	f_int(im, r, O_LINE, 1, MAX_QTY, 0, "a positive integer", &l->line_no);
	f_key(im, r, O_SKU, &l->sku);
	price = sku_ref(im, O_SKU, l->sku);
	f_int(im, r, O_QTY, 1, MAX_QTY, 0, "a positive integer", &l->qty);
	l->method = "ship";
	if (r->val[O_METHOD][0] != '\0')
		rows_method(&im->rows, r->val[O_METHOD], &l->method);
	f_key(im, r, O_PICKUP, &l->pickup_node);
	pn = node_ref(im, O_PICKUP, l->pickup_node);
	rows_handover(&im->rows, l->method, l->pickup_node, pn ? pn->type : NULL,
	    pn && pn->can_pickup, pn && pn->can_curbside);
	f_money(im, r, O_PRICE, price ? *price : 0, &l->unit_price);
	rows_discount(&im->rows, NAME(O_DISCOUNT), r->val[O_DISCOUNT], l->qty, l->unit_price,
	    &l->discount);
	held_take_error(im, h);
}

/*
 * Reject every row of the order in the group: rows with a problem of
 * their own are reported; the others go to the rejects file with a
 * pointer to the first problem.  -1 when the run must stop.
 */
static int
reject_order(struct importer *im, const char *why)
{
	struct buf msg = BUF_INIT;
	long first = 0;
	int i, ret = 0;

	for (i = 0; i < im->ngroup && first == 0; i++)
		if (im->group[i].error)
			first = im->group[i].line, why = why ? why : im->group[i].error;
	for (i = 0; i < im->ngroup && ret == 0; i++) {
		struct held *h = &im->group[i];

		buf_reset(&msg);
		if (h->error)
			buf_adds(&msg, h->error);
		else if (first)
			buf_addf(&msg, "rejected with its order: line %ld: %s", first, why);
		else
			buf_adds(&msg, why);
		ret = reject(im, im->file, h->line, msg.s, h->raw,
		    h->error != NULL || (first == 0 && i == 0));
	}
	buf_release(&msg);
	buf_reset(&im->key);
	buf_addc(&im->key, 'R');
	buf_adds(&im->key, im->group[0].vals[O_ORDER]);
	if (ret == 0) {
		long l0;

		im->rejected_orders++;
		if (store_seen(im->st, im->key.s, im->key.len, 0, im->group[0].line, &l0) < 0)
			return store_failed(im);
	}
	return ret;
}

/* Note a problem as the row's own, then reject the whole order. */
static int
reject_order_at(struct importer *im, struct held *h)
{
	held_take_error(im, h);
	return reject_order(im, NULL);
}

/*
 * Strict mode after a bad record writes nothing more but still reports
 * every bad record: an order or line met again in this input with other
 * values is found through the rows written before the first bad record
 * and the keys remembered since.
 */
static int
check_only(struct importer *im, const struct order *o)
{
	struct held *g = im->group;
	struct order_probe p;
	char no[24];
	int i, r;

	if ((r = store_order_probe(im->st, o, &p)) < 0)
		return store_failed(im);
	if (r && p.this_run && !p.same)
		rows_bad(&im->rows, "order_id appears twice in this input with different order "
		    "details");
	if (seen(im, 'O', "order_id", o->order_id, NULL, NULL,
	    digest((const char *const *)g[0].vals, 0, O_COMPLETE + 1), g[0].line) < 0)
		return -1;
	held_take_error(im, &g[0]);
	for (i = 0; i < im->ngroup; i++) {
		if (g[i].dup)
			continue;
		if ((r = store_line_probe(im->st, &g[i].l, &p)) < 0)
			return store_failed(im);
		if (r && p.this_run && !p.same)
			rows_bad(&im->rows, "order_id and line_no appear twice in this input with "
			    "different values");
		snprintf(no, sizeof no, "%lld", (long long)g[i].l.line_no);
		if (seen(im, 'L', "order_id", o->order_id, "line_no", no,
		    digest((const char *const *)g[i].vals, O_LINE, O_N), g[i].line) < 0)
			return -1;
		held_take_error(im, &g[i]);
	}
	for (i = 0; i < im->ngroup; i++)
		if (g[i].error)
			return reject_order(im, NULL);
	return 0;
}

/* The payload of an order's event (units 0: not said), in im->payload. */
static const char *
order_payload(struct importer *im, const struct order *o, int lines, int64_t units)
{
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "order_id", o->order_id);
	jsonw_str(&im->payload, "channel", o->channel);
	jsonw_int(&im->payload, "lines", lines);
	if (units > 0)
		jsonw_int(&im->payload, "units", units);
	return jsonw_end(&im->payload);
}

static int
order_event(struct importer *im, const struct order *o, const char *type, int lines,
    int64_t units)
{
	if (store_event(im->st, o->order_id, type, order_payload(im, o, lines, units)) != 0)
		return store_failed(im);
	return 0;
}

/*
 * An order that was in the store before: every line is checked against
 * the store and this run's earlier rows first, so that nothing is written
 * for an order that is bad or unchanged (a re-import); then what changed
 * is written.
 */
static int
update_order(struct importer *im, struct order *o)
{
	struct held *g = im->group;
	struct order_probe p, lp;
	char no[24];
	int i, r, put, same, lines = 0;

	if (store_order_probe(im->st, o, &p) < 0)
		return store_failed(im);
	if (g[0].vals[O_CREATED][0] == '\0') {
		/* no created_at given: the order keeps the one it has */
		memcpy(o->created_at, p.created_at, sizeof o->created_at);
		if (store_order_probe(im->st, o, &p) < 0)
			return store_failed(im);
	}
	if (p.this_run && !p.same) {
		rows_bad(&im->rows, "order_id appears twice in this input with different order "
		    "details");
		return reject_order_at(im, &g[0]);
	}
	if (seen(im, 'O', "order_id", o->order_id, NULL, NULL,
	    digest((const char *const *)g[0].vals, 0, O_COMPLETE + 1), g[0].line) < 0)
		return -1;
	if (im->rows.err.len > 0)
		return reject_order_at(im, &g[0]);
	same = p.same;
	for (i = 0; i < im->ngroup; i++) {
		struct held *h = &g[i];

		if (h->dup)
			continue;
		if ((r = store_line_probe(im->st, &h->l, &lp)) < 0)
			return store_failed(im);
		h->stored = r ? (lp.same ? LINE_SAME : LINE_CHANGED) : LINE_NEW;
		if (r && lp.this_run) {
			if (!lp.same)
				rows_bad(&im->rows, "order_id and line_no appear twice in this input with "
				    "different values");
			h->stored = LINE_THIS_RUN;
		} else if (r) {
			snprintf(no, sizeof no, "%lld", (long long)h->l.line_no);
			if (seen(im, 'L', "order_id", o->order_id, "line_no", no,
			    digest((const char *const *)h->vals, O_LINE, O_N), h->line) < 0)
				return -1;
		}
		if (im->rows.err.len > 0)
			return reject_order_at(im, h);
		same &= h->stored == LINE_SAME || h->stored == LINE_THIS_RUN;
	}
	if (same) {
		for (i = 0; i < im->ngroup; i++)
			im->n->unchanged += g[i].stored == LINE_SAME;
		im->n->orders_unchanged++;
		return 0;
	}
	if (p.in_fulfilment) {
		char why[400];

		snprintf(why, sizeof why, "order \"%s\" is already in fulfilment; change it "
		    "with oms-order", quote_value(o->order_id));
		return reject_order(im, why);
	}
	if ((put = store_order_update(im->st, o)) < 0)
		return store_failed(im);
	for (i = 0; i < im->ngroup; i++) {
		if (g[i].dup || g[i].stored == LINE_THIS_RUN)
			continue;
		if (g[i].stored == LINE_NEW)
			r = store_line_insert(im->st, &g[i].l) == 1 ? PUT_INSERTED : -1;
		else if (g[i].stored == LINE_CHANGED)
			r = store_line_update(im->st, &g[i].l);
		else
			r = PUT_UNCHANGED;
		if (r < 0)
			return store_failed(im);
		count_put(im, r);
		lines += r != PUT_UNCHANGED;
	}
	im->n->orders_updated++;
	return order_event(im, o, "order.updated", lines, 0);
}

static int enqueue(struct importer *im, const struct order *o);
static int write_order(struct importer *im, struct order *o);
static int rule_holds(struct importer *im, const struct order *o, const struct held *rows,
    int nrows);

/*
 * An order that is being imported names a customer_id no customer has
 * (without --strict-refs, which refuses it in parse_order): count it,
 * and keep the first few for the warning at the end of the run.
 */
static void
unknown_customer(struct importer *im, const struct order *o)
{
	if (o->customer_id[0] == '\0' || strmap_get(&im->customers, o->customer_id, NULL))
		return;
	if (im->unknown_customers++ < UNKNOWN_SHOWN) {
		buf_addf(&im->unknown_first, "%sorder \"%s\"", im->unknown_customers > 1 ?
		    ", " : "", quote_value(o->order_id));
		buf_addf(&im->unknown_first, " (\"%s\")", quote_value(o->customer_id));
	}
}

/* The order in the group is complete: validate it whole, then store it. */
int
flush_order(struct importer *im)
{
	struct held *g = im->group;
	struct record r;
	struct order o;
	int i, j, c, rc;

	if (im->ngroup == 0)
		return 0;
	held_record(im, &g[0], &r);
	parse_order(im, &r, &o);
	held_take_error(im, &g[0]);
	for (i = 1; i < im->ngroup; i++)
		for (c = O_ORDER + 1; c <= O_COMPLETE && g[i].error == NULL; c++)
			if (strcmp(g[i].vals[c], g[0].vals[c]) != 0) {
				rows_bad(&im->rows, "%s differs from line %ld of the same order",
				    NAME(c), g[0].line);
				held_take_error(im, &g[i]);
			}
	for (i = 0; i < im->ngroup; i++) {
		held_record(im, &g[i], &r);
		parse_line(im, &r, &g[i], o.order_id);
	}
	/* a line number twice in one order: harmless if identical */
	for (i = 1; i < im->ngroup; i++)
		for (j = 0; j < i && !g[i].error && !g[i].dup; j++) {
			if (g[j].error || g[j].dup || g[j].l.line_no != g[i].l.line_no)
				continue;
			if (digest((const char *const *)g[i].vals, O_LINE, O_N) ==
			    digest((const char *const *)g[j].vals, O_LINE, O_N))
				g[i].dup = 1;
			else
				g[i].error = xstrdup("order_id and line_no appear twice in this "
				    "input with different values");
		}
	for (i = 0; i < im->ngroup; i++)
		if (g[i].error)
			return reject_order(im, NULL);
	if (im->rejected_orders > 0) {
		buf_reset(&im->key);
		buf_addc(&im->key, 'R');
		buf_adds(&im->key, o.order_id);
		if ((rc = store_seen_has(im->st, im->key.s, im->key.len)) < 0)
			return store_failed(im);
		if (rc)
			return reject_order(im, "an earlier part of this order was rejected");
	}
	unknown_customer(im, &o);
	if (im->rows.failed) {
		/* writing no more, but what was read before is in the store */
		if (flush_batch(im) != 0)
			return -1;
		return check_only(im, &o);
	}
	/*
	 * A batch pays off when orders are new; when they turn out to be in
	 * the store already (a re-import), go one by one until a new one
	 * comes.
	 */
	if (im->one_by_one)
		return write_order(im, &o);
	return enqueue(im, &o);
}

/* Write the order in the group, one statement at a time. */
static int
write_order(struct importer *im, struct order *o)
{
	struct held *g = im->group;
	int i, rc, lines = 0;
	int64_t units = 0;

	if (o->created_at[0] == '\0')
		memcpy(o->created_at, store_run_time(im->st), sizeof o->created_at);
	im->n->orders++;
	if ((rc = store_order_insert(im->st, o)) < 0)
		return store_failed(im);
	if (rc == 0)
		return update_order(im, o);
	im->one_by_one = 0;
	/* a new order: its lines cannot be there yet */
	for (i = 0; i < im->ngroup; i++) {
		if (g[i].dup)
			continue;
		if ((rc = store_line_insert(im->st, &g[i].l)) != 1)
			return rc < 0 ? store_failed(im) : (im->status = EX_SOFTWARE, -1);
		count_put(im, PUT_INSERTED);
		units += g[i].l.qty;
		lines++;
	}
	im->n->orders_inserted++;
	if (order_event(im, o, "order.created", lines, units) != 0)
		return -1;
	return rule_holds(im, o, g, im->ngroup);
}

void
group_clear(struct importer *im)
{
	int i;

	for (i = 0; i < im->ngroup; i++)
		held_release(&im->group[i]);
	im->ngroup = 0;
}

void
drop_batch(struct importer *im)
{
	int i, k;

	for (i = 0; i < im->nbatch; i++) {
		for (k = 0; k < im->batch[i].nrows; k++)
			held_release(&im->batch[i].rows[k]);
		free(im->batch[i].rows);
		free(im->batch[i].payload);
	}
	im->nbatch = 0;
}

/* Queue a checked order; the batch is written when full. */
static int
enqueue(struct importer *im, const struct order *o)
{
	struct pending *p;
	int64_t units = 0;
	int i, lines = 0;

	if (im->batch == NULL)
		im->batch = xcalloc(BATCH, sizeof *im->batch);
	for (i = 0; i < im->ngroup; i++)
		if (!im->group[i].dup)
			lines++, units += im->group[i].l.qty;
	p = &im->batch[im->nbatch++];
	p->o = *o;
	if (p->o.created_at[0] == '\0')
		memcpy(p->o.created_at, store_run_time(im->st), sizeof p->o.created_at);
	/* a new order's lines have a quantity each: units > 0 */
	p->payload = xstrdup(order_payload(im, o, lines, units));
	/* the rows move to the batch; the next order gets a new group */
	p->rows = im->group;
	p->nrows = im->ngroup;
	im->group = NULL;
	im->ngroup = im->capgroup = 0;
	return im->nbatch == BATCH ? flush_batch(im) : 0;
}

/*
 * Write the queued orders: all at once when every one is new (the usual
 * case), else one by one in the order they were read.
 */
int
flush_batch(struct importer *im)
{
	struct order orders[BATCH];
	const char *payloads[BATCH];
	struct order_line *lines = NULL;
	int i, k, n = 0, cap = 0, r = 0, ret = 0;

	if (im->nbatch == 0)
		return 0;
	for (i = 0; i < im->nbatch; i++) {
		struct pending *p = &im->batch[i];

		orders[i] = p->o;
		payloads[i] = p->payload;
		for (k = 0; k < p->nrows; k++) {
			if (p->rows[k].dup)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				lines = xrealloc(lines, (size_t)cap * sizeof *lines);
			}
			lines[n++] = p->rows[k].l;
		}
	}
	r = store_new_orders(im->st, orders, im->nbatch, lines, n, payloads);
	free(lines);
	if (r < 0)
		ret = store_failed(im);
	else if (r == 1) {
		im->n->orders += im->nbatch;
		im->n->orders_inserted += im->nbatch;
		im->n->inserted += n;
		for (i = 0; i < im->nbatch && ret == 0; i++)
			ret = rule_holds(im, &im->batch[i].o, im->batch[i].rows, im->batch[i].nrows);
	} else {
		im->one_by_one = 1;
	}
	for (i = 0; i < im->nbatch; i++) {
		struct pending *p = &im->batch[i];
		struct held *saved = im->group;
		int nsaved = im->ngroup, capsaved = im->capgroup;

		im->group = p->rows;
		im->ngroup = im->capgroup = p->nrows;
		if (r == 0 && ret == 0)
			ret = write_order(im, &p->o);
		group_clear(im);
		free(im->group);
		im->group = saved;
		im->ngroup = nsaved;
		im->capgroup = capsaved;
		free(p->payload);
	}
	im->nbatch = 0;
	return ret;
}

int
row_order(struct importer *im, const struct record *r)
{
	struct held *h;
	size_t size;
	char *p, *error = NULL;
	int c, ret = 0;

	/* this row's problem is its own, not the previous order's */
	if (im->rows.err.len > 0)
		error = xstrdup(im->rows.err.s);
	buf_reset(&im->rows.err);
	if (im->ngroup > 0 && strcmp(im->group[0].vals[O_ORDER], r->val[O_ORDER]) != 0) {
		ret = flush_order(im);
		group_clear(im);
		if (ret < 0) {
			free(error);
			return -1;
		}
	}
	if (im->ngroup == im->capgroup) {
		im->capgroup = im->capgroup ? im->capgroup * 2 : 16;
		im->group = xrealloc(im->group, (size_t)im->capgroup * sizeof *im->group);
	}
	h = &im->group[im->ngroup++];
	memset(h, 0, sizeof *h);
	h->line = r->line;
	for (c = 0, size = 0; c < O_N; c++)
		size += strlen(r->val[c]) + 1;
	h->block = p = xmalloc(size);
	for (c = 0; c < O_N; c++) {
		size_t n = strlen(r->val[c]) + 1;

		h->vals[c] = memcpy(p, r->val[c], n);
		p += n;
	}
	if (im->rows.rj != NULL)
		h->raw = input_raw(im->in);
	h->error = error;
	return 0;
}

/* --- hold rules: the orders they hold as they arrive (oms(7)) ----------- */

static int
rule_loaded(void *ctx, const struct hold_rule *r)
{
	struct importer *im = ctx;
	struct rule *k;

	im->rules = xrealloc(im->rules, (size_t)(im->nrules + 1) * sizeof *im->rules);
	k = &im->rules[im->nrules++];
	k->rule_id = xstrdup(r->rule_id);
	k->hold_type = xstrdup(r->hold_type);
	k->channel = xstrdup(r->channel);
	/* the schema takes only these tests */
	k->test = parse_word(r->test, hold_tests, HT_N);
	k->value = r->value;
	return 0;
}

int
load_hold_rules(struct importer *im)
{
	int i;

	if (store_load_hold_rules(im->st, rule_loaded, im) != 0)
		return store_failed(im);
	for (i = 0; i < im->nrules; i++)
		if (im->rules[i].test == HT_FLAGGED)
			return store_load_flagged(im->st, &im->flagged) != 0 ? store_failed(im) : 0;
	return 0;
}

void
free_hold_rules(struct importer *im)
{
	int i;

	for (i = 0; i < im->nrules; i++) {
		free(im->rules[i].rule_id);
		free(im->rules[i].hold_type);
		free(im->rules[i].channel);
	}
	free(im->rules);
	im->rules = NULL;
	im->nrules = 0;
	strmap_release(&im->flagged, NULL);
	buf_release(&im->reason);
}

/*
 * What the order is worth for order_value_over: its merchandise less its
 * discounts, plus its shipping charge (cents; INT64_MAX past it).
 */
static int64_t
order_value(const struct order *o, const struct held *rows, int nrows)
{
	int64_t v = o->shipping_charge, m;
	int i;

	for (i = 0; i < nrows; i++) {
		if (rows[i].dup)
			continue;
		if (__builtin_mul_overflow(rows[i].l.qty, rows[i].l.unit_price, &m) ||
		    __builtin_add_overflow(v, m - rows[i].l.discount, &v))
			return INT64_MAX;
	}
	return v;
}

/*
 * Whether a ship line of the order goes to a ship-to that cannot be
 * placed (the place rule of oms-allocate and oms-route: the order's
 * lat/lon, else the postal table): 1 with its words in im->reason, 0 not,
 * -1 error.  Lines handed over at a store and locker lines (they go to
 * the locker) need no ship-to.
 */
static int
unplaceable(struct importer *im, const struct order *o, const struct held *rows, int nrows)
{
	char *code, *country;
	int i, r;

	for (i = 0; i < nrows; i++)
		if (!rows[i].dup && line_ship_to_node(rows[i].l.method, rows[i].l.pickup_node) ==
		    NULL && !method_handed_over(rows[i].l.method))
			break;
	if (i == nrows || o->has_latlon)
		return 0;
	if ((r = store_ship_to_place(im->st, o, &code, &country)) < 0)
		return store_failed(im);
	if (r == 0)
		place_reason(&im->reason, NULL, NULL, code, country);
	free(code);
	free(country);
	return r == 0;
}

/* Rule k holds order o: 1 with its words in im->reason, 0 not, -1 error. */
static int
rule_holds_order(struct importer *im, const struct rule *k, const struct order *o,
    const struct held *rows, int nrows)
{
	char a[24], b[24], *ship, *bill;
	int64_t v;
	int differ;

	buf_reset(&im->reason);
	switch (k->test) {
	case HT_VALUE_OVER:
		if ((v = order_value(o, rows, nrows)) <= k->value)
			return 0;
		money_format(v, a);
		money_format(k->value, b);
		buf_addf(&im->reason, "order value %s over %s", a, b);
		return 1;
	case HT_UNPLACEABLE:
		return unplaceable(im, o, rows, nrows);
	case HT_FLAGGED:
		if (o->customer_id[0] == '\0' || !strmap_get(&im->flagged, o->customer_id, NULL))
			return 0;
		buf_addf(&im->reason, "customer \"%s\" is flagged", quote_value(o->customer_id));
		return 1;
	case HT_COUNTRY:
		if (o->bill_country[0] == '\0')
			return 0;
		/* countries compare by their keys: " us" is US */
		bill = xmalloc(strlen(o->bill_country) + 1);
		ship = xmalloc(strlen(o->ship_country) + 1);
		country_key(o->bill_country, bill);
		country_key(o->ship_country, ship);
		if ((differ = strcmp(bill, ship) != 0)) {
			buf_addf(&im->reason, "bill_country \"%s\"", quote_value(bill));
			buf_addf(&im->reason, " is not ship_country \"%s\"", quote_value(ship));
		}
		free(bill);
		free(ship);
		return differ;
	}
	return 0;
}

/*
 * A new order has arrived: every active rule of its channel (or of every
 * channel) that matches holds it, one hold a type (the first rule by
 * rule_id), each with an order.held event as care's hold has, and the
 * rule_id.  Nothing to do, and no query, when the store has no rules.
 */
/*
 * A checkout's order arrives (oms-promise(1), --reserve): the
 * reservations of the cart whose cart_id is its order_id are dropped,
 * with one "stock.reservation_released" event.  No query per order when
 * the store held none as the run began.
 */
static int
release_cart(struct importer *im, const struct order *o)
{
	static const struct store *checked;
	static int any;
	int64_t units;
	char payload[64];

	if (checked != im->st) {
		checked = im->st;
		if ((any = store_reservations_any(im->st)) < 0)
			return store_failed(im);
	}
	if (!any)
		return 0;
	if ((units = store_reservations_drop(im->st, o->order_id)) < 0)
		return store_failed(im);
	if (units == 0)
		return 0;
	snprintf(payload, sizeof payload, "{\"units\":%lld}", (long long)units);
	if (store_event(im->st, o->order_id, "stock.reservation_released", payload) != 0)
		return store_failed(im);
	return 0;
}

static int
rule_holds(struct importer *im, const struct order *o, const struct held *rows, int nrows)
{
	const char *placed[8];	/* the hold types placed so far (order_hold has 4) */
	struct buf by = BUF_INIT;
	int i, j, r, nplaced = 0;

	if (release_cart(im, o) != 0)
		return -1;
	for (i = 0; i < im->nrules; i++) {
		const struct rule *k = &im->rules[i];

		if (k->channel[0] != '\0' && strcmp(k->channel, o->channel) != 0)
			continue;
		for (j = 0; j < nplaced && strcmp(placed[j], k->hold_type) != 0; j++)
			;
		if (j < nplaced || nplaced == (int)(sizeof placed / sizeof *placed))
			continue;	/* an earlier rule placed this type */
		if ((r = rule_holds_order(im, k, o, rows, nrows)) < 0)
			goto fail;
		if (r == 0)
			continue;
		buf_reset(&by);
		buf_addf(&by, "rule:%s", k->rule_id);
		if (store_hold_add(im->st, o->order_id, k->hold_type, im->reason.s, by.s,
		    k->rule_id) != 0) {
			store_failed(im);
			goto fail;
		}
		jsonw_start(&im->payload);
		jsonw_str(&im->payload, "hold_type", k->hold_type);
		jsonw_str(&im->payload, "by", by.s);
		jsonw_str(&im->payload, "reason", im->reason.s);
		jsonw_str(&im->payload, "rule_id", k->rule_id);
		if (store_event(im->st, o->order_id, "order.held", jsonw_end(&im->payload)) != 0) {
			store_failed(im);
			goto fail;
		}
		placed[nplaced++] = k->hold_type;
	}
	buf_release(&by);
	im->n->orders_held += nplaced > 0;
	return 0;
fail:
	buf_release(&by);
	return -1;
}
