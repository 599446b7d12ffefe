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

/*
 * An output file written whole or not at all: "-" is standard output, a
 * device or a FIFO is written in place (a rename would replace it), and
 * anything else is written to a temporary file beside it, hidden
 * (DIR/.NAME.tmpXXXXXX), and renamed over NAME.
 */
struct outfile {
	FILE *fp;
	char *path, *tmp;
	char *buf;	/* the file's stdio buffer */
	int failed;	/* a write error was reported */
	int to;		/* held: the descriptor it goes to at the end; else -1 */
};
int outfile_open(struct outfile *of, const char *path);	/* 0 or 73 */
/*
 * The same for what a run that changes the store writes, which must
 * reach no one unless the run commits: standard output, a device or a
 * FIFO is held in a temporary file (in $TMPDIR, else /tmp; unlinked at
 * once) and copied to it by outfile_close(of, 1).  /dev/null is written
 * at once: no one reads it.
 */
int outfile_open_held(struct outfile *of, const char *path);	/* 0 or 73 */
/*
 * Flush what was written and check it: 0, or 74 after a diagnostic.  A
 * run calls it before its commit, so that a full disk fails the run
 * rather than losing the output of a committed one.
 */
int outfile_ready(struct outfile *of);
/*
 * Flush and close.  With commit 1 a file is renamed into place (a held
 * output copied to where it goes), else it is removed: a run calls it
 * after its commit, with commit 1 only if the commit succeeded, so that
 * a failed run leaves no file in place and prints nothing.  Returns 0, or
 * 74 after a diagnostic; a file that cannot be renamed into place is left
 * where it was written, and named.
 */
int outfile_close(struct outfile *of, int commit);	/* 0 or 74 */

#endif
