-- Schema version 10: ship-to-store.  A pickup or curbside line whose
-- store lacks the stock may be sourced from another node and shipped to
-- the store (where the store's ship_to_store and the item's allow it),
-- received there, made ready and collected.  See oms(7), "The last mile".

-- Whether the item may be shipped to a store for a pickup there (0: it
-- never is; say so for the bulky, the hazardous, the fragile).
ALTER TABLE item ADD COLUMN ship_to_store INTEGER NOT NULL DEFAULT 1;

-- Whether this pickup or curbside line is served from the network and
-- shipped to its store (1), not from the store's own stock (0): set by
-- oms-allocate, kept while the line has units allocated, routed,
-- released or shipped that way.
ALTER TABLE order_line ADD COLUMN ship_to_store INTEGER NOT NULL DEFAULT 0;
