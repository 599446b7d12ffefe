#ifndef OMS_OUTPUT_H
#define OMS_OUTPUT_H
/*
 * output: rows of named, typed columns written as CSV (RFC 4180 quoting,
 * a header row, LF line ends), JSON Lines (one compact object per line) or
 * one JSON array.  Values are given as text; numbers are written bare in
 * JSON, empty values as null.  The writer does not own its FILE.
 */
#include <stdint.h>
#include <stdio.h>

#include "util.h"

enum outfmt { OUTFMT_CSV, OUTFMT_JSONL, OUTFMT_JSON };

/* Parse "csv", "jsonl" or "json"; -1 for anything else. */
int outfmt_parse(const char *s);

enum coltype {
	COL_TEXT,	/* a JSON string */
	COL_NUM,	/* a JSON number (integer, decimal or money text) */
	COL_RAWJSON	/* already JSON text, written as is */
};

struct outcol {
	const char *name;
	enum coltype type;
};

struct writer {
	FILE *fp;
	enum outfmt fmt;
	const struct outcol *cols;
	int ncols;
	long rows;
	int safe_csv;	/* prefix formula-looking CSV text with a quote */
	struct buf line;
	char *keys;	/* JSON: the members' openings, {"name": then ,"name": */
	size_t *key;	/* where each starts in keys; key[ncols]: the end */
};

/*
 * Start a table; CSV writes its header row at once.  With fp NULL the
 * writer keeps its rows in w->line instead, one after the other, with no
 * header; in JSON each row then begins with ",\n" (a part of an array
 * that its writer assembles).
 */
void writer_init(struct writer *w, FILE *fp, enum outfmt fmt,
	const struct outcol *cols, int ncols);
/* One row: vals[i] for cols[i]; NULL or "" is empty (JSON null). */
void writer_row(struct writer *w, const char *const *vals);
/*
 * The same, where vals[i] == writer_int stands for the integer ints[i]
 * of a COL_NUM column (written without a detour through text).
 */
extern const char writer_int[];
void writer_row_ints(struct writer *w, const char *const *vals, const int64_t *ints);
/*
 * The same with each value's length in bytes given, lens[i] for vals[i]
 * (not read for NULL or writer_int): no strlen of its own.  lens NULL:
 * writer_row_ints.
 */
void writer_row_lens(struct writer *w, const char *const *vals, const size_t *lens,
	const int64_t *ints);
/* v in decimal into buf (at least 24 bytes); returns buf. */
char *int_text(char *buf, int64_t v);
/* Close a JSON array; frees the writer's memory.  Does not flush. */
void writer_finish(struct writer *w);

#endif
