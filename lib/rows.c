#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "rows.h"

int
rows_open(struct rows *rw, const char *rejects_path, long max_rejects, long *rejected,
    const char *nothing, int *status)
{
	memset(rw, 0, sizeof *rw);
	rw->max_rejects = max_rejects;
	rw->rejected = rejected;
	rw->nothing = nothing;
	if (rejects_path != NULL && (rw->rj = rejects_open(rejects_path, status)) == NULL)
		return -1;
	return 0;
}

int
rows_close(struct rows *rw, int status)
{
	int r;

	if (rw->rj != NULL && (r = rejects_close(rw->rj, status == 0)) != 0 && status == 0)
		status = r;
	rw->rj = NULL;
	buf_release(&rw->err);
	return status;
}

void
rows_next(struct rows *rw)
{
	buf_reset(&rw->err);
}

int
rows_bad(struct rows *rw, const char *fmt, ...)
{
	va_list ap;
	char msg[1200];

	if (rw->err.len > 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	buf_adds(&rw->err, msg);
	return -1;
}

int
rows_reject(struct rows *rw, struct input *in, const struct raw *raw, const char *file,
    long line, const char *msg, int loud, int *status)
{
	(*rw->rejected)++;
	if (loud)
		diag_at(file, line, "%s", msg);
	if (rw->rj == NULL) {
		rw->failed = 1;
		return 0;
	}
	if (raw != NULL) {
		rejects_write(rw->rj, in, raw, msg);
	} else {
		struct raw *cur = input_raw(in);

		rejects_write(rw->rj, in, cur, msg);
		raw_free(cur);
	}
	if (rw->max_rejects >= 0 && *rw->rejected > rw->max_rejects) {
		diag_error("more than %ld %s rejected (--max-rejects); %s", rw->max_rejects,
		    plural(rw->max_rejects, "record", "records"), rw->nothing);
		*status = EX_DATAERR;
		return -1;
	}
	return 0;
}

int
rows_strict_end(struct rows *rw, const char *one, const char *many, const char *verb)
{
	diag_error("%ld bad %s; %s (use --rejects FILE to %s the good ones)", *rw->rejected,
	    plural(*rw->rejected, one, many), rw->nothing, verb);
	return EX_DATAERR;
}

/* A key of at most max bytes: empty (when required), long, control, spaces. */
static int
key(struct rows *rw, const char *name, const char *v, int required, size_t max,
    const char **out)
{
	size_t n = strlen(v);

	*out = NULL;
	if (n == 0)
		return required ? rows_bad(rw, "%s is empty", name) : 0;
	if (n > max)
		return rows_bad(rw, "%s is too long (%zu bytes; at most %zu)", name, n, max);
	if (has_control(v, n))
		return rows_bad(rw, "%s holds a control character, got \"%s\"", name,
		    quote_value(v));
	if (v[0] == ' ' || v[n - 1] == ' ')
		return rows_bad(rw, "%s has leading or trailing spaces, got \"%s\"", name,
		    quote_value(v));
	*out = v;
	return 0;
}

int
rows_key(struct rows *rw, const char *name, const char *v, int required, const char **out)
{
	return key(rw, name, v, required, ROWS_MAX_KEY, out);
}

int
rows_id(struct rows *rw, const char *name, const char *v, int required, const char **out)
{
	return key(rw, name, v, required, ROWS_MAX_ID, out);
}

int
rows_text(struct rows *rw, const char *name, const char *v, size_t max)
{
	size_t n = strlen(v);

	if (n > max)
		return rows_bad(rw, "%s is too long (%zu bytes; at most %zu)", name, n, max);
	return 0;
}

int
rows_plain(struct rows *rw, const char *name, const char *v, size_t max)
{
	if (rows_text(rw, name, v, max) != 0)
		return -1;
	if (has_control(v, strlen(v)))
		return rows_bad(rw, "%s holds a control character, got \"%s\"", name,
		    quote_value(v));
	return 0;
}

int
rows_empty(struct rows *rw, const char *name, const char *v, int required)
{
	if (v[0] != '\0')
		return 0;
	if (required)
		rows_bad(rw, "%s is empty", name);
	return 1;
}

/* A field that did not parse (parsed: PARSE_OK or not): "name must be what". */
static int
must_be(struct rows *rw, int parsed, const char *name, const char *v, const char *what)
{
	if (parsed != PARSE_OK)
		return rows_bad(rw, "%s must be %s, got \"%s\"", name, what, quote_value(v));
	return 0;
}

int
rows_int(struct rows *rw, const char *name, const char *v, int64_t min, int64_t max,
    const char *what, int64_t *out)
{
	return must_be(rw, parse_int(v, min, max, out), name, v, what);
}

int
rows_real(struct rows *rw, const char *name, const char *v, double min, double max,
    const char *what, double *out)
{
	return must_be(rw, parse_real(v, min, max, out), name, v, what);
}

int
rows_money(struct rows *rw, const char *name, const char *v, int positive, int64_t *out)
{
	int64_t c;

	if (parse_money(v, &c) != PARSE_OK || (positive && c == 0))
		return rows_bad(rw, "%s must be %s like 12.34 (at most 2 decimals), got \"%s\"",
		    name, positive ? "a positive amount" : "an amount", quote_value(v));
	*out = c;
	return 0;
}

int
rows_amount_or_pct(struct rows *rw, const char *name, const char *v, int64_t *cents,
    int64_t *pct)
{
	size_t n = strlen(v);
	char num[32];

	*cents = *pct = -1;
	if (n > 1 && n < sizeof num && v[n - 1] == '%') {
		memcpy(num, v, n - 1);
		num[n - 1] = '\0';
		if (parse_money(num, pct) != PARSE_OK || *pct == 0 || *pct > 10000) {
			*pct = -1;
			return rows_bad(rw, "%s must be a percent above 0 and at most 100 like "
			    "12.5%% (at most 2 decimals), got \"%s\"", name, quote_value(v));
		}
		return 0;
	}
	if (parse_money(v, cents) != PARSE_OK || *cents == 0) {
		*cents = -1;
		return rows_bad(rw, "%s must be a positive amount like 12.34 or a percent like "
		    "10%%, got \"%s\"", name, quote_value(v));
	}
	return 0;
}

int
rows_discount(struct rows *rw, const char *name, const char *v, int64_t qty,
    int64_t unit_price, int64_t *out)
{
	*out = 0;
	if (v[0] == '\0')
		return 0;
	if (rows_money(rw, name, v, 0, out) != 0)
		return -1;
	/* a product past int64 is past any discount too */
	if (rw->err.len == 0 && (unit_price == 0 || qty <= INT64_MAX / unit_price) &&
	    *out > unit_price * qty)
		return rows_bad(rw, "%s %s is more than the line's %lld x unit_price", name,
		    quote_value(v), (long long)qty);
	return 0;
}

int
rows_method(struct rows *rw, const char *v, const char **out)
{
	static const char *const methods[] = { "ship", "pickup", "curbside", "locker" };
	int m;

	if ((m = parse_word(v, methods, sizeof methods / sizeof *methods)) < 0)
		return rows_bad(rw, "method must be one of ship, pickup, curbside, locker, "
		    "got \"%s\"", quote_value(v));
	*out = methods[m];
	return 0;
}

int
rows_handover(struct rows *rw, const char *method, const char *pickup_node,
    const char *node_type, int can_pickup, int can_curbside)
{
	if (strcmp(method, "ship") == 0 && pickup_node != NULL)
		return rows_bad(rw, "pickup_node is only for pickup, curbside and locker lines");
	if (strcmp(method, "ship") != 0 && pickup_node == NULL)
		return rows_bad(rw, "a %s line needs a pickup_node", method);
	if (node_type == NULL)
		return 0;
	if (strcmp(method, "pickup") == 0 && !can_pickup)
		return rows_bad(rw, "node \"%s\" does not offer pickup", quote_value(pickup_node));
	if (strcmp(method, "curbside") == 0 && !can_curbside)
		return rows_bad(rw, "node \"%s\" does not offer curbside pickup",
		    quote_value(pickup_node));
	if (strcmp(method, "locker") == 0 && strcmp(node_type, "locker") != 0)
		return rows_bad(rw, "node \"%s\" is a %s, not a locker", quote_value(pickup_node),
		    node_type);
	return 0;
}

int
rows_bool(struct rows *rw, const char *name, const char *v, int *out)
{
	if (parse_bool(v, out) != PARSE_OK)
		return rows_bad(rw, "%s must be 0 or 1 (or true/false, yes/no), got \"%s\"", name,
		    quote_value(v));
	return 0;
}

int
rows_time(struct rows *rw, const char *name, const char *v, char out[21])
{
	if (parse_time(v, out) != PARSE_OK) {
		out[0] = '\0';
		return rows_bad(rw, "%s must be an ISO 8601 date or time like 2026-11-27 or "
		    "2026-11-27T14:30:00Z, got \"%s\"", name, quote_value(v));
	}
	return 0;
}

int
rows_latlon(struct rows *rw, const char *nlat, const char *vlat, const char *nlon,
    const char *vlon, int *has, double *lat, double *lon)
{
	int a = vlat[0] != '\0', b = vlon[0] != '\0';

	*has = 0;
	if (a != b)
		return rows_bad(rw, "%s and %s go together: give both or neither", nlat, nlon);
	if (!a)
		return 0;
	if (rows_real(rw, nlat, vlat, -90, 90, "a latitude between -90 and 90", lat) != 0 ||
	    rows_real(rw, nlon, vlon, -180, 180, "a longitude between -180 and 180", lon) != 0)
		return -1;
	*has = 1;
	return 0;
}
