/*
 * Table-driven unit tests of lib/alloc-supply's alloc_supply_serves: which
 * lines may take a supply, by its node's capabilities and the line's
 * method and store (oms-allocate(1), "Supply").  Prints TAP-style
 * "ok"/"not ok" lines.
 */
#include <stdio.h>

#include "alloc-supply.h"

static int failures, count;

/* node DC (a warehouse), ST (a store), VN (a vendor) */
#define WH(active, ship, located) { "P", "DC", "A", "2026-12-01", 5, 0, active, ship, 0, 0, \
	located, 0, 0 }
#define STORE(ship, pickup, curb) { "P", "ST", "A", "2026-12-01", 5, 0, 1, ship, pickup, \
	curb, 1, 0, 0 }
#define VENDOR(own) { "P", "VN", "A", "2026-12-01", 5, 1, 1, 0, 0, 0, 1, 0, own }

static const struct supply_case {
	const char *what;
	struct open_supply s;
	const char *method, *pickup_node;
	int want;
} cases[] = {
	{ "a ship line takes a shipping warehouse's", WH(1, 1, 1), "ship", NULL, 1 },
	{ "a locker line too", WH(1, 1, 1), "locker", "LK1", 1 },
	{ "not an inactive node's", WH(0, 1, 1), "ship", NULL, 0 },
	{ "not a node that does not ship", WH(1, 0, 1), "ship", NULL, 0 },
	{ "not a node that cannot be located", WH(1, 1, 0), "ship", NULL, 0 },
	{ "a vendor's of its own item", VENDOR(1), "ship", NULL, 1 },
	{ "not a vendor's of another item", VENDOR(0), "ship", NULL, 0 },
	{ "a pickup line its store's", STORE(0, 1, 0), "pickup", "ST", 1 },
	{ "not another store's", STORE(1, 1, 1), "pickup", "ST2", 0 },
	{ "not a store that does not offer pickup", STORE(1, 0, 1), "pickup", "ST", 0 },
	{ "a curbside line its store's", STORE(0, 0, 1), "curbside", "ST", 1 },
	{ "not without curbside", STORE(0, 1, 0), "curbside", "ST", 0 },
	{ "a ship line not a store's that does not ship", STORE(0, 1, 1), "ship", NULL, 0 },
	{ "a ship line a store's that ships", STORE(1, 1, 1), "ship", NULL, 1 },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct supply_case *c = &cases[i];
		int got = alloc_supply_serves(&c->s, c->method, c->pickup_node) != 0;
		int ok = got == c->want;

		count++;
		if (!ok)
			failures++;
		printf("%s %d supply: %s", ok ? "ok" : "not ok", count, c->what);
		if (!ok)
			printf(" (got %d, want %d)", got, c->want);
		printf("\n");
	}
	return failures != 0;
}
