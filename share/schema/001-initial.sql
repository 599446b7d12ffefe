-- oms store, schema version 1.
-- Applied inside one transaction by the store module; user_version is set
-- by the store module after each script, never here.
--
-- Conventions: keys are text as the ERP sends them; quantities are
-- integers; customer money (unit_price, discount) is integer cents so that
-- refunds add up exactly; cost-model figures (unit_cost, base_cost, per_kg,
-- handling_cost, ordering_cost) are REAL; times are ISO 8601 UTC text
-- 'YYYY-MM-DDTHH:MM:SSZ', which sorts as time.

CREATE TABLE node (
	node_id          TEXT PRIMARY KEY NOT NULL,
	type             TEXT NOT NULL CHECK (type IN
	                   ('warehouse','store','dark_store','3pl','vendor','locker')),
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
	active           INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE item (
	sku              TEXT PRIMARY KEY NOT NULL,
	description      TEXT NOT NULL DEFAULT '',
	unit_price       INTEGER NOT NULL DEFAULT 0 CHECK (unit_price >= 0),
	unit_cost        REAL NOT NULL DEFAULT 0,
	weight_kg        REAL NOT NULL DEFAULT 0,
	ship_alone       INTEGER NOT NULL DEFAULT 0,
	vendor_node      TEXT REFERENCES node (node_id),
	ordering_cost    REAL NOT NULL DEFAULT 0,
	holding_rate     REAL NOT NULL DEFAULT 0,
	lead_time_days   REAL NOT NULL DEFAULT 0,
	active           INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE inventory (
	node_id          TEXT NOT NULL REFERENCES node (node_id),
	sku              TEXT NOT NULL REFERENCES item (sku),
	on_hand          INTEGER NOT NULL CHECK (on_hand >= 0),
	safety_stock     INTEGER CHECK (safety_stock >= 0), -- NULL: the node's
	as_of            TEXT NOT NULL,
	PRIMARY KEY (node_id, sku)
) WITHOUT ROWID;

CREATE TABLE customer (
	customer_id      TEXT PRIMARY KEY NOT NULL,
	name             TEXT NOT NULL DEFAULT '',
	email            TEXT NOT NULL DEFAULT '',
	phone            TEXT NOT NULL DEFAULT '',
	tier             TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE orders (
	order_id         TEXT PRIMARY KEY NOT NULL,
	channel          TEXT NOT NULL DEFAULT 'web',
	customer_id      TEXT NOT NULL DEFAULT '',
	created_at       TEXT NOT NULL,
	priority         INTEGER NOT NULL DEFAULT 5 CHECK (priority >= 1),
	promise_date     TEXT,
	ship_name        TEXT NOT NULL DEFAULT '',
	ship_address1    TEXT NOT NULL DEFAULT '',
	ship_city        TEXT NOT NULL DEFAULT '',
	ship_region      TEXT NOT NULL DEFAULT '',
	ship_postal_code TEXT NOT NULL DEFAULT '',
	ship_country     TEXT NOT NULL DEFAULT 'US',
	ship_lat         REAL,
	ship_lon         REAL,
	ship_complete    INTEGER NOT NULL DEFAULT 0,
	import_run       INTEGER	-- the run that last imported it
) WITHOUT ROWID;

-- The quantity buckets of a line: open = qty - allocated - routed -
-- released - shipped - cancelled, where routed and released are the sums
-- of line_node.  backordered is the part of open that allocation could not
-- serve, with its reason.
CREATE TABLE order_line (
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	line_no          INTEGER NOT NULL CHECK (line_no >= 1),
	sku              TEXT NOT NULL REFERENCES item (sku),
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	unit_price       INTEGER NOT NULL DEFAULT 0 CHECK (unit_price >= 0),
	discount         INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
	-- not IN (...): SQLite builds a temporary table for that on every insert
	method           TEXT NOT NULL DEFAULT 'ship' CHECK (
	                   instr(' ship pickup curbside locker ', ' ' || method || ' ') > 0),
	pickup_node      TEXT REFERENCES node (node_id),
	allocated        INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0),
	shipped          INTEGER NOT NULL DEFAULT 0 CHECK (shipped >= 0),
	cancelled        INTEGER NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
	returned         INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0),
	backordered      INTEGER NOT NULL DEFAULT 0 CHECK (backordered >= 0),
	backorder_reason TEXT,
	import_run       INTEGER,	-- the run that last imported it
	PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;

-- Work on a line at one node: routed there (reserved, not yet sent) and
-- released there (sent to the node, not yet shipped).
CREATE TABLE line_node (
	order_id         TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	node_id          TEXT NOT NULL REFERENCES node (node_id),
	routed           INTEGER NOT NULL DEFAULT 0 CHECK (routed >= 0),
	released         INTEGER NOT NULL DEFAULT 0 CHECK (released >= 0),
	PRIMARY KEY (order_id, line_no, node_id),
	FOREIGN KEY (order_id, line_no) REFERENCES order_line (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX line_node_by_node ON line_node (node_id);

CREATE TABLE postal (
	country          TEXT NOT NULL,
	postal_code      TEXT NOT NULL,
	lat              REAL NOT NULL,
	lon              REAL NOT NULL,
	PRIMARY KEY (country, postal_code)
) WITHOUT ROWID;

CREATE TABLE rate (
	max_km           REAL PRIMARY KEY NOT NULL CHECK (max_km > 0),
	base_cost        REAL NOT NULL CHECK (base_cost >= 0),
	per_kg           REAL NOT NULL DEFAULT 0 CHECK (per_kg >= 0),
	transit_days     INTEGER NOT NULL CHECK (transit_days >= 0)
);

-- The outbox: every state change, in order.  Downstream systems keep the
-- last seq they read (oms-report events --since SEQ).  Events are never
-- deleted, so seq only grows without AUTOINCREMENT (which costs a write to
-- sqlite_sequence on every insert).
CREATE TABLE event (
	seq              INTEGER PRIMARY KEY,
	at               TEXT NOT NULL,
	order_id         TEXT,
	type             TEXT NOT NULL,
	payload          TEXT NOT NULL DEFAULT '{}',
	run_id           INTEGER
);
CREATE INDEX event_by_order ON event (order_id) WHERE order_id IS NOT NULL;

-- One row per command run, written after the run's own transaction ended
-- (committed or rolled back), so failed runs are logged too.
CREATE TABLE run (
	run_id           INTEGER PRIMARY KEY,
	command          TEXT NOT NULL,
	argv             TEXT NOT NULL,
	user             TEXT NOT NULL DEFAULT '',
	started_at       TEXT NOT NULL,
	ended_at         TEXT,
	exit_status      INTEGER,
	counts           TEXT NOT NULL DEFAULT '{}'
);

-- Inventory delta files already applied, by content digest, so that a
-- cron job re-run after a failure does not apply the same deltas twice.
CREATE TABLE delta_file (
	digest           TEXT PRIMARY KEY NOT NULL,
	run_id           INTEGER,
	applied_at       TEXT NOT NULL,
	name             TEXT NOT NULL
) WITHOUT ROWID;
