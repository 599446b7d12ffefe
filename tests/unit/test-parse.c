/*
 * Table-driven unit tests of lib/parse, of lib/output's escaping and
 * integers, and of lib/model's postal keys: each case is an input and the
 * expected result.  Prints TAP-style "ok"/"not ok" lines.
 */
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "model.h"
#include "output.h"
#include "parse.h"
#include "rows.h"

static int failures, count;

static void
check(int ok, const char *what, const char *input)
{
	count++;
	if (!ok)
		failures++;
	printf("%s %d parse: %s \"%s\"\n", ok ? "ok" : "not ok", count, what, input);
}

/* s as a JSON string the plain way, one byte at a time, into out. */
static void
json_ref(const char *s, size_t n, char *out)
{
	size_t i;

	*out++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			out += sprintf(out, "\\%c", c);
		else if (c == '\n')
			out += sprintf(out, "\\n");
		else if (c == '\r')
			out += sprintf(out, "\\r");
		else if (c == '\t')
			out += sprintf(out, "\\t");
		else if (c < 0x20)
			out += sprintf(out, "\\u%04x", c);
		else
			*out++ = (char)c;
	}
	*out++ = '"';
	*out = '\0';
}

/*
 * The writer's JSON strings and integers: every byte that needs an
 * escape, at every place in texts of 1 to 24 bytes (the writer tests
 * eight bytes at a time), among plain ASCII and UTF-8; integers at the
 * edges of their digit counts.
 */
/* Integers as oms writes them, and the payload writer's commas and escapes. */
static void
jsonw_cases(void)
{
	struct buf b = BUF_INIT, el = BUF_INIT;
	char out[24];

	check(int_format(0, 1, out) == 1 && strcmp(out, "0") == 0, "int_format", "0");
	check(int_format(-42, 1, out) == 3 && strcmp(out, "-42") == 0, "int_format", "-42");
	check(int_format(7, 6, out) == 6 && strcmp(out, "000007") == 0, "int_format", "7 w6");
	check(int_format(1234567, 6, out) == 7 && strcmp(out, "1234567") == 0, "int_format",
	    "1234567 w6");
	check(int_format(INT64_MIN, 1, out) == 20 && strcmp(out, "-9223372036854775808") == 0,
	    "int_format", "INT64_MIN");

	jsonw_start(&b);
	check(strcmp(jsonw_end(&b), "{}") == 0, "jsonw", "empty");

	jsonw_object(&el, NULL);
	jsonw_int(&el, "line_no", 1);
	jsonw_object_end(&el);
	jsonw_object(&el, NULL);
	jsonw_int(&el, "line_no", 2);
	jsonw_object_end(&el);
	jsonw_start(&b);
	jsonw_str(&b, "id", "a\"b\\c\n\x01");
	jsonw_str(&b, "none", NULL);
	jsonw_str_or_null(&b, "by", "");
	jsonw_str_or_null(&b, "reason", "late");
	jsonw_int(&b, "qty", -3);
	jsonw_money(&b, "amount", 1205);
	jsonw_money(&b, "fee", -5);
	jsonw_real(&b, "lat", 40.5);
	jsonw_null(&b, "lon");
	jsonw_bool(&b, "capped", 1);
	jsonw_object(&b, "previous");
	jsonw_str(&b, "city", "Boston");
	jsonw_int(&b, "n", 0);
	jsonw_object_end(&b);
	jsonw_array(&b, "empty");
	jsonw_array_end(&b);
	jsonw_array(&b, "lines");
	jsonw_raw(&b, NULL, el.s);
	jsonw_array_end(&b);
	jsonw_key(&b, "last");
	jsonw_int(&b, NULL, 9);
	check(strcmp(jsonw_end(&b), "{\"id\":\"a\\\"b\\\\c\\n\\u0001\",\"none\":null,"
	    "\"by\":null,\"reason\":\"late\",\"qty\":-3,\"amount\":12.05,\"fee\":-0.05,"
	    "\"lat\":40.5,\"lon\":null,\"capped\":true,\"previous\":{\"city\":\"Boston\","
	    "\"n\":0},\"empty\":[],\"lines\":[{\"line_no\":1},{\"line_no\":2}],\"last\":9}") == 0,
	    "jsonw", b.s);
	buf_release(&b);
	buf_release(&el);
}

/* A key's checks say the same words for every command; the first problem is kept. */
static void
rows_cases(void)
{
	struct rows rw;
	long rejected = 0;
	const char *v = "x";
	char long_key[ROWS_MAX_ID + 2];
	int64_t n = 0;

	rows_open(&rw, NULL, -1, &rejected, "nothing done", &(int){0});
	check(rows_key(&rw, "sku", "", 0, &v) == 0 && v == NULL && rw.err.len == 0,
	    "rows_key", "empty, optional");
	check(rows_key(&rw, "sku", "", 1, &v) == -1 && strcmp(rw.err.s, "sku is empty") == 0,
	    "rows_key", "empty, required");
	rows_next(&rw);
	check(rows_key(&rw, "order_id", " O1", 1, &v) == -1 && v == NULL &&
	    strcmp(rw.err.s, "order_id has leading or trailing spaces, got \" O1\"") == 0,
	    "rows_key", "spaces");
	check(rows_int(&rw, "qty", "x", 1, 9, "a positive integer", &n) == -1 &&
	    strcmp(rw.err.s, "order_id has leading or trailing spaces, got \" O1\"") == 0,
	    "rows_bad", "the first problem is kept");
	rows_next(&rw);
	check(rows_key(&rw, "node_id", "N\x01", 0, &v) == -1 &&
	    strcmp(rw.err.s, "node_id holds a control character, got \"N\\x01\"") == 0,
	    "rows_key", "control");
	memset(long_key, 'K', sizeof long_key - 1);
	long_key[ROWS_MAX_KEY] = '\0';
	rows_next(&rw);
	check(rows_key(&rw, "order_id", long_key, 1, &v) == 0 && v == long_key, "rows_key",
	    "200 bytes");
	long_key[ROWS_MAX_KEY] = 'K';
	long_key[ROWS_MAX_KEY + 1] = '\0';
	check(rows_key(&rw, "order_id", long_key, 1, &v) == -1 &&
	    strcmp(rw.err.s, "order_id is too long (201 bytes; at most 200)") == 0,
	    "rows_key", "201 bytes");
	rows_next(&rw);
	check(rows_id(&rw, "rma_id", long_key, 1, &v) == 0, "rows_id", "201 bytes");
	long_key[ROWS_MAX_KEY + 1] = 'K';
	long_key[ROWS_MAX_ID + 1] = '\0';
	check(rows_id(&rw, "rma_id", long_key, 1, &v) == -1 &&
	    strcmp(rw.err.s, "rma_id is too long (241 bytes; at most 240)") == 0,
	    "rows_id", "241 bytes");
	rows_next(&rw);
	check(rows_money(&rw, "amount", "0", 1, &n) == -1 && strcmp(rw.err.s, "amount must be "
	    "a positive amount like 12.34 (at most 2 decimals), got \"0\"") == 0,
	    "rows_money", "0, positive");
	check(rows_money(&rw, "unit_price", "0", 0, &n) == 0 && n == 0, "rows_money", "0");
	check(rows_close(&rw, 0) == 0 && rejected == 0, "rows_close", "strict, none rejected");
}

static void
writer_cases(void)
{
	static const struct outcol cols[] = { { "t", COL_TEXT }, { "n", COL_NUM } };
	static const char special[] = { '"', '\\', '\n', '\r', '\t', 0x01, 0x1f, 0x7f };
	static const int64_t ints[] = { 0, 7, 9, 10, 99, 100, 12345, 999999, 1000000,
		3416899, INT64_MAX, -1, -10, -100, INT64_MIN };
	struct writer w;
	char text[32], want[256], got[256], what[64];
	size_t n, at, k, i;
	int ok = 1;

	writer_init(&w, NULL, OUTFMT_JSONL, cols, 1);
	for (n = 1; n <= 24; n++)
		for (at = 0; at <= n; at++)
			for (k = 0; k < sizeof special; k++) {
				/* ASCII and a two-byte UTF-8 letter (é), one byte at `at` special */
				for (i = 0; i < n; i++)
					text[i] = i % 5 == 3 ? '\xc3' : i % 5 == 4 ? '\xa9' : (char)('a' + i % 26);
				if (at < n)
					text[at] = special[k];
				text[n] = '\0';
				w.line.len = 0;
				writer_row_lens(&w, (const char *const []){ text }, &n, NULL);
				snprintf(got, sizeof got, "%.*s", (int)w.line.len, w.line.s);
				json_ref(text, n, want + 5);
				memcpy(want, "{\"t\":", 5);
				strcat(want, "}\n");
				if (strcmp(got, want) != 0) {
					ok = 0;
					snprintf(what, sizeof what, "json escape n=%zu at=%zu byte=%d", n, at,
					    special[k]);
					check(0, what, got);
				}
			}
	check(ok, "json escape", "every byte that needs one, at every place");
	writer_finish(&w);
	writer_init(&w, NULL, OUTFMT_CSV, cols + 1, 1);
	for (i = 0; i < sizeof ints / sizeof *ints; i++) {
		char num[24];

		w.line.len = 0;
		writer_row_ints(&w, (const char *const []){ writer_int }, &ints[i]);
		/* as printf writes it, and as int_text does */
		snprintf(want, sizeof want, "%lld", (long long)ints[i]);
		snprintf(got, sizeof got, "%.*s", (int)w.line.len - 1, w.line.s);
		check(strcmp(got, want) == 0 && w.line.s[w.line.len - 1] == '\n' &&
		    strcmp(int_text(num, ints[i]), want) == 0, "writer integer", want);
	}
	writer_finish(&w);
}

/* The keys of the postal table: one code however it is written. */
static void
postal_cases(void)
{
	static const struct { const char *country, *code, *key; } codes[] = {
		{ "GB", "SW1A 1AA", "SW1A1AA" }, { "GB", "sw1a 1aa", "SW1A1AA" },
		{ "gb", " SW1A-1AA ", "SW1A1AA" }, { "GB", "SW1A1AA", "SW1A1AA" },
		{ "US", "10001", "10001" }, { "US", "10001-1234", "10001" },
		{ "us", "10001 1234", "10001" }, { " US ", "100011234", "10001" },
		{ NULL, "100011234", "100011234" }, { "BR", "01310-100", "01310100" },
		{ "BR", "013101001", "013101001" }, { "US", "1000A-1234", "1000A1234" },
		{ "US", "10001-123", "10001123" }, { "USA", "10001-1234", "100011234" },
		{ "CA", "h3z\t2y7", "H3Z2Y7" }, { "US", " - ", "" }, { "US", "", "" },
		{ "US", NULL, "" }, { "NL", "1234 ab", "1234AB" },
		{ "JP", "\xe3\x80\x92" "100-0001", "\xe3\x80\x92" "1000001" },
	};
	static const struct { const char *country, *key; } countries[] = {
		{ "gb", "GB" }, { " US\t", "US" }, { "", "" }, { NULL, "" }, { "b r", "B R" },
	};
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof codes / sizeof *codes; i++) {
		n = postal_key(codes[i].country, codes[i].code, out);
		check(strcmp(out, codes[i].key) == 0 && n == strlen(out), "postal_key",
		    codes[i].code ? codes[i].code : "(null)");
	}
	for (i = 0; i < sizeof countries / sizeof *countries; i++) {
		n = country_key(countries[i].country, out);
		check(strcmp(out, countries[i].key) == 0 && n == strlen(out), "country_key",
		    countries[i].country ? countries[i].country : "(null)");
	}
}

int
main(void)
{
	static const struct { const char *s; int64_t min, max; int rc; int64_t v; } ints[] = {
		{ "0", 0, 10, PARSE_OK, 0 }, { "7", 1, 10, PARSE_OK, 7 },
		{ "+7", 1, 10, PARSE_OK, 7 }, { "-3", 1, 10, PARSE_RANGE, 0 },
		{ "1.5", 1, 10, PARSE_BAD, 0 }, { "", 0, 10, PARSE_BAD, 0 },
		{ " 3", 0, 10, PARSE_BAD, 0 }, { "3 ", 0, 10, PARSE_BAD, 0 },
		{ "12x", 0, 100, PARSE_BAD, 0 }, { "11", 0, 10, PARSE_RANGE, 0 },
		{ "9223372036854775807", 0, INT64_MAX, PARSE_OK, INT64_MAX },
		{ "9223372036854775808", 0, INT64_MAX, PARSE_RANGE, 0 },
		{ "99999999999999999999999", 0, INT64_MAX, PARSE_RANGE, 0 },
		{ "99999999999999999999999x", 0, INT64_MAX, PARSE_BAD, 0 },
		{ "-9223372036854775807", INT64_MIN, 0, PARSE_OK, -INT64_MAX },
		{ "0x10", 0, 100, PARSE_BAD, 0 },
	};
	static const struct { const char *s; int rc; int64_t cents; } money[] = {
		{ "19.99", PARSE_OK, 1999 }, { "5", PARSE_OK, 500 }, { "5.5", PARSE_OK, 550 },
		{ ".5", PARSE_OK, 50 }, { "0.00", PARSE_OK, 0 }, { "1.500", PARSE_OK, 150 },
		{ "1.505", PARSE_BAD, 0 }, { "-1", PARSE_BAD, 0 }, { "abc", PARSE_BAD, 0 },
		{ "5.", PARSE_BAD, 0 }, { ".", PARSE_BAD, 0 }, { "", PARSE_BAD, 0 },
		{ "1e3", PARSE_BAD, 0 }, { "123456789012345678901234567890", PARSE_RANGE, 0 },
		{ "1,000.00", PARSE_BAD, 0 },
	};
	static const struct { const char *s; int rc; const char *iso; } times[] = {
		{ "2026-11-27", PARSE_OK, "2026-11-27T00:00:00Z" },
		{ "2026-11-27T14:30:00Z", PARSE_OK, "2026-11-27T14:30:00Z" },
		{ "2026-11-27 14:30", PARSE_OK, "2026-11-27T14:30:00Z" },
		{ "2026-11-27T14:30:00.123Z", PARSE_OK, "2026-11-27T14:30:00Z" },
		{ "2026-11-27T23:30:00-05:00", PARSE_OK, "2026-11-28T04:30:00Z" },
		{ "2026-01-01T00:30:00+01:00", PARSE_OK, "2025-12-31T23:30:00Z" },
		{ "2024-02-29", PARSE_OK, "2024-02-29T00:00:00Z" },
		{ "2026-02-29", PARSE_RANGE, "" }, { "2026-13-01", PARSE_RANGE, "" },
		{ "2026-11-27T24:00", PARSE_RANGE, "" }, { "27/11/2026", PARSE_BAD, "" },
		{ "2026-11-27T14", PARSE_BAD, "" }, { "2026-11-27Z", PARSE_BAD, "" },
		{ "tomorrow", PARSE_BAD, "" }, { "", PARSE_BAD, "" },
	};
	static const struct { const char *s; size_t n; int ok; } utf8[] = {
		{ "plain", 5, 1 }, { "caf\xc3\xa9", 5, 1 }, { "\xe2\x82\xac", 3, 1 },
		{ "\xf0\x9f\x98\x80", 4, 1 }, { "\xc3", 1, 0 }, { "\xc0\xaf", 2, 0 },
		{ "\xe0\x80\xaf", 3, 0 }, { "\xed\xa0\x80", 3, 0 }, { "\xf4\x90\x80\x80", 4, 0 },
		{ "\xff", 1, 0 }, { "\x80", 1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof ints / sizeof *ints; i++) {
		int64_t v = -42;
		int rc = parse_int(ints[i].s, ints[i].min, ints[i].max, &v);

		check(rc == ints[i].rc && (rc != PARSE_OK || v == ints[i].v), "int", ints[i].s);
	}
	for (i = 0; i < sizeof money / sizeof *money; i++) {
		int64_t v = -42;
		int rc = parse_money(money[i].s, &v);

		check(rc == money[i].rc && (rc != PARSE_OK || v == money[i].cents), "money",
		    money[i].s);
	}
	for (i = 0; i < sizeof times / sizeof *times; i++) {
		char out[21] = "";
		int rc = parse_time(times[i].s, out);

		check(rc == times[i].rc && (rc != PARSE_OK || strcmp(out, times[i].iso) == 0),
		    "time", times[i].s);
	}
	for (i = 0; i < sizeof utf8 / sizeof *utf8; i++)
		check(utf8_valid(utf8[i].s, utf8[i].n) == utf8[i].ok, "utf8", utf8[i].s[0] & 0x80 ?
		    "(bytes)" : utf8[i].s);
	{
		char out[32];
		int b = -1;

		real_format(0.1, out);
		check(strcmp(out, "0.1") == 0, "real_format 0.1", out);
		real_format(19.99, out);
		check(strcmp(out, "19.99") == 0, "real_format 19.99", out);
		real_format(10.0, out);
		check(strcmp(out, "10") == 0, "real_format 10.0", out);
		real_format(-0.25, out);
		check(strcmp(out, "-0.25") == 0, "real_format -0.25", out);
		real_format(1e20, out);
		check(strcmp(out, "1e+20") == 0, "real_format 1e20", out);
		money_format(1999, out);
		check(strcmp(out, "19.99") == 0, "money_format 1999", out);
		money_format(-5, out);
		check(strcmp(out, "-0.05") == 0, "money_format -5", out);
		check(parse_bool("Yes", &b) == PARSE_OK && b == 1, "bool", "Yes");
		check(parse_bool("FALSE", &b) == PARSE_OK && b == 0, "bool", "FALSE");
		check(parse_bool("2", &b) == PARSE_BAD, "bool", "2");
		{
			static const char *const methods[] = { "ship", "pickup", "curbside" };

			check(parse_word("SHIP", methods, 3) == 0, "word", "SHIP");
			check(parse_word("Curbside", methods, 3) == 2, "word", "Curbside");
			check(parse_word("shipping", methods, 3) == -1, "word", "shipping");
			check(parse_word(" ship", methods, 3) == -1, "word", " ship");
			check(parse_word("", methods, 3) == -1, "word", "");
		}
		check(strcmp(plural(1, "unit", "units"), "unit") == 0, "plural", "1");
		check(strcmp(plural(0, "unit", "units"), "units") == 0, "plural", "0");
		check(strcmp(plural(-1, "unit", "units"), "units") == 0, "plural", "-1");
		check(strcmp(plural(2, "unit", "units"), "units") == 0, "plural", "2");
		check(parse_real("1e999", 0, 1e300, &(double){0}) == PARSE_RANGE, "real", "1e999");
		check(parse_real("nan", 0, 1, &(double){0}) == PARSE_BAD, "real", "nan");
		check(parse_real("0x1p3", 0, 100, &(double){0}) == PARSE_BAD, "real", "0x1p3");
	}
	writer_cases();
	jsonw_cases();
	rows_cases();
	postal_cases();
	return failures != 0;
}
