#ifndef OMS_INPUT_H
#define OMS_INPUT_H
/*
 * input: one reader for every input file, CSV (RFC 4180, header row) or
 * JSON (an array of objects, or JSON Lines), turning each row or object
 * into the same record: the values of the caller's columns, as text, with
 * the file name and the physical line where the record starts.
 *
 * Ownership: a record's strings belong to the input and stay valid until
 * the next input_next() or input_close().  A struct raw is the caller's,
 * freed with raw_free().
 */
#include <stdio.h>

enum infmt { INFMT_AUTO, INFMT_CSV, INFMT_JSON, INFMT_JSONL };

/* Parse "csv", "json" or "jsonl"; returns -1 for anything else. */
int infmt_parse(const char *s);

struct colspec {
	const char *name;
	int required;
};

struct record {
	const char *file;	/* as given on the command line; "-" is stdin */
	long line;		/* physical line where the record starts */
	int ncols;
	const char **val;	/* per column: the text, "" when absent or null */
	const unsigned char *present;	/* per column: 1 when given, even empty */
	const char *error;	/* non-NULL: the record is malformed, this says why */
};

struct input;

/*
 * Open PATH ("-" for standard input) for records of the given columns.
 * nest, when not NULL, names a JSON key whose array of objects is
 * flattened: one record per element, with the enclosing object's fields.
 * Returns NULL after a diagnostic, with *status set (66 cannot open, 65
 * bad header or format).  A header-only or empty-array input is fine.
 * CSV only: cols NULL takes every header column as it is (see
 * input_columns), for tools that read any table.
 */
struct input *input_open(const char *path, enum infmt fmt,
	const struct colspec *cols, int ncols, const char *nest, int *status);

/*
 * The next record: 1 and *rec filled (check rec->error), 0 at the end,
 * -1 on an error that ends the file (diagnosed; input_status() tells the
 * exit status).  Rows whose every field is empty are skipped and counted.
 */
int input_next(struct input *in, struct record *rec);
int input_status(const struct input *in);
/* Ignore columns (keys) that are not the caller's without a warning. */
void input_quiet_unknown(struct input *in);
/* The columns records have: the caller's, or the CSV header's. */
const struct colspec *input_columns(const struct input *in, int *ncols);
long input_blank_rows(const struct input *in);
void input_close(struct input *in);

/* A copy of the current record as it was read, for a rejects file. */
struct raw;
struct raw *input_raw(struct input *in);
void raw_free(struct raw *raw);

/*
 * A rejects file: bad records unchanged plus an "error" column (CSV, with
 * the input's header) or an "error" key (JSON Lines).  Written to a
 * temporary file and renamed into place by rejects_close(rj, 1).
 */
struct rejects;
struct rejects *rejects_open(const char *path, int *status);
void rejects_write(struct rejects *rj, const struct input *in,
	const struct raw *raw, const char *error);
/* Returns 0, or an exit status after a diagnostic; commit 0 removes it. */
int rejects_close(struct rejects *rj, int commit);

#endif
