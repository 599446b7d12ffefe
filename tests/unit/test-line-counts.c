/*
 * Table-driven unit tests of lib/model's rules of a line's counts
 * (line_counts_broken, oms(7) "Line counts"): each case is a line's
 * counts and the rules it breaks.  Prints TAP-style "ok"/"not ok" lines.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"

/*
 * Each case: qty, allocated, routed, released, shipped, cancelled,
 * returned, backordered, and the rules broken.
 */
static const struct counts_case {
	const char *what;
	struct line_qty q;
	unsigned want;
} cases[] = {
	{ "a new line", { 5, 0, 0, 0, 0, 0, 0, 0 }, 0 },
	{ "every unit in a bucket", { 10, 1, 2, 3, 3, 1, 0, 0 }, 0 },
	{ "one unit over qty", { 10, 1, 2, 3, 4, 1, 0, 0 }, LINE_BUCKETS },
	{ "routed alone over qty", { 2, 0, 3, 0, 0, 0, 0, 0 }, LINE_BUCKETS },
	{ "everything returned that shipped", { 3, 0, 0, 0, 3, 0, 3, 0 }, 0 },
	{ "returned over shipped", { 3, 0, 0, 0, 2, 0, 3, 0 }, LINE_RETURNED },
	{ "the whole open backordered", { 5, 2, 0, 0, 0, 0, 0, 3 }, 0 },
	{ "backordered over open", { 5, 3, 0, 0, 0, 0, 0, 3 }, LINE_BACKORDERED },
	{ "backordered on a line over qty: both rules",
	    { 2, 3, 0, 0, 0, 0, 0, 1 }, LINE_BUCKETS | LINE_BACKORDERED },
	{ "nothing backordered on a line over qty: one rule",
	    { 2, 3, 0, 0, 0, 0, 0, 0 }, LINE_BUCKETS },
	{ "all three", { 2, 2, 0, 0, 1, 0, 2, 1 },
	    LINE_BUCKETS | LINE_RETURNED | LINE_BACKORDERED },
};

int
main(void)
{
	size_t i;
	int failures = 0, count = 0;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct counts_case *c = &cases[i];
		unsigned got = line_counts_broken(&c->q);

		count++;
		if (got != c->want)
			failures++;
		printf("%s %d line counts: %s", got == c->want ? "ok" : "not ok", count, c->what);
		if (got != c->want)
			printf(" (got %u, want %u)", got, c->want);
		printf("\n");
	}
	count++;
	if (strcmp(line_rule_name(LINE_BUCKETS), "line_buckets") != 0 ||
	    strcmp(line_rule_name(LINE_RETURNED), "line_returned") != 0 ||
	    strcmp(line_rule_name(LINE_BACKORDERED), "line_backordered") != 0) {
		failures++;
		printf("not ok %d line counts: the rules' names\n", count);
	} else {
		printf("ok %d line counts: the rules' names, as oms-report check reports them\n",
		    count);
	}
	return failures != 0;
}
