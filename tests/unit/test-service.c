/*
 * Table-driven unit tests of lib/model's order of service (service_cmp,
 * oms-allocate(1) "Order of service"): each case is two keys and which
 * comes first.  Prints TAP-style "ok"/"not ok" lines.
 */
#include <stdio.h>

#include "model.h"

static int failures, count;

/* The sign of a comparison: -1, 0 or 1. */
static int
sign(int c)
{
	return (c > 0) - (c < 0);
}

#define T1 "2026-11-01T09:00:00Z"
#define T2 "2026-11-02T09:00:00Z"
#define T3 "2026-11-02T10:00:00Z"

/*
 * Each case: a, b, and -1 when a is served first, 1 when b is, 0 when
 * they are one place (the same line).  Every case is checked both ways
 * round: service_cmp(b, a) is the reverse, the order of take-back.
 */
static const struct service_case {
	const char *what;
	struct service_key a, b;
	int want;
} cases[] = {
	{ "priority 1 before 2",
	    { "O2", T2, T2, 1, 0 }, { "O1", T1, T1, 2, 0 }, -1 },
	{ "priority 2 before 10, as numbers",
	    { "O1", T1, T1, 10, 0 }, { "O2", T2, T2, 2, 0 }, 1 },
	{ "priority before a promise date",
	    { "O1", NULL, T1, 3, 0 }, { "O2", T1, T1, 4, 0 }, -1 },
	{ "earlier promise date first",
	    { "O2", T1, T3, 5, 0 }, { "O1", T2, T1, 5, 0 }, -1 },
	{ "promise date to the second",
	    { "O1", T3, T1, 5, 0 }, { "O2", T2, T1, 5, 0 }, 1 },
	{ "no promise date after one",
	    { "O1", NULL, T1, 5, 0 }, { "O2", T3, T3, 5, 0 }, 1 },
	{ "a promise date before none",
	    { "O9", T3, T3, 5, 0 }, { "O1", NULL, T1, 5, 0 }, -1 },
	{ "no promise date either: created_at decides",
	    { "O1", NULL, T2, 5, 0 }, { "O2", NULL, T1, 5, 0 }, 1 },
	{ "same promise date: earlier created_at first",
	    { "O2", T3, T1, 5, 0 }, { "O1", T3, T2, 5, 0 }, -1 },
	{ "created_at before the order id",
	    { "O2", T2, T1, 5, 0 }, { "O1", T2, T3, 5, 0 }, -1 },
	{ "created_at tie: order id in byte order",
	    { "O1", T2, T1, 5, 0 }, { "O2", T2, T1, 5, 0 }, -1 },
	{ "order id in byte order, not as a number: O10 before O9",
	    { "O9", NULL, T1, 5, 0 }, { "O10", NULL, T1, 5, 0 }, 1 },
	{ "order id in byte order: upper case before lower",
	    { "a", NULL, T1, 5, 0 }, { "B", NULL, T1, 5, 0 }, 1 },
	{ "order id before the line number",
	    { "O1", T1, T1, 5, 9 }, { "O2", T1, T1, 5, 1 }, -1 },
	{ "line 1 before 2",
	    { "O1", T1, T1, 5, 1 }, { "O1", T1, T1, 5, 2 }, -1 },
	{ "line 2 before 10, as numbers",
	    { "O1", T1, T1, 5, 10 }, { "O1", T1, T1, 5, 2 }, 1 },
	{ "the same line",
	    { "O1", T1, T2, 5, 3 }, { "O1", T1, T2, 5, 3 }, 0 },
	{ "the same order, as orders (line 0)",
	    { "O1", NULL, T2, 5, 0 }, { "O1", NULL, T2, 5, 0 }, 0 },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct service_case *c = &cases[i];
		int ab = sign(service_cmp(&c->a, &c->b)), ba = sign(service_cmp(&c->b, &c->a));
		int ok = ab == c->want && ba == -c->want;

		count++;
		if (!ok)
			failures++;
		printf("%s %d service: %s", ok ? "ok" : "not ok", count, c->what);
		if (!ok)
			printf(" (got %d and %d, want %d)", ab, ba, c->want);
		printf("\n");
	}
	return failures != 0;
}
