-- Schema version 3: confirmation's status check without IN (...).
--
-- For a CHECK with IN (...) SQLite builds a temporary table on every row
-- it inserts; confirming 20,000 released orders spent a fifth of its
-- instructions there (BENCHMARKS.md).  The same rule as a chain of
-- equalities costs nothing.  SQLite cannot change a table's checks in
-- place, so the table is rebuilt with its rows and index.
CREATE TABLE confirmation_v3 (
	seq              INTEGER PRIMARY KEY,
	release_id       TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	status           TEXT NOT NULL CHECK (status = 'shipped' OR
	                   status = 'picked_up' OR status = 'short' OR
	                   status = 'cancelled'),
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	carrier          TEXT NOT NULL DEFAULT '',
	tracking         TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER,
	FOREIGN KEY (release_id, line_no) REFERENCES release_line (release_id, line_no)
);
INSERT INTO confirmation_v3 (seq, release_id, line_no, status, qty, carrier,
    tracking, at, run_id)
SELECT seq, release_id, line_no, status, qty, carrier, tracking, at, run_id
FROM confirmation;
DROP TABLE confirmation;
ALTER TABLE confirmation_v3 RENAME TO confirmation;
CREATE INDEX confirmation_by_release ON confirmation (release_id, line_no);
