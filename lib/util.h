#ifndef OMS_UTIL_H
#define OMS_UTIL_H
/*
 * util: memory that never returns NULL, a growable byte buffer (buf_), and
 * a string-keyed hash map (strmap_).
 */
#include <stddef.h>
#include <stdint.h>

/* Allocate or die with exit 70: callers never see NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdup(const char *s, size_t n);	/* adds a NUL */

/*
 * A growable buffer.  buf.s is always NUL-terminated once anything was
 * added (and may be NULL before); buf.len excludes the NUL.  Init with
 * BUF_INIT; buf_release() frees and resets it.
 */
struct buf {
	char *s;
	size_t len, cap;
};
#define BUF_INIT { NULL, 0, 0 }
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);	/* len = 0, keeps the memory */
void buf_release(struct buf *b);
const char *buf_str(struct buf *b);	/* "" when empty */
/* Append s as a JSON string literal, quotes included. */
void buf_add_json_string(struct buf *b, const char *s, size_t n);

/* 64-bit FNV-1a over n bytes, continuing from h (start with FNV_INIT). */
#define FNV_INIT UINT64_C(0xcbf29ce484222325)
uint64_t fnv1a(uint64_t h, const void *p, size_t n);

/*
 * A map from NUL-terminated strings to void pointers.  Keys are copied;
 * values are the caller's.  strmap_put replaces an existing value.
 */
struct strmap {
	char **keys;
	void **vals;
	size_t cap, len;
};
#define STRMAP_INIT { NULL, NULL, 0, 0 }
void strmap_put(struct strmap *m, const char *key, void *val);
/* Returns 1 and sets *val (if val) when present, else 0. */
int strmap_get(const struct strmap *m, const char *key, void **val);
/* Frees keys (and values with free_val, if not NULL). */
void strmap_release(struct strmap *m, void (*free_val)(void *));

/* The index of s in the n strings of tab, or -1. */
int strtab_find(const char *const *tab, size_t n, const char *s);

/*
 * A list of strings, such as the values of an option given more than
 * once.  The strings are the caller's (strv_push keeps the pointer); the
 * array is the list's, freed by strv_release.  Init with STRV_INIT.
 */
struct strv {
	const char **v;
	size_t n, cap;
};
#define STRV_INIT { NULL, 0, 0 }
void strv_push(struct strv *l, const char *s);
/* 1 when s is one of the list's strings (NULL never is). */
int strv_has(const struct strv *l, const char *s);
/* Sort the list by strcmp and drop repeats. */
void strv_sort_unique(struct strv *l);
void strv_release(struct strv *l);

/* The current time as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with the NUL). */
void now_iso(char out[21]);

/*
 * The form of a noun for a count of n: one when n is 1, else many ("1
 * unit", "0 units", "2 units"); every message that counts says its noun
 * (or its verb: "is", "are") through this.
 */
const char *plural(int64_t n, const char *one, const char *many);

#endif
