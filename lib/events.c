#include <string.h>

#include "events.h"

void
events_init(struct events *q, struct store *st)
{
	memset(q, 0, sizeof *q);
	q->st = st;
}

int
events_add(struct events *q, const char *order_id, const char *type, const char *payload)
{
	struct event_row *e = &q->row[q->n];

	e->order_id = order_id;
	e->type = type;
	q->off[q->n++] = q->text.len;
	buf_add(&q->text, payload, strlen(payload) + 1);
	return q->n == EVENTS_BATCH ? events_flush(q) : 0;
}

int
events_flush(struct events *q)
{
	int i, ret = 0;

	/* the payloads' addresses are known once text stops growing */
	for (i = 0; i < q->n; i++)
		q->row[i].payload = q->text.s + q->off[i];
	if (q->n > 0 && !q->failed && store_events(q->st, q->row, q->n) != 0) {
		q->failed = 1;
		ret = -1;
	}
	q->n = 0;
	buf_reset(&q->text);
	return ret;
}

void
events_drop(struct events *q)
{
	q->failed = 1;
	q->n = 0;
	buf_reset(&q->text);
}

void
events_release(struct events *q)
{
	events_drop(q);
	buf_release(&q->text);
}
