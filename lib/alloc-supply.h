#ifndef OMS_ALLOC_SUPPLY_H
#define OMS_ALLOC_SUPPLY_H
/*
 * alloc-supply: backordered lines take stock on its way (oms-allocate(1),
 * "Supply"), once allocation has decided the stock on hand.  Every line
 * still backordered, in the order of service, takes the open supply
 * (qty less received less pegged) of its sku at the nodes whose stock
 * could serve it (alloc_serves; its sourcing class's tier not 0), the
 * earliest expected first: a peg (supply_peg).  Its units stay in its
 * backordered count, its reason becomes "awaiting supply" (BO_SUPPLY) and
 * its expected date the latest of its pegs'.  Pegs made stay; a line
 * pegged beyond what it still lacks (it got stock, or was cut) lets go
 * of the pegs expected last first.
 */
#include <stdint.h>

#include "store-supply.h"
#include "store.h"

struct sourcing;

struct alloc_supply_counts {
	long lines_pegged;		/* lines that took supply in this run */
	int64_t units_pegged;		/* the units they took */
	int64_t units_unpegged;		/* pegs let go by lines that no longer lack them */
};

/*
 * The run's step, after the lines are written back (src: the rules, NULL
 * when plain; scoped: the orders of temp.scope only): pegs, their
 * "line.expected" events and the lines' reasons written.  0, or -1 after
 * a diagnostic (the store's status set).
 */
int alloc_supply(struct store *st, struct sourcing *src, int scoped,
	struct alloc_supply_counts *n);

/*
 * Whether supply s may serve a line of method at pickup_node (NULL for
 * ship and locker): a ship or locker line takes supply where the node's
 * stock ships it (alloc_serves); a pickup or curbside line at its store
 * when the store offers the method.
 */
int alloc_supply_serves(const struct open_supply *s, const char *method,
	const char *pickup_node);

/*
 * A line that waits for supply keeps its reason while allocation leaves
 * its counts as they were: 1 when reason is BO_SUPPLY's words.
 */
int alloc_supply_waiting(const char *reason);

#endif
