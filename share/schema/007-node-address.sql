-- Schema version 7: a node's street address.
--
-- A locker line ships to its locker, and a pickup or curbside line is
-- handed over at its store: for those the node is where the parcel goes,
-- and its release names the node and its address as the ship-to (the
-- customer's own address follows separately).  Until version 6 a node had
-- only a name, a postal code and a country; these complete the address.
-- Empty by default, as oms-import nodes leaves them when the file has no
-- such column.
ALTER TABLE node ADD COLUMN address1 TEXT NOT NULL DEFAULT '';
ALTER TABLE node ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE node ADD COLUMN region TEXT NOT NULL DEFAULT '';
