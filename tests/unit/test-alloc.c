/*
 * Table-driven unit tests of lib/alloc's decision, which takes plain
 * structs and no store: who may draw on a node's stock (alloc_serves),
 * and what alloc_order gives the lines of each order, decided in the
 * order of service (the caller's order of calls and ranks): ship and
 * pickup lines on one store, ship-complete orders, vendors, inactive
 * nodes, routed work taken back, and the reasons of places that cannot
 * be located.  The order of service itself (cmp_service: priority,
 * promise, created_at, order_id) is static in alloc.c and needs the
 * store's rows: the bats suites cover it.  Each expected figure is
 * worked out by hand in its comment.  Prints TAP-style "ok"/"not ok"
 * lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sourcing.h"
#include "store-sourcing.h"
#include "util.h"

static int failures, count;

static void
check(int ok, const char *what)
{
	count++;
	if (!ok)
		failures++;
	printf("%s %d alloc: %s\n", ok ? "ok" : "not ok", count, what);
}

/* --- who may draw on a node's stock ------------------------------------- */

static void
serves_cases(void)
{
	static const struct {
		struct alloc_node_caps caps;	/* vendor, active, ship, pickup, curbside, located, s2s */
		int own_item;
		unsigned want;
		const char *why;
	} t[] = {
		{ { 0, 0, 1, 1, 1, 1, 0 }, 0, 0, "an inactive node serves no line" },
		{ { 0, 1, 1, 0, 0, 1, 0 }, 0, ALLOC_SERVES_SHIP, "a located node that ships: the pool" },
		{ { 0, 1, 0, 0, 0, 1, 0 }, 0, 0, "a node that neither ships nor hands over: nothing" },
		{ { 0, 1, 1, 0, 0, 0, 0 }, 0, 0, "a node that cannot be located ships nothing" },
		{ { 0, 1, 1, 1, 0, 0, 0 }, 0, ALLOC_SERVES_PICKUP,
		    "a store that cannot be located still hands over pickups" },
		{ { 0, 1, 1, 1, 1, 1, 0 }, 0,
		    ALLOC_SERVES_SHIP | ALLOC_SERVES_PICKUP | ALLOC_SERVES_CURBSIDE,
		    "a store that ships and offers pickup and curbside: all three" },
		{ { 1, 1, 0, 0, 0, 1, 0 }, 1, ALLOC_SERVES_SHIP,
		    "a vendor ships its own items, can_ship or not" },
		{ { 1, 1, 1, 0, 0, 1, 0 }, 0, 0, "a vendor ships no one else's items, can_ship or not" },
		{ { 1, 1, 0, 0, 0, 0, 0 }, 1, 0, "a vendor that cannot be located ships nothing" },
	};
	char what[160];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		snprintf(what, sizeof what, "serves: %s", t[i].why);
		check(alloc_serves(&t[i].caps, t[i].own_item) == t[i].want, what);
	}
}

/* --- the network the decisions below run on ----------------------------- */

/*
 *   DC1, DC2  warehouses that ship
 *   ST1       a store: pickup only (does not ship)
 *   ST2       a store that ships, with pickup and curbside
 *   V1        a vendor (ships the items it is the vendor of)
 *   X1        an inactive warehouse
 *   U1        a warehouse that ships but cannot be located (postal code
 *             99999, country US unknown)
 *   L1        a locker that cannot be located (no lat/lon, no postal code)
 *   L2        a locker that can
 *   ST3       a store, pickup and curbside only, that takes pickups
 *             shipped to it (ship_to_store)
 */
static struct allocator *
network(void)
{
	static const struct {
		const char *id, *type;
		struct alloc_node_caps caps;	/* vendor, active, ship, pickup, curbside, located, s2s */
		const char *code, *country;
	} nodes[] = {
		{ "DC1", "warehouse", { 0, 1, 1, 0, 0, 1, 0 }, NULL, NULL },
		{ "DC2", "warehouse", { 0, 1, 1, 0, 0, 1, 0 }, NULL, NULL },
		{ "ST1", "store", { 0, 1, 0, 1, 0, 1, 0 }, NULL, NULL },
		{ "ST2", "store", { 0, 1, 1, 1, 1, 1, 0 }, NULL, NULL },
		{ "V1", "vendor", { 0, 1, 0, 0, 0, 1, 0 }, NULL, NULL },
		{ "X1", "warehouse", { 0, 0, 1, 0, 0, 1, 0 }, NULL, NULL },
		{ "U1", "warehouse", { 0, 1, 1, 0, 0, 0, 0 }, "99999", "US" },
		{ "L1", "locker", { 0, 1, 0, 0, 0, 0, 0 }, "", "" },
		{ "L2", "locker", { 0, 1, 0, 0, 0, 1, 0 }, NULL, NULL },
		{ "ST3", "store", { 0, 1, 0, 1, 1, 1, 1 }, NULL, NULL },
	};
	struct allocator *a = alloc_new();
	size_t i;

	for (i = 0; i < sizeof nodes / sizeof *nodes; i++)
		alloc_add_node(a, nodes[i].id, nodes[i].type, &nodes[i].caps, nodes[i].code,
		    nodes[i].country);
	return a;
}

static struct alloc_line
line(const char *sku, const char *method, const char *node, int64_t demand)
{
	struct alloc_line l;

	memset(&l, 0, sizeof l);
	l.sku = sku;
	l.method = method;
	l.pickup_node = node;
	l.demand = demand;
	return l;
}

/* One order of one line, at rank, not ship-complete; l keeps the answer. */
static void
one(struct allocator *a, struct alloc_line *l, long rank)
{
	alloc_order(a, l, 1, 0, rank);
}

static int
is(const struct alloc_line *l, int64_t allocated, enum backorder_why reason)
{
	if (l->allocated == allocated && l->reason == reason)
		return 1;
	printf("# got allocated %lld, reason %d\n", (long long)l->allocated, (int)l->reason);
	return 0;
}

/* The reason of l as text is want. */
static int
says(const struct allocator *a, const struct alloc_line *l, const char *want)
{
	struct buf b = BUF_INIT;
	const char *got = alloc_line_reason(a, l, &b);
	int ok = got != NULL && strcmp(got, want) == 0;

	if (!ok)
		printf("# got \"%s\"\n", got ? got : "(none)");
	buf_release(&b);
	return ok;
}

/* --- the order of service ----------------------------------------------- */

static void
service_cases(void)
{
	struct allocator *a = network();
	struct alloc_line l1 = line("A", "ship", NULL, 3), l2 = line("A", "ship", NULL, 3);
	struct alloc_line l3 = line("A", "ship", NULL, 1);

	/* 5 of A at DC1: the first order served takes 3, the second the 2 left */
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	one(a, &l1, 0);
	one(a, &l2, 1);
	one(a, &l3, 2);
	check(is(&l1, 3, BO_NONE), "service: the first order takes its 3 of 5");
	check(is(&l2, 2, BO_NETWORK), "service: the second gets the 2 left, short for the network");
	check(says(a, &l2, "no stock in the network"), "service: its reason, in words");
	check(is(&l3, 0, BO_NETWORK), "service: the third gets nothing");
	alloc_free(a);

	/* the pool is every node that ships: 2 at DC1 + 2 at DC2 serve a line of 4 */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 2);
	alloc_add_stock(a, "A", NULL, "DC2", 2);
	l1 = line("A", "ship", NULL, 4);
	one(a, &l1, 0);
	check(is(&l1, 4, BO_NONE), "service: a ship line draws on the whole pool, 2 + 2");
	alloc_free(a);

	/* a line kept from an earlier run counts first: 3 at DC1, 2 kept, 1 left */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 3);
	l1 = line("A", "ship", NULL, 2);
	alloc_keep(a, &l1, 2);
	l2 = line("A", "ship", NULL, 3);
	one(a, &l2, 0);
	check(is(&l2, 1, BO_NETWORK), "service: a kept allocation of 2 leaves 1 of 3");
	alloc_free(a);

	/* demand 0 (all routed or shipped already): nothing, and no reason */
	a = network();
	l1 = line("A", "ship", NULL, 0);
	one(a, &l1, 0);
	check(is(&l1, 0, BO_NONE), "service: a line that asks for nothing has no reason");
	alloc_free(a);
}

/* --- ship-complete ------------------------------------------------------ */

static void
complete_cases(void)
{
	struct allocator *a = network();
	struct alloc_line o1[2], l;

	/* 5 of A and 1 of B at DC1; a ship-complete order of 2 A and 2 B is short of B */
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	alloc_add_stock(a, "B", NULL, "DC1", 1);
	o1[0] = line("A", "ship", NULL, 2);
	o1[1] = line("B", "ship", NULL, 2);
	alloc_order(a, o1, 2, 1, 0);
	check(is(&o1[0], 0, BO_SHIP_COMPLETE) && is(&o1[1], 0, BO_SHIP_COMPLETE),
	    "complete: short of B, the order takes nothing, both lines ship-complete short");
	check(says(a, &o1[0], "ship-complete order short"), "complete: its reason, in words");
	/* what it gave back is there for the next: all 5 of A */
	l = line("A", "ship", NULL, 5);
	one(a, &l, 1);
	check(is(&l, 5, BO_NONE), "complete: the next order has all 5 of A");
	alloc_free(a);

	/* served whole when it can be: 2 A of 5, 1 B of 1 */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	alloc_add_stock(a, "B", NULL, "DC1", 1);
	o1[0] = line("A", "ship", NULL, 2);
	o1[1] = line("B", "ship", NULL, 1);
	alloc_order(a, o1, 2, 1, 0);
	check(is(&o1[0], 2, BO_NONE) && is(&o1[1], 1, BO_NONE),
	    "complete: served whole when it can be");
	alloc_free(a);

	/* not ship-complete: the same short order takes what there is, 2 A and 1 B */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	alloc_add_stock(a, "B", NULL, "DC1", 1);
	o1[0] = line("A", "ship", NULL, 2);
	o1[1] = line("B", "ship", NULL, 2);
	alloc_order(a, o1, 2, 0, 0);
	check(is(&o1[0], 2, BO_NONE) && is(&o1[1], 1, BO_NETWORK),
	    "complete: an order that is not ship-complete takes 2 A and the 1 B");
	alloc_free(a);
}

/* --- pickup and ship on one store --------------------------------------- */

static void
store_cases(void)
{
	struct allocator *a;
	struct alloc_line s, p;

	/*
	 * 4 at ST2, which ships and hands over, and nothing else.  A ship
	 * line of 3 first: the pool (ST2's 4) gives 3.  Then a pickup of 3 at
	 * ST2: its store has 4, but the pool it also backs has only 1 left.
	 */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST2", 4);
	s = line("A", "ship", NULL, 3);
	p = line("A", "pickup", "ST2", 3);
	one(a, &s, 0);
	one(a, &p, 1);
	check(is(&s, 3, BO_NONE), "store: ship first, 3 of the store's 4");
	check(is(&p, 1, BO_STORE), "store: then a pickup there gets the 1 left, short at the store");
	check(says(a, &p, "no stock at the pickup store"), "store: its reason, in words");
	alloc_free(a);

	/* the other way round: the pickup takes 3 of 4, the ship line the 1 left */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST2", 4);
	p = line("A", "pickup", "ST2", 3);
	s = line("A", "ship", NULL, 3);
	one(a, &p, 0);
	one(a, &s, 1);
	check(is(&p, 3, BO_NONE), "store: pickup first, 3 of 4");
	check(is(&s, 1, BO_NETWORK), "store: then a ship line gets the 1 left in the pool");
	alloc_free(a);

	/* a store that does not ship is not in the pool: ST1's 2 for its pickups, DC1's 2 to ship */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST1", 2);
	alloc_add_stock(a, "A", NULL, "DC1", 2);
	p = line("A", "pickup", "ST1", 2);
	s = line("A", "ship", NULL, 3);
	one(a, &p, 0);
	one(a, &s, 1);
	check(is(&p, 2, BO_NONE), "store: a pickup at a store that does not ship, 2 of 2");
	check(is(&s, 2, BO_NETWORK), "store: a ship line has DC1's 2 only, not the store's");
	alloc_free(a);

	/* a pickup draws on its store only: 5 at DC1, none at ST1 */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	p = line("A", "pickup", "ST1", 1);
	one(a, &p, 0);
	check(is(&p, 0, BO_STORE), "store: a pickup never draws on a warehouse");
	alloc_free(a);

	/* a method the store does not offer: curbside at ST1; any at a node not known */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST1", 5);
	alloc_add_stock(a, "A", NULL, "ST2", 5);
	p = line("A", "curbside", "ST1", 1);
	one(a, &p, 0);
	check(is(&p, 0, BO_METHOD), "store: curbside at a store without it: the method");
	check(says(a, &p, "node does not offer the method"), "store: its reason, in words");
	p = line("A", "pickup", "NOWHERE", 1);
	one(a, &p, 1);
	check(is(&p, 0, BO_METHOD), "store: a pickup at a node not known: the method");
	p = line("A", "curbside", "ST2", 2);
	one(a, &p, 2);
	check(is(&p, 2, BO_NONE), "store: curbside at a store that offers it");
	alloc_free(a);
}

/* --- vendors and inactive nodes ----------------------------------------- */

static void
vendor_cases(void)
{
	struct allocator *a = network();
	struct alloc_line l;

	/* V1 is the vendor of D: its 10 ship; it holds 10 of E too, whose vendor it is not */
	alloc_add_stock(a, "D", "V1", "V1", 10);
	alloc_add_stock(a, "E", NULL, "V1", 10);
	alloc_add_stock(a, "F", "V1", "X1", 10);
	l = line("D", "ship", NULL, 4);
	one(a, &l, 0);
	check(is(&l, 4, BO_NONE), "vendor: ships 4 of its own item D");
	l = line("E", "ship", NULL, 1);
	one(a, &l, 1);
	check(is(&l, 0, BO_NETWORK), "vendor: ships none of E, not its item");
	/* X1 is inactive: its 10 of F serve nobody */
	l = line("F", "ship", NULL, 1);
	one(a, &l, 2);
	check(is(&l, 0, BO_NETWORK), "inactive: a node's stock serves no line");
	alloc_free(a);
}

/* --- routed work taken back --------------------------------------------- */

static void
routed_cases(void)
{
	struct allocator *a;
	struct alloc_line l, o[2];
	const struct alloc_take *t;
	int n;

	/*
	 * DC1's A is all routed (atp 0 net of it): 3 for the order at rank 5
	 * (ref 50).  A line of the order at rank 2 asks for 2: it takes 2 of
	 * the 3 back.  One at rank 7, after it, takes none.
	 */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 0);
	alloc_add_routed(a, "A", "DC1", 5, 0, 3, 50);
	l = line("A", "ship", NULL, 2);
	one(a, &l, 2);
	t = alloc_taken(a, &n);
	check(is(&l, 2, BO_NONE) && n == 1 && t[0].ref == 50 && t[0].qty == 2,
	    "routed: an order ahead takes back 2 of 3 routed to an order after it");
	l = line("A", "ship", NULL, 2);
	one(a, &l, 7);
	t = alloc_taken(a, &n);
	check(is(&l, 0, BO_NETWORK) && n == 0,
	    "routed: an order after it takes none of the 1 left");
	alloc_free(a);

	/* the last in the order of service first: 2 at rank 5 (ref 50), 2 at rank 6 (ref 60); 3 wanted */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 0);
	alloc_add_routed(a, "A", "DC1", 5, 0, 2, 50);
	alloc_add_routed(a, "A", "DC1", 6, 0, 2, 60);
	l = line("A", "ship", NULL, 3);
	one(a, &l, 1);
	t = alloc_taken(a, &n);
	check(is(&l, 3, BO_NONE) && n == 2 && t[0].ref == 60 && t[0].qty == 2 &&
	    t[1].ref == 50 && t[1].qty == 1,
	    "routed: taken back the last first: rank 6's 2, then 1 of rank 5's");
	alloc_free(a);

	/* an order that ships complete loses all its routed work: 3 A (ref 50) and 1 B (ref 51) */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 0);
	alloc_add_stock(a, "B", NULL, "DC1", 0);
	alloc_add_routed(a, "A", "DC1", 5, 1, 3, 50);
	alloc_add_routed(a, "B", "DC1", 5, 1, 1, 51);
	l = line("A", "ship", NULL, 1);
	one(a, &l, 2);
	t = alloc_taken(a, &n);
	check(is(&l, 1, BO_NONE) && n == 2 && t[0].ref == 50 && t[0].qty == 3 &&
	    t[1].ref == 51 && t[1].qty == 1,
	    "routed: taking 1 of a ship-complete order's work takes all of it, 3 A and 1 B");
	/* what came back and was not taken is free: the other 2 A and the 1 B */
	l = line("A", "ship", NULL, 5);
	one(a, &l, 3);
	check(is(&l, 2, BO_NETWORK), "routed: the 2 A left over are free for the next order");
	alloc_free(a);

	/*
	 * a ship-complete order that cannot be served whole takes nothing
	 * back: it needs 2 A (3 routed, ref 50) and 1 C (none anywhere)
	 */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 0);
	alloc_add_routed(a, "A", "DC1", 5, 0, 3, 50);
	o[0] = line("A", "ship", NULL, 2);
	o[1] = line("C", "ship", NULL, 1);
	alloc_order(a, o, 2, 1, 2);
	t = alloc_taken(a, &n);
	check(is(&o[0], 0, BO_SHIP_COMPLETE) && is(&o[1], 0, BO_SHIP_COMPLETE) && n == 0,
	    "routed: a ship-complete order short of C takes no A back");
	/* the 3 are still routed: the next order ahead of rank 5 takes them all */
	l = line("A", "ship", NULL, 3);
	one(a, &l, 3);
	t = alloc_taken(a, &n);
	check(is(&l, 3, BO_NONE) && n == 1 && t[0].ref == 50 && t[0].qty == 3,
	    "routed: the work it gave back is whole for the next: 3 of ref 50");
	alloc_free(a);

	/* a pickup takes back work routed from its own store, not from elsewhere */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST1", 0);
	alloc_add_stock(a, "A", NULL, "DC1", 0);
	alloc_add_routed(a, "A", "DC1", 5, 0, 2, 50);
	alloc_add_routed(a, "A", "ST1", 5, 0, 1, 51);
	l = line("A", "pickup", "ST1", 2);
	one(a, &l, 1);
	t = alloc_taken(a, &n);
	check(is(&l, 1, BO_STORE) && n == 1 && t[0].ref == 51 && t[0].qty == 1,
	    "routed: a pickup at ST1 takes back ST1's 1, none of DC1's 2");
	alloc_free(a);
}

/* --- places that cannot be located -------------------------------------- */

static void
place_cases(void)
{
	struct allocator *a = network();
	struct alloc_line l, o[2];

	alloc_add_stock(a, "A", NULL, "DC1", 10);
	/* the order's ship-to cannot be placed: a ship line gets nothing, for that */
	l = line("A", "ship", NULL, 2);
	l.ship_to_code = "99999";
	l.ship_to_country = "US";
	one(a, &l, 0);
	check(is(&l, 0, BO_DEST) &&
	    says(a, &l, "destination postal code 99999 (country US) unknown"),
	    "place: a ship-to of unknown postal code gets nothing");
	l = line("A", "ship", NULL, 2);
	l.ship_to_code = "";
	l.ship_to_country = "";
	one(a, &l, 1);
	check(is(&l, 0, BO_DEST) &&
	    says(a, &l, "destination unknown (no ship_lat/ship_lon, no postal code)"),
	    "place: a ship-to with neither lat/lon nor postal code gets nothing");
	/* a pickup needs no place: the customer comes to the store */
	/* a locker that cannot be located: nothing; one that can: served */
	l = line("A", "locker", "L1", 1);
	one(a, &l, 2);
	check(is(&l, 0, BO_LOCKER) &&
	    says(a, &l, "locker L1 cannot be located (no lat/lon, no postal code)"),
	    "place: a locker line to a locker that cannot be located gets nothing");
	l = line("A", "locker", "L2", 1);
	one(a, &l, 3);
	check(is(&l, 1, BO_NONE), "place: a locker line to a located locker draws on the pool");
	/* ship-complete: the unplaced line says why, the other is short for it */
	o[0] = line("A", "ship", NULL, 1);
	o[1] = line("A", "locker", "L1", 1);
	alloc_order(a, o, 2, 1, 4);
	check(is(&o[0], 0, BO_SHIP_COMPLETE) && is(&o[1], 0, BO_LOCKER),
	    "place: in a ship-complete order, the locker line's place, the other's ship-complete");
	alloc_free(a);

	/*
	 * stock at a node that would ship but cannot be located: 1 at DC1, 5
	 * at U1.  A line of 3 gets DC1's 1; the 2 it lacks are at U1, its
	 * reason.  A second line of 4 lacks 4: U1 has 5 - 2 = 3 left to name,
	 * so U1 again.  A third lacks 1, and U1 has 3 - 3 = 0 left: the network.
	 */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 1);
	alloc_add_stock(a, "A", NULL, "U1", 5);
	l = line("A", "ship", NULL, 3);
	one(a, &l, 0);
	check(is(&l, 1, BO_NODE) &&
	    says(a, &l, "node U1 cannot be located (postal code 99999, country US unknown)"),
	    "place: short for stock at a node that cannot be located: that node");
	l = line("A", "ship", NULL, 4);
	one(a, &l, 1);
	check(is(&l, 0, BO_NODE), "place: the next line short, U1 has 3 of its units left to name");
	l = line("A", "ship", NULL, 1);
	one(a, &l, 2);
	check(is(&l, 0, BO_NETWORK), "place: U1's 5 all named: the network");
	alloc_free(a);
}

/* --- ship-to-store: a pickup served from the network ------------------- */

static struct alloc_line
pickup(const char *store, int64_t demand, int may_transfer)
{
	struct alloc_line l = line("A", "pickup", store, demand);

	l.may_transfer = may_transfer;
	return l;
}

static void
to_store_cases(void)
{
	struct allocator *a;
	struct alloc_line l, s;

	/* the store has 1 of 3, the network 5: shipped to the store, all 3 */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST3", 1);
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l = pickup("ST3", 3, 1);
	one(a, &l, 0);
	check(is(&l, 3, BO_NONE) && l.transfer == 1,
	    "to store: short at the store, served from the network");
	/* what it took is the pool's: a ship line after it has the 2 left */
	s = line("A", "ship", NULL, 5);
	one(a, &s, 1);
	check(is(&s, 2, BO_NETWORK), "to store: its units are the pool's");
	/* and the store's own unit is still there for a pickup */
	l = pickup("ST3", 1, 1);
	one(a, &l, 2);
	check(is(&l, 1, BO_NONE) && l.transfer == 0, "to store: the store's stock untouched");
	alloc_free(a);

	/* the item may not be shipped to a store: the store's 1, as before */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST3", 1);
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l = pickup("ST3", 3, 0);
	one(a, &l, 0);
	check(is(&l, 1, BO_STORE) && l.transfer == 0, "to store: not for this item");
	alloc_free(a);

	/* a store without ship_to_store waits for its own stock */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l = pickup("ST1", 2, 1);
	one(a, &l, 0);
	check(is(&l, 0, BO_STORE) && l.transfer == 0, "to store: not at this store");
	alloc_free(a);

	/* the store covers the line: no shipment, whatever the network has */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST3", 3);
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l = pickup("ST3", 3, 1);
	one(a, &l, 0);
	check(is(&l, 3, BO_NONE) && l.transfer == 0, "to store: the store's stock first");
	alloc_free(a);

	/* the network has no more than the store: the store's, partly */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST3", 2);
	alloc_add_stock(a, "A", NULL, "DC1", 1);
	l = pickup("ST3", 3, 1);
	one(a, &l, 0);
	check(is(&l, 2, BO_STORE) && l.transfer == 0,
	    "to store: only when the network gives more");
	/* the network gives more, not all: shipped, and short of the network */
	alloc_free(a);
	a = network();
	alloc_add_stock(a, "A", NULL, "ST3", 1);
	alloc_add_stock(a, "A", NULL, "DC1", 2);
	l = pickup("ST3", 3, 1);
	one(a, &l, 0);
	check(is(&l, 2, BO_NETWORK) && l.transfer == 1, "to store: the network's 2 of 3");
	alloc_free(a);

	/* a line shipped to its store already stays so, though the store has it now */
	a = network();
	alloc_add_stock(a, "A", NULL, "ST3", 5);
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l = pickup("ST3", 2, 1);
	l.transfer = 1;
	one(a, &l, 0);
	check(is(&l, 2, BO_NONE) && l.transfer == 1, "to store: kept so once under way");
	s = line("A", "ship", NULL, 5);
	one(a, &s, 1);
	check(is(&s, 3, BO_NETWORK), "to store: kept so, from the pool");
	alloc_free(a);

	/* an allocation kept for a line shipped to its store holds the pool */
	a = network();
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l = pickup("ST3", 0, 1);
	l.transfer = 1;
	alloc_keep(a, &l, 4);
	s = line("A", "ship", NULL, 3);
	one(a, &s, 0);
	check(is(&s, 1, BO_NETWORK), "to store: a kept allocation holds the pool");
	alloc_free(a);
}

/* --- sourcing rules ------------------------------------------------------ */

/*
 * DC1 and DC2 warehouses, MP1 a marketplace of channel amazon; the group
 * east holds DC1.  Rules: east_only (tiers "east"), keep3 (every node,
 * 3 units of east held back), as seq 1 and 2; classes are asked for by
 * rule and channel.
 */
static struct allocator *
src_network(struct sourcing **sp)
{
	static const struct alloc_node_caps ship = { 0, 1, 1, 0, 0, 1, 0 };
	struct allocator *a = alloc_new();
	struct sourcing *s = sourcing_new(1);
	struct sourcing_rule_row r;

	alloc_add_node(a, "DC1", "warehouse", &ship, NULL, NULL);
	alloc_add_node(a, "DC2", "warehouse", &ship, NULL, NULL);
	alloc_add_node(a, "MP1", "marketplace", &ship, NULL, NULL);
	sourcing_add_node(s, "DC1", "warehouse", "");
	sourcing_add_node(s, "DC2", "warehouse", "");
	sourcing_add_node(s, "MP1", "marketplace", "amazon");
	sourcing_add_member(s, "east", "DC1");
	memset(&r, 0, sizeof r);
	r.channel = r.method = r.country = r.region = r.postal_prefix = r.sku = "";
	r.item_class = r.exclude_nodes = r.exclude_types = r.safety = "";
	r.on_short = "backorder";
	r.value_min = r.value_max = r.priority_min = r.priority_max = -1;
	r.max_splits = r.min_store_value = -1;
	r.seq = 1;
	r.rule_id = "east_only";
	r.tiers = "east";
	sourcing_add_rule(s, &r);
	r.seq = 2;
	r.rule_id = "keep3";
	r.tiers = "";
	r.safety = "east=3";
	sourcing_add_rule(s, &r);
	sourcing_class(s, -1, "");
	alloc_set_sourcing(a, s);
	*sp = s;
	return a;
}

static struct alloc_line
cline(struct sourcing *s, int rule, const char *channel, int64_t demand)
{
	struct alloc_line l = line("A", "ship", NULL, demand);

	l.cls = sourcing_class(s, rule, channel);
	return l;
}

static void
sourcing_cases(void)
{
	struct sourcing *s;
	struct allocator *a = src_network(&s);
	struct alloc_line l1, l2, l3;

	/*
	 * 5 at DC1, 5 at DC2.  A plain line of 5 first, then an east_only
	 * line of 5: the plain one can be served from DC2, so both are
	 * (Hall: {east} 5 - 0, {east, plain} 10 - 5); a third plain line
	 * gets nothing.
	 */
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	alloc_add_stock(a, "A", NULL, "DC2", 5);
	l1 = cline(s, -1, "", 5);
	l2 = cline(s, 0, "", 5);
	l3 = cline(s, -1, "", 1);
	one(a, &l1, 0);
	one(a, &l2, 1);
	one(a, &l3, 2);
	check(is(&l1, 5, BO_NONE), "sourcing: a plain line takes 5 of 10");
	check(is(&l2, 5, BO_NONE), "sourcing: an east-only line still gets DC1's 5");
	check(is(&l3, 0, BO_NETWORK), "sourcing: then nothing is left for anyone");
	alloc_free(a);
	sourcing_free(s);

	/* the other way round: east-only takes 5, a plain line of 6 gets the 5 of DC2 */
	a = src_network(&s);
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	alloc_add_stock(a, "A", NULL, "DC2", 5);
	l1 = cline(s, 0, "", 5);
	l2 = cline(s, -1, "", 6);
	one(a, &l1, 0);
	one(a, &l2, 1);
	check(is(&l1, 5, BO_NONE), "sourcing: east-only first takes DC1's 5");
	check(is(&l2, 5, BO_NETWORK), "sourcing: a plain line of 6 then gets DC2's 5");
	alloc_free(a);
	sourcing_free(s);

	/*
	 * Only DC2 has stock: an east-only line gets nothing, for its rule
	 * (the network has the units); a plain line gets them.
	 */
	a = src_network(&s);
	alloc_add_stock(a, "A", NULL, "DC2", 4);
	l1 = cline(s, 0, "", 2);
	l2 = cline(s, -1, "", 4);
	one(a, &l1, 0);
	one(a, &l2, 1);
	check(is(&l1, 0, BO_RULE), "sourcing: east-only, stock only at DC2: short for its rule");
	check(says(a, &l1, "no stock where its sourcing rule allows"),
	    "sourcing: the rule's reason, in words");
	check(is(&l2, 4, BO_NONE), "sourcing: the plain line gets DC2's 4");
	alloc_free(a);
	sourcing_free(s);

	/*
	 * Held back: 5 at DC1 (east), keep3 holds 3 there.  A keep3 line of
	 * 5 gets 2; a plain line then gets the 3 held back.  The other way:
	 * a plain line takes 3 first, and a keep3 line gets nothing (DC1
	 * has 2 left, under the 3 it must leave).
	 */
	a = src_network(&s);
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l1 = cline(s, 1, "", 5);
	l2 = cline(s, -1, "", 5);
	one(a, &l1, 0);
	one(a, &l2, 1);
	check(is(&l1, 2, BO_RULE), "sourcing: a rule leaves its 3 held back: 2 of 5");
	check(is(&l2, 3, BO_NETWORK), "sourcing: a plain line gets the 3 held back");
	alloc_free(a);
	sourcing_free(s);
	a = src_network(&s);
	alloc_add_stock(a, "A", NULL, "DC1", 5);
	l1 = cline(s, -1, "", 3);
	l2 = cline(s, 1, "", 1);
	one(a, &l1, 0);
	one(a, &l2, 1);
	check(is(&l1, 3, BO_NONE), "sourcing: a plain line takes 3 of 5");
	check(is(&l2, 0, BO_RULE), "sourcing: a rule holding 3 back gets nothing of the 2 left");
	alloc_free(a);
	sourcing_free(s);

	/*
	 * A pickup line at a store with no stock of the sku gets nothing, for
	 * its store, and leaves the sets alone (it once read them unmade)
	 */
	{
		static const struct alloc_node_caps store = { 0, 1, 0, 1, 0, 1, 0 };

		a = alloc_new();
		s = sourcing_new(1);
		alloc_add_node(a, "ST9", "store", &store, NULL, NULL);
		sourcing_add_node(s, "ST9", "store", "");
		sourcing_class(s, -1, "");
		alloc_set_sourcing(a, s);
		l1 = line("A", "pickup", "ST9", 2);
		one(a, &l1, 0);
		check(is(&l1, 0, BO_STORE), "sourcing: a pickup where its store has none");
		alloc_free(a);
		sourcing_free(s);
	}

	/* a marketplace's stock: its channel's lines only */
	a = src_network(&s);
	alloc_add_stock(a, "A", NULL, "MP1", 4);
	l1 = cline(s, -1, "web", 2);
	l2 = cline(s, -1, "amazon", 3);
	one(a, &l1, 0);
	one(a, &l2, 1);
	check(is(&l1, 0, BO_NETWORK), "sourcing: a web line gets nothing of a marketplace's stock");
	check(is(&l2, 3, BO_NONE), "sourcing: the marketplace's own channel gets it");
	alloc_free(a);
	sourcing_free(s);

	/*
	 * Routed work taken back only where the rule may draw: 2 at DC1 and
	 * 2 at DC2, all routed for an order ranked after; an east-only line
	 * of 3 takes back DC1's 2 only.
	 */
	a = src_network(&s);
	alloc_add_stock(a, "A", NULL, "DC1", 0);
	alloc_add_stock(a, "A", NULL, "DC2", 0);
	alloc_add_routed(a, "A", "DC1", 5, 0, 2, 100);
	alloc_add_routed(a, "A", "DC2", 5, 0, 2, 101);
	l1 = cline(s, 0, "", 3);
	one(a, &l1, 0);
	{
		int n;
		const struct alloc_take *t = alloc_taken(a, &n);

		check(is(&l1, 2, BO_RULE) && n == 1 && t[0].ref == 100 && t[0].qty == 2,
		    "sourcing: routed work is taken back only at the rule's nodes");
	}
	alloc_free(a);
	sourcing_free(s);
}

int
main(void)
{
	serves_cases();
	service_cases();
	complete_cases();
	store_cases();
	vendor_cases();
	routed_cases();
	place_cases();
	to_store_cases();
	sourcing_cases();
	printf("1..%d\n", count);
	return failures != 0;
}
