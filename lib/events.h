#ifndef OMS_EVENTS_H
#define OMS_EVENTS_H
/*
 * events: the one queue of events a decision writes in batches (oms-allocate,
 * oms-route).  Events go to the store in the order they were added, EVENTS_BATCH
 * rows to a statement, through store_events(); a single event written at once
 * needs no queue (store_event()).
 *
 * The queue copies each payload; an order id and a type are not copied and
 * must live until the next flush (ids in the caller's arena, types static).
 * After a failed flush, or events_drop(), nothing more is written: the
 * transaction is being rolled back.
 */
#include "store.h"
#include "util.h"

#define EVENTS_BATCH 256	/* events queued before a write */

struct events {
	struct store *st;
	struct event_row row[EVENTS_BATCH];
	size_t off[EVENTS_BATCH];	/* each payload's offset in text */
	struct buf text;
	int n;
	int failed;
};

void events_init(struct events *q, struct store *st);
/*
 * Queue an event of order order_id (NULL: none) of type type, its payload
 * the JSON text payload; a full queue is written.  0, or -1 when a write
 * failed (the store has said why).
 */
int events_add(struct events *q, const char *order_id, const char *type, const char *payload);
/* Write what is queued (after a failure: let it go); 0 or -1. */
int events_flush(struct events *q);
/* A failure elsewhere: let go of what is queued and write nothing more. */
void events_drop(struct events *q);
/* Drop what is queued and free the queue's memory. */
void events_release(struct events *q);

#endif
