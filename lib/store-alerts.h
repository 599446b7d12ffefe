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


#endif
