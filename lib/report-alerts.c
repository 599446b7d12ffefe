/*
 * oms-report alerts: what needs someone's attention now (releases not
 * confirmed in time, promises a plan can no longer keep, pickups near
 * their last day, nodes full today).  See store-alerts.h for each rule.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "parse.h"
#include "report-int.h"
#include "store-alerts.h"

static const struct outcol alert_cols[] = {
	{ "alert", COL_TEXT }, { "node_id", COL_TEXT }, { "order_id", COL_TEXT },
	{ "release_id", COL_TEXT }, { "line_no", COL_NUM }, { "since", COL_TEXT },
	{ "detail", COL_TEXT },
};

static int
alert_row(void *p, const struct alert *a)
{
	char line[24];
	const char *out[7] = { a->kind, a->node_id, a->order_id, a->release_id,
		a->line_no > 0 ? int_text(line, a->line_no) : NULL, a->since, a->detail };

	row(p, out);
	return 0;
}

int
report_alerts(struct view_ctx *c, const struct view_filter *f)
{
	char today[11], now[21];

	/* now, or with --today the end of that day */
	if (c->o->today == NULL) {
		now_iso(now);
		snprintf(today, sizeof today, "%.10s", now);
	} else {
		snprintf(today, sizeof today, "%s", c->o->today);
		days_date(date_days(today) + 1, now);
		snprintf(now + 10, sizeof now - 10, "T00:00:00Z");
	}
	c->cols = alert_cols;
	c->ncols = 7;
	return store_alerts(c->st, now, today, PICKUP_REMIND_DAYS, f->node, alert_row, c);
}
