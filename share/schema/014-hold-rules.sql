-- Schema version 14: holds placed by rules as orders arrive.  A hold
-- rule (oms-import holdrules) names a test, the hold type it places and
-- the channel it watches; oms-import orders applies the active ones to
-- every order it did not have before, and care lifts what they placed
-- with oms-order unhold as it lifts its own.  See oms(7), "Automatic
-- holds".

-- test: order_value_over (value: cents; the order's merchandise less its
-- discounts plus its shipping charge is above it), unplaceable (a ship
-- line's destination cannot be located), customer_flagged (the order's
-- customer is flagged), country_mismatch (the order's bill_country is
-- given and differs from its ship_country).  value is for
-- order_value_over alone.  channel '' watches every channel.
CREATE TABLE hold_rule (
	rule_id          TEXT PRIMARY KEY NOT NULL,
	test             TEXT NOT NULL CHECK (test IN
	                   ('order_value_over','unplaceable','customer_flagged',
	                    'country_mismatch')),
	value            INTEGER CHECK (value >= 0),
	hold_type        TEXT NOT NULL CHECK (hold_type IN
	                   ('fraud','payment','address','customer')),
	channel          TEXT NOT NULL DEFAULT '',
	active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	CHECK ((test = 'order_value_over') = (value IS NOT NULL))
) WITHOUT ROWID;

-- A customer care watches (the customers import's flagged column): the
-- customer_flagged rules hold their new orders.
ALTER TABLE customer ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0
	CHECK (flagged IN (0, 1));

-- The country the order was billed in ('' not given), for the
-- country_mismatch rules.
ALTER TABLE orders ADD COLUMN bill_country TEXT NOT NULL DEFAULT '';

-- The rule that placed a hold (its held_by is 'rule:' and the rule_id);
-- NULL for a hold care placed.  Rules are never deleted (an import only
-- makes them inactive), so the rule stays to be read.
ALTER TABLE order_hold ADD COLUMN rule_id TEXT;
