#include <string.h>

#include "jsonw.h"
#include "parse.h"

/* A comma is due unless nothing came before in the current object or array. */
static void
sep(struct buf *b)
{
	char last;

	if (b->len == 0)
		return;
	last = b->s[b->len - 1];
	if (last != '{' && last != '[' && last != ':')
		buf_addc(b, ',');
}

/* The separator, and the key when there is one. */
static void
lead(struct buf *b, const char *k)
{
	sep(b);
	if (k != NULL) {
		buf_add_json_string(b, k, strlen(k));
		buf_addc(b, ':');
	}
}

void
jsonw_start(struct buf *b)
{
	buf_reset(b);
	buf_addc(b, '{');
}

const char *
jsonw_end(struct buf *b)
{
	buf_addc(b, '}');
	return b->s;
}

void
jsonw_key(struct buf *b, const char *k)
{
	lead(b, k);
}

void
jsonw_str(struct buf *b, const char *k, const char *v)
{
	lead(b, k);
	if (v == NULL)
		buf_adds(b, "null");
	else
		buf_add_json_string(b, v, strlen(v));
}

void
jsonw_str_or_null(struct buf *b, const char *k, const char *v)
{
	jsonw_str(b, k, v != NULL && *v != '\0' ? v : NULL);
}

void
jsonw_int(struct buf *b, const char *k, int64_t v)
{
	char num[24];

	lead(b, k);
	buf_add(b, num, (size_t)int_format(v, 1, num));
}

void
jsonw_money(struct buf *b, const char *k, int64_t cents)
{
	char m[24];

	lead(b, k);
	money_format(cents, m);
	buf_adds(b, m);
}

void
jsonw_real(struct buf *b, const char *k, double v)
{
	char s[32];

	lead(b, k);
	real_format(v, s);
	buf_adds(b, s);
}

void
jsonw_bool(struct buf *b, const char *k, int v)
{
	lead(b, k);
	buf_adds(b, v ? "true" : "false");
}

void
jsonw_null(struct buf *b, const char *k)
{
	lead(b, k);
	buf_adds(b, "null");
}

void
jsonw_raw(struct buf *b, const char *k, const char *json)
{
	lead(b, k);
	buf_adds(b, json);
}

void
jsonw_object(struct buf *b, const char *k)
{
	lead(b, k);
	buf_addc(b, '{');
}

void
jsonw_object_end(struct buf *b)
{
	buf_addc(b, '}');
}

void
jsonw_array(struct buf *b, const char *k)
{
	lead(b, k);
	buf_addc(b, '[');
}

void
jsonw_array_end(struct buf *b)
{
	buf_addc(b, ']');
}
