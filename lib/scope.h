#ifndef OMS_SCOPE_H
#define OMS_SCOPE_H
/*
 * scope: the orders a run is limited to, named with --order or read from
 * files with an order_id column (any CSV or JSON, such as the output of
 * oms-report lines), for the commands that work on every order otherwise.
 */
#include "store.h"

/* An order named, and where (file NULL: on the command line). */
struct scope_order {
	const char *order_id, *file;
	long line;
};

/*
 * The orders of a run: on 1 when it is limited to v (--order given, or
 * files of ids named, maybe with no id in them), else every order.
 */
struct scope {
	struct scope_order *v;
	int n, cap;
	int on;
};

void scope_add(struct scope *s, const char *order_id, const char *file, long line);
/* Add the order ids of a file; 0, or an exit status after diagnostics. */
int scope_read(struct scope *s, const char *file, int infmt);
void scope_free(struct scope *s);

/* 1 when s limits a run to its orders; 0 when it is not on, or NULL. */
int scope_on(const struct scope *s);

/*
 * Load the orders of s (none when it is not on, or NULL) into the store's scope
 * table (store_scope_add); 0, or an exit status: 65 after naming every
 * unknown order.
 */
int scope_load(struct store *st, const struct scope *s);

#endif
