-- Schema version 15: sourcing the merchant steers.  Node groups and
-- sourcing rules, versioned together (an import of either makes a new
-- version holding both whole, so that a night's decisions can be
-- explained later by the version its runs logged); the node type
-- marketplace, whose stock serves only its own channel's orders; and an
-- item class for rules to match on.  See oms(7), "Sourcing rules", and
-- oms-formats(5).
--
-- The store runs its migrations with foreign keys off and checks them
-- before the commit (SQLite cannot change a CHECK in place: the node
-- table is made again).

CREATE TABLE node_v15 (
	node_id          TEXT PRIMARY KEY NOT NULL,
	type             TEXT NOT NULL CHECK (type IN
	                   ('warehouse','store','dark_store','3pl','vendor','locker',
	                    'marketplace')),
	name             TEXT NOT NULL DEFAULT '',
	postal_code      TEXT NOT NULL DEFAULT '',
	country          TEXT NOT NULL DEFAULT 'US',
	lat              REAL,
	lon              REAL,
	can_ship         INTEGER NOT NULL DEFAULT 1,
	can_pickup       INTEGER NOT NULL DEFAULT 0,
	can_curbside     INTEGER NOT NULL DEFAULT 0,
	accepts_returns  INTEGER NOT NULL DEFAULT 0,
	capacity_per_day INTEGER CHECK (capacity_per_day >= 0), -- NULL: unlimited
	handling_cost    REAL NOT NULL DEFAULT 0,
	processing_days  INTEGER NOT NULL DEFAULT 1 CHECK (processing_days >= 0),
	safety_stock     INTEGER NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
	active           INTEGER NOT NULL DEFAULT 1,
	address1         TEXT NOT NULL DEFAULT '',
	city             TEXT NOT NULL DEFAULT '',
	region           TEXT NOT NULL DEFAULT '',
	pickup_hold_days INTEGER NOT NULL DEFAULT 7 CHECK (pickup_hold_days >= 1),
	ship_to_store    INTEGER NOT NULL DEFAULT 0,
	confirm_hours    INTEGER CHECK (confirm_hours >= 1),
	-- a marketplace's channel: its stock serves that channel's orders only
	channel          TEXT NOT NULL DEFAULT '',
	CHECK ((type = 'marketplace') = (channel <> ''))
) WITHOUT ROWID;
INSERT INTO node_v15 (node_id, type, name, postal_code, country, lat, lon, can_ship,
    can_pickup, can_curbside, accepts_returns, capacity_per_day, handling_cost,
    processing_days, safety_stock, active, address1, city, region, pickup_hold_days,
    ship_to_store, confirm_hours)
    SELECT node_id, type, name, postal_code, country, lat, lon, can_ship,
    can_pickup, can_curbside, accepts_returns, capacity_per_day, handling_cost,
    processing_days, safety_stock, active, address1, city, region, pickup_hold_days,
    ship_to_store, confirm_hours FROM node;
DROP TABLE node;
ALTER TABLE node_v15 RENAME TO node;

-- What sourcing rules match an item by (oms-import items, class).
ALTER TABLE item ADD COLUMN item_class TEXT NOT NULL DEFAULT '';

-- A version of the rules and groups: made by every oms-import rules or
-- groups that changes them.  digest: of the rules and groups as stored,
-- so that an import of the same files makes no new version.
CREATE TABLE rule_version (
	version          INTEGER PRIMARY KEY,
	made_at          TEXT NOT NULL,
	run_id           INTEGER,
	digest           TEXT NOT NULL
);

-- The groups of a version: named sets of nodes.
CREATE TABLE node_group (
	version          INTEGER NOT NULL REFERENCES rule_version (version),
	group_id         TEXT NOT NULL,
	node_id          TEXT NOT NULL REFERENCES node (node_id),
	PRIMARY KEY (version, group_id, node_id)
) WITHOUT ROWID;

-- The rules of a version, evaluated in seq order; the first that matches a
-- line decides where it may be sourced from.  Match fields '' (or NULL
-- for the numbers) match anything; the text fields hold alternatives
-- separated by '|'.  value_min, value_max: the order's merchandise, cents,
-- inclusive.  tiers: group ids, '|' within a tier, '>' between tiers ('':
-- every node, one tier).  safety: 'group=units|...'.  on_short: what a
-- line gets when nothing fits: supply (it waits for stock on its way, as a
-- line without a rule does), backorder (a plain backorder: it waits for
-- stock on hand only), hold (its order goes to the care queue).
CREATE TABLE sourcing_rule (
	version          INTEGER NOT NULL REFERENCES rule_version (version),
	seq              INTEGER NOT NULL CHECK (seq >= 1),
	rule_id          TEXT NOT NULL,
	channel          TEXT NOT NULL DEFAULT '',
	method           TEXT NOT NULL DEFAULT '',
	country          TEXT NOT NULL DEFAULT '',
	region           TEXT NOT NULL DEFAULT '',
	postal_prefix    TEXT NOT NULL DEFAULT '',
	sku              TEXT NOT NULL DEFAULT '',
	item_class       TEXT NOT NULL DEFAULT '',
	value_min        INTEGER CHECK (value_min >= 0),
	value_max        INTEGER CHECK (value_max >= 0),
	priority_min     INTEGER CHECK (priority_min >= 1),
	priority_max     INTEGER CHECK (priority_max >= 1),
	tiers            TEXT NOT NULL DEFAULT '',
	exclude_nodes    TEXT NOT NULL DEFAULT '',
	exclude_types    TEXT NOT NULL DEFAULT '',
	max_splits       INTEGER CHECK (max_splits >= 0),
	ship_complete    INTEGER NOT NULL DEFAULT 0 CHECK (ship_complete IN (0, 1)),
	min_store_value  INTEGER CHECK (min_store_value >= 0),
	safety           TEXT NOT NULL DEFAULT '',
	on_short         TEXT NOT NULL DEFAULT 'supply' CHECK (on_short IN
	                   ('backorder','supply','hold')),
	PRIMARY KEY (version, seq),
	UNIQUE (version, rule_id)
) WITHOUT ROWID;

-- The hold type sourcing: placed by allocation on an order a line of
-- which matched a rule whose on_short is hold and got nothing.
CREATE TABLE order_hold_v15 (
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	hold_type        TEXT NOT NULL CHECK (hold_type IN
	                   ('fraud','payment','address','customer','sourcing')),
	reason           TEXT NOT NULL DEFAULT '',
	held_by          TEXT NOT NULL DEFAULT '',
	held_at          TEXT NOT NULL,
	stock_freed_at   TEXT,
	rule_id          TEXT,
	PRIMARY KEY (order_id, hold_type)
) WITHOUT ROWID;
INSERT INTO order_hold_v15 (order_id, hold_type, reason, held_by, held_at,
    stock_freed_at, rule_id)
    SELECT order_id, hold_type, reason, held_by, held_at, stock_freed_at, rule_id
    FROM order_hold;
DROP TABLE order_hold;
ALTER TABLE order_hold_v15 RENAME TO order_hold;
CREATE INDEX order_hold_not_freed ON order_hold (order_id) WHERE stock_freed_at IS NULL;
