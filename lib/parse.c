#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

int
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s;
	int neg = 0;
	uint64_t v = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return PARSE_BAD;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10) {
			/* keep scanning so "12x" past the limit is still BAD */
			while (*p >= '0' && *p <= '9')
				p++;
			return *p ? PARSE_BAD : PARSE_RANGE;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0')
		return PARSE_BAD;
	if (v > (uint64_t)INT64_MAX)
		return PARSE_RANGE;
	if ((neg ? -(int64_t)v : (int64_t)v) < min ||
	    (neg ? -(int64_t)v : (int64_t)v) > max)
		return PARSE_RANGE;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return PARSE_OK;
}

int
parse_money(const char *s, int64_t *cents)
{
	const char *p = s;
	int64_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0;

	if (*p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > 10000000000LL)
			return PARSE_RANGE;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
			if (fdigits >= 2) {
				/* trailing zeros are harmless: 1.500 */
				if (*p != '0')
					return PARSE_BAD;
				continue;
			}
			frac = frac * 10 + (*p - '0');
		}
		if (fdigits == 0)
			return PARSE_BAD;
	}
	if (*p != '\0' || digits + fdigits == 0)
		return PARSE_BAD;
	if (fdigits == 1)
		frac *= 10;
	if (whole > 10000000000LL)
		return PARSE_RANGE;
	*cents = whole * 100 + frac;
	return PARSE_OK;
}

int
parse_real(const char *s, double min, double max, double *out)
{
	const char *p = s;
	char *end;
	double v;

	/* strtod also takes hex, inf, nan and leading spaces: refuse them */
	if (*p == '+' || *p == '-')
		p++;
	if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
		return PARSE_BAD;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return PARSE_BAD;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || end == s)
		return PARSE_BAD;
	if (errno == ERANGE || !isfinite(v) || v < min || v > max)
		return PARSE_RANGE;
	*out = v;
	return PARSE_OK;
}

int
parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "1", "true", "yes", "y", "t" };
	static const char *const no[] = { "0", "false", "no", "n", "f" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return PARSE_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return PARSE_OK;
		}
	}
	return PARSE_BAD;
}

int
parse_word(const char *s, const char *const *tab, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcasecmp(s, tab[i]) == 0)
			return i;
	return -1;
}

static int
digits(const char *p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*v = *v * 10 + (p[i] - '0');
	}
	return 1;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Two decimal digits of v (< 100). */
static void
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

int
parse_time(const char *s, char out[21])
{
	int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0, sign = 0;
	const char *p = s;
	int64_t t;

	if (!digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) ||
	    p[7] != '-' || !digits(p + 8, 2, &d))
		return PARSE_BAD;
	p += 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
			return PARSE_BAD;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &sec))
				return PARSE_BAD;
			p += 3;
			if (*p == '.' || *p == ',') {
				if (p[1] < '0' || p[1] > '9')
					return PARSE_BAD;
				for (p++; *p >= '0' && *p <= '9'; p++)
					;	/* fractions of a second are dropped */
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &zh))
				return PARSE_BAD;
			p += 3;
			if (*p == ':')
				p++;
			if (*p != '\0') {
				if (!digits(p, 2, &zm))
					return PARSE_BAD;
				p += 2;
			}
		}
	}
	if (*p != '\0')
		return PARSE_BAD;
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 60 || zh > 23 || zm > 59)
		return PARSE_RANGE;
	if (sec == 60)
		sec = 59;	/* a leap second is not worth a day's shift */
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= sign * (zh * 3600 + zm * 60);
	{
		int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
		int64_t rem = t - days * 86400;

		civil_from_days(days, &y, &mo, &d);
		if (y > 9999)
			return PARSE_RANGE;
		put2(out, (unsigned)y / 100);
		put2(out + 2, (unsigned)y % 100);
		out[4] = '-';
		put2(out + 5, (unsigned)mo);
		out[7] = '-';
		put2(out + 8, (unsigned)d);
		out[10] = 'T';
		put2(out + 11, (unsigned)(rem / 3600));
		out[13] = ':';
		put2(out + 14, (unsigned)(rem / 60 % 60));
		out[16] = ':';
		put2(out + 17, (unsigned)(rem % 60));
		out[19] = 'Z';
		out[20] = '\0';
	}
	return PARSE_OK;
}

int
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;

	while (s < e) {
		unsigned c = *s;
		size_t len;
		unsigned cp;

		/* most text is ASCII: skip it eight bytes at a time */
		while (e - s >= 8) {
			uint64_t w;

			memcpy(&w, s, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			s += 8;
		}
		if (s == e)
			break;
		c = *s;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if ((size_t)(e - s) < len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += len;
	}
	return 1;
}

int
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

void
money_format(int64_t cents, char *out)
{
	const char *sign = cents < 0 ? "-" : "";
	uint64_t a = cents < 0 ? -(uint64_t)cents : (uint64_t)cents;

	snprintf(out, 24, "%s%llu.%02llu", sign, (unsigned long long)(a / 100),
	    (unsigned long long)(a % 100));
}

int
int_format(int64_t v, int width, char *out)
{
	char t[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int n = 0, len = 0;

	assert(width <= 20);
	do {
		t[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0 || n < width);
	if (v < 0)
		out[len++] = '-';
	while (n > 0)
		out[len++] = t[--n];
	out[len] = '\0';
	return len;
}

void
real_format(double v, char *out)
{
	double a = v < 0 ? -v : v;
	int prec;

	/* plain decimals where people expect them (10, not 1e+01) */
	if (a == 0 || (a >= 1e-6 && a < 1e15)) {
		for (prec = 0; prec <= 17; prec++) {
			snprintf(out, 32, "%.*f", prec, v);
			if (strtod(out, NULL) == v)
				return;
		}
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(out, 32, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
	snprintf(out, 32, "%.17g", v);
}

const char *
quote_value(const char *s)
{
	static char out[200];
	size_t o = 0, i;

	for (i = 0; s[i] != '\0' && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			o += (size_t)snprintf(out + o, sizeof out - o,
			    c == '"' ? "\\\"" : c == '\\' ? "\\\\" : "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (s[i] != '\0') {
		/* do not cut a UTF-8 sequence in half */
		while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && (unsigned char)out[o - 1] >= 0xc0)
			o--;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

const char *
days_date(int64_t days, char out[11])
{
	char buf[48];
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	snprintf(out, 11, "%.10s", buf);
	return out;
}

int64_t
date_days(const char *s)
{
	int y, m, d, i;

	if (s == NULL)
		return INT64_MAX;
	/* the stored form, YYYY-MM-DD..., without sscanf's cost (a view calls this per row) */
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (unsigned)(s[i] - '0') > 9)
			break;
	if (i == 10) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[5] - '0') * 10 + (s[6] - '0');
		d = (s[8] - '0') * 10 + (s[9] - '0');
		return days_from_civil(y, m, d);
	}
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return INT64_MAX;
	return days_from_civil(y, m, d);
}
