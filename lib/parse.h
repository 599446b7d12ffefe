#ifndef OMS_PARSE_H
#define OMS_PARSE_H
/*
 * parse: strict conversion of one text field to a typed value.
 *
 * Every parser takes a NUL-terminated field and returns PARSE_OK, or
 * PARSE_BAD (not the right shape) or PARSE_RANGE (the right shape, out of
 * range), leaving *out unchanged on failure.  Nothing here trims spaces:
 * " 3" is not an integer.
 */
#include <stddef.h>
#include <stdint.h>

enum { PARSE_OK = 0, PARSE_BAD = -1, PARSE_RANGE = -2 };

/* A decimal integer (optional sign) within [min, max]. */
int parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* A non-negative amount with at most 2 decimals, as cents; at most 1e12. */
int parse_money(const char *s, int64_t *cents);
/* A finite decimal number within [min, max] (no hex, inf or nan). */
int parse_real(const char *s, double min, double max, double *out);
/* 0/1, true/false, yes/no in any case. */
int parse_bool(const char *s, int *out);
/*
 * A word of a fixed list in an input field (a node's type, a line's
 * method, a confirmation's status...), in any case, as booleans are: the
 * index of s among the n lowercase words of tab, or -1.  tab[i] is its
 * canonical form, the one to store and compare.
 */
int parse_word(const char *s, const char *const *tab, int n);
/*
 * ISO 8601 date or date-time, normalised to UTC "YYYY-MM-DDTHH:MM:SSZ":
 * YYYY-MM-DD (midnight UTC), or YYYY-MM-DD[T ]HH:MM[:SS[.frac]] with an
 * optional Z or +HH:MM / -HH:MM / +HHMM zone (none means UTC).  Calendar
 * dates are checked (no 2026-02-30).
 */
int parse_time(const char *s, char out[21]);
/* Days since 1970-01-01 of the date that starts s ("YYYY-MM-DD..."), as
 * parse_time writes it; INT64_MAX when s is NULL or not one. */
int64_t date_days(const char *s);
/* The date days after 1970-01-01, "YYYY-MM-DD", into out; returns out. */
const char *days_date(int64_t days, char out[11]);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t n);
/* 1 when s[0..n) holds a control character (C0, DEL). */
int has_control(const char *s, size_t n);

/* Cents as "12.34" into out (at least 24 bytes). */
void money_format(int64_t cents, char *out);
/*
 * v in decimal into out (at least 24 bytes), at least width digits
 * (zero-padded, after any sign; width at most 20): its length.  No printf: a formatter for
 * hot loops (oms-allocate writes a row and an event per line).
 */
int int_format(int64_t v, int width, char *out);
/* A double in the shortest form that reads back the same, into out (32 bytes). */
void real_format(double v, char *out);

/*
 * Quote a field for a message: at most 40 bytes shown, control bytes
 * escaped, "..." when cut.  Returns a static buffer, valid until the next call.
 */
const char *quote_value(const char *s);

#endif
