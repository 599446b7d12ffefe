#ifndef OMS_STORE_ALERTS_H
#define OMS_STORE_ALERTS_H
/*
 * store-alerts: what needs someone's attention now (lib/store-alerts.c),
 * for oms-report alerts.
 */
#include "store.h"

/*
 * One alert: its kind (release_overdue, at_risk, pickup_expiring,
 * node_full), where, what, since when and why; fields that do not apply
 * are NULL (line_no 0).  Strings live until fn returns.
 */
struct alert {
	const char *kind, *node_id, *order_id, *release_id;
	int64_t line_no;
	const char *since;	/* released_at, promise_date, last_day, or the day */
	const char *detail;
};
/*
 * Every alert open at time now (YYYY-MM-DDTHH:MM:SSZ) on day today
 * (YYYY-MM-DD): releases with units out at their node past its time to
 * confirm (4 hours for a release of pickup or curbside lines, else 24);
 * routed or released work whose promise date can no longer be met
 * (today plus the node's processing days, unless released, plus the
 * transit days of its routing, after the promise day); collections
 * announced ready with at most remind_days left to their last day; nodes
 * whose releases of today that count against capacity (not those whose
 * every unit came back short or cancelled) reach it.  By kind in that
 * order, then node, order, line.  Filter: node.
 */
int store_alerts(struct store *st, const char *now, const char *today, int64_t remind_days,
	const struct strv *node, int (*fn)(void *ctx, const struct alert *a), void *ctx);

/*
 * A node's day as oms-release --expire tells it: used, its releases of
 * the day that count against its capacity (those with a unit not short
 * or cancelled); capacity, its capacity_per_day (-1: none); detail, used
 * against capacity in words (as node_full's); subject, the node's day as
 * the table sent_once names it (NODE/DAY); filled and freed, how many
 * node.capacity_filled and node.capacity_freed events were sent of it.
 * Strings live until fn returns.
 */
struct node_capacity_told {
	const char *node_id, *subject, *detail;
	int64_t used, capacity, filled, freed;
};
/*
 * Every node full on day (YYYY-MM-DD), and every node told filled that
 * day more often than freed, by node_id.
 */
int store_capacity_told(struct store *st, const char *day,
	int (*fn)(void *ctx, const struct node_capacity_told *t), void *ctx);

#endif
