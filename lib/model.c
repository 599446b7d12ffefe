#include <string.h>

#include "model.h"
#include "util.h"

int64_t
node_atp(int64_t on_hand, int64_t safety_stock, int64_t reserved)
{
	int64_t atp = on_hand - safety_stock - reserved;

	return atp > 0 ? atp : 0;
}

int64_t
line_open(const struct line_qty *q)
{
	return q->qty - q->allocated - q->routed - q->released - q->shipped - q->cancelled;
}

static const char *const statuses[] = {
	"backordered", "open", "allocated", "routed", "released", "shipped", "cancelled"
};

const char *
line_status(const struct line_qty *q)
{
	if (q->backordered > 0)
		return statuses[0];
	if (line_open(q) > 0)
		return statuses[1];
	if (q->allocated > 0)
		return statuses[2];
	if (q->routed > 0)
		return statuses[3];
	if (q->released > 0)
		return statuses[4];
	if (q->shipped > 0)
		return statuses[5];
	return statuses[6];
}

int
line_status_valid(const char *s)
{
	return strtab_find(statuses, sizeof statuses / sizeof *statuses, s) >= 0;
}

const char *
line_ship_to_node(const char *method, const char *pickup_node)
{
	return strcmp(method, "ship") == 0 ? NULL : pickup_node;
}
