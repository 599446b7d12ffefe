#ifndef OMS_JSONW_H
#define OMS_JSONW_H
/*
 * jsonw: one small writer of compact JSON into a struct buf, for event
 * payloads and release documents.  Calls append in order; the comma before
 * a key or an array element is put in by the writer (none after "{", "["
 * or at the start of the buffer), so callers only say what comes next.
 *
 * Keys and strings are escaped by buf_add_json_string(); integers are
 * plain decimal (int_format), money is cents as d.dd (money_format), reals
 * the shortest form that reads back (real_format).  k NULL writes a bare
 * value: an array element, or the value after jsonw_key().  Nothing here
 * checks nesting: a caller closes what it opens.
 */
#include <stdint.h>

#include "util.h"

/* Reset b to "{": a payload starts. */
void jsonw_start(struct buf *b);
/* Close the payload's "{" and return b->s (valid until b changes). */
const char *jsonw_end(struct buf *b);

/* "k": (a comma first when a value came before). */
void jsonw_key(struct buf *b, const char *k);
/* A string; NULL is null. */
void jsonw_str(struct buf *b, const char *k, const char *v);
/* A string; NULL and "" are null (oms-order's events: nothing given). */
void jsonw_str_or_null(struct buf *b, const char *k, const char *v);
void jsonw_int(struct buf *b, const char *k, int64_t v);
/* Cents as an amount: 1234 is 12.34. */
void jsonw_money(struct buf *b, const char *k, int64_t cents);
void jsonw_real(struct buf *b, const char *k, double v);
void jsonw_bool(struct buf *b, const char *k, int v);
void jsonw_null(struct buf *b, const char *k);
/* JSON already made (an object, or array elements), as it is. */
void jsonw_raw(struct buf *b, const char *k, const char *json);

/* Open a nested object or array ("k":{ / "k":[), and close it. */
void jsonw_object(struct buf *b, const char *k);
void jsonw_object_end(struct buf *b);
void jsonw_array(struct buf *b, const char *k);
void jsonw_array_end(struct buf *b);

#endif
