/*
 * oms-gen -- generate a deterministic benchmark data set for oms.
 *
 *   oms-gen [-s SEED] [-n ORDER_LINES] [-k SKUS] [-N NODES] -p POSTAL_CSV -d OUTDIR
 *
 * Writes OUTDIR/{nodes,items,inventory,customers,orders,postal,rates}.csv in
 * the formats of oms-formats(5).  The same arguments always give the same
 * bytes.  Memory depends on the postal file, -k and -N, never on -n: orders
 * are written as they are drawn.
 *
 * Build: cc -O2 -std=c11 -Wall -Wextra -D_POSIX_C_SOURCE=200809L \
 *           -o oms-gen oms-gen.c -lm
 *
 * The shape of the data:
 *  - nodes: ~10% warehouses and 3PLs at US distribution hubs, ~2.5% dropship
 *    vendors, the rest stores spread over the big metros by population;
 *  - skus: Zipf-Mandelbrot popularity (rank r has weight 1/(r+10)), ~6% of
 *    them (mostly bulky ones) dropshipped by a vendor, the heaviest ship alone;
 *  - orders: 1-5 lines (mean ~2.5), 30 days from 2026-11-01, ship-to ZIPs
 *    drawn mostly near big metros, ~10% of lines picked up at the store
 *    nearest the customer (some curbside), priorities mostly 5, promise
 *    dates 2-7 days out;
 *  - inventory: every sku at one or more warehouses, popular skus also at
 *    stores, dropship skus at their vendor; total on hand is about 85% of
 *    the expected demand, so allocation has to choose.
 */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define PROG "oms-gen"

/* ------------------------------------------------------------------ */
/* random numbers: xoshiro256** seeded with splitmix64                  */

typedef struct { uint64_t s[4]; } rng_t;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng_t *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
	s[2] ^= t; s[3] = rotl(s[3], 45);
	return res;
}

/* uniform in [0,1) */
static inline double rng_u(rng_t *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* uniform in [0,n) */
static inline uint64_t rng_below(rng_t *r, uint64_t n) { return n ? (uint64_t)(rng_u(r) * (double)n) : 0; }

/* a stateless hash of (seed, a, b) to [0,1) */
static double hash01(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t x = seed ^ (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL);
	splitmix64(&x);
	return (double)(splitmix64(&x) >> 11) * 0x1.0p-53;
}

/* ------------------------------------------------------------------ */
/* errors                                                               */

static void die(int status, const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(status);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die(70, "%s", "out of memory");
	return p;
}

/* ------------------------------------------------------------------ */
/* buffered output                                                      */

typedef struct {
	FILE *f;
	char *path;
	char *buf;
	size_t len, cap;
} out_t;

static void o_flush(out_t *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		die(74, "%s: write error", o->path);
	o->len = 0;
}

static void o_open(out_t *o, const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	o->path = xcalloc(n, 1);
	snprintf(o->path, n, "%s/%s", dir, name);
	o->f = fopen(o->path, "w");
	if (!o->f)
		die(73, "cannot create %s", o->path);
	o->cap = 1 << 20;
	o->buf = xcalloc(o->cap, 1);
	o->len = 0;
}

static void o_close(out_t *o)
{
	o_flush(o);
	if (ferror(o->f) | fclose(o->f))
		die(74, "%s: write error", o->path);
	free(o->buf);
	free(o->path);
}

static inline void o_mem(out_t *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		o_flush(o);
		if (n > o->cap) {
			if (fwrite(s, 1, n, o->f) != n)
				die(74, "%s: write error", o->path);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void o_str(out_t *o, const char *s) { o_mem(o, s, strlen(s)); }
static inline void o_ch(out_t *o, char c) { o_mem(o, &c, 1); }

static inline void o_u64(out_t *o, uint64_t v)
{
	char t[24];
	int i = sizeof t;
	do t[--i] = (char)('0' + v % 10); while ((v /= 10) != 0);
	o_mem(o, t + i, sizeof t - (size_t)i);
}

/* non-negative amount in cents as d.dd */
static inline void o_cents(out_t *o, uint64_t c)
{
	o_u64(o, c / 100);
	char t[3] = { '.', (char)('0' + c / 10 % 10), (char)('0' + c % 10) };
	o_mem(o, t, 3);
}

/* a CSV field, quoted when needed */
static void o_csv(out_t *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		o_str(o, s);
		return;
	}
	o_ch(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			o_ch(o, '"');
		o_ch(o, *s);
	}
	o_ch(o, '"');
}

/* append a CSV field to a small string buffer */
static void s_csv(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst);
	int q = strpbrk(s, ",\"\r\n") != NULL;
	if (q && n + 1 < cap)
		dst[n++] = '"';
	for (; *s && n + 2 < cap; s++) {
		if (q && *s == '"')
			dst[n++] = '"';
		dst[n++] = *s;
	}
	if (q && n + 1 < cap)
		dst[n++] = '"';
	dst[n] = 0;
}

/* ------------------------------------------------------------------ */
/* dates                                                                */

static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* "YYYY-MM-DD" for a day number */
static void fmt_date(char *b, size_t n, int64_t day)
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(b, n, "%04d-%02u-%02u", y, m, d);
}

/* "YYYY-MM-DDTHH:MM:SSZ" for seconds since the epoch */
static void fmt_time(char *b, size_t n, int64_t t)
{
	int64_t day = t / 86400, s = t % 86400;
	char d[48];
	fmt_date(d, sizeof d, day);
	snprintf(b, n, "%sT%02d:%02d:%02dZ", d, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

/* ------------------------------------------------------------------ */
/* geography                                                            */

#define DEG (3.14159265358979323846 / 180.0)

/* fast planar distance in km, good enough to find what is near */
static double near_km(double lat1, double lon1, double lat2, double lon2)
{
	double x = (lon2 - lon1) * cos((lat1 + lat2) * 0.5 * DEG), y = lat2 - lat1;
	return 111.2 * sqrt(x * x + y * y);
}

struct metro { const char *name; double lat, lon, pop; };

/* the largest US metros: centre and population in millions */
static const struct metro metros[] = {
	{ "New York", 40.7128, -74.0060, 19.5 }, { "Los Angeles", 34.0522, -118.2437, 13.0 },
	{ "Chicago", 41.8781, -87.6298, 9.4 }, { "Dallas", 32.7767, -96.7970, 7.6 },
	{ "Houston", 29.7604, -95.3698, 7.1 }, { "Washington", 38.9072, -77.0369, 6.3 },
	{ "Philadelphia", 39.9526, -75.1652, 6.2 }, { "Miami", 25.7617, -80.1918, 6.1 },
	{ "Atlanta", 33.7490, -84.3880, 6.1 }, { "Boston", 42.3601, -71.0589, 4.9 },
	{ "Phoenix", 33.4484, -112.0740, 4.9 }, { "San Francisco", 37.7749, -122.4194, 4.7 },
	{ "Riverside", 33.9806, -117.3755, 4.6 }, { "Detroit", 42.3314, -83.0458, 4.4 },
	{ "Seattle", 47.6062, -122.3321, 4.0 }, { "Minneapolis", 44.9778, -93.2650, 3.7 },
	{ "San Diego", 32.7157, -117.1611, 3.3 }, { "Tampa", 27.9506, -82.4572, 3.2 },
	{ "Denver", 39.7392, -104.9903, 3.0 }, { "Baltimore", 39.2904, -76.6122, 2.8 },
	{ "St. Louis", 38.6270, -90.1994, 2.8 }, { "Orlando", 28.5383, -81.3792, 2.7 },
	{ "Charlotte", 35.2271, -80.8431, 2.7 }, { "San Antonio", 29.4241, -98.4936, 2.6 },
	{ "Portland", 45.5152, -122.6784, 2.5 }, { "Sacramento", 38.5816, -121.4944, 2.4 },
	{ "Pittsburgh", 40.4406, -79.9959, 2.4 }, { "Austin", 30.2672, -97.7431, 2.3 },
	{ "Las Vegas", 36.1699, -115.1398, 2.3 }, { "Cincinnati", 39.1031, -84.5120, 2.3 },
	{ "Kansas City", 39.0997, -94.5786, 2.2 }, { "Columbus", 39.9612, -82.9988, 2.1 },
	{ "Indianapolis", 39.7684, -86.1581, 2.1 }, { "Cleveland", 41.4993, -81.6944, 2.1 },
	{ "Nashville", 36.1627, -86.7816, 2.0 }, { "San Jose", 37.3382, -121.8863, 2.0 },
	{ "Jacksonville", 30.3322, -81.6557, 1.6 }, { "Raleigh", 35.7796, -78.6382, 1.4 },
	{ "Memphis", 35.1495, -90.0490, 1.3 }, { "Salt Lake City", 40.7608, -111.8910, 1.3 },
};
#define NMETRO (sizeof metros / sizeof metros[0])

/* distribution hubs for warehouses and 3PLs, in the order they open */
static const struct metro hubs[] = {
	{ "Cranbury NJ", 40.3039, -74.5065, 0 }, { "Dallas TX", 32.7829, -96.8714, 0 },
	{ "Reno NV", 39.4972, -119.7764, 0 }, { "Atlanta GA", 33.6407, -84.4277, 0 },
	{ "Joliet IL", 41.5250, -88.0817, 0 }, { "Ontario CA", 34.0633, -117.6509, 0 },
	{ "Columbus OH", 39.8277, -82.9342, 0 }, { "Indianapolis IN", 39.7169, -86.2956, 0 },
	{ "Kansas City MO", 39.0997, -94.5786, 0 }, { "Phoenix AZ", 33.4352, -112.3488, 0 },
	{ "Kent WA", 47.3809, -122.2348, 0 }, { "Denver CO", 39.7817, -104.8880, 0 },
	{ "Harrisburg PA", 40.2732, -76.8867, 0 }, { "Jacksonville FL", 30.3322, -81.6557, 0 },
	{ "Salt Lake City UT", 40.7608, -111.8910, 0 }, { "Charlotte NC", 35.2271, -80.8431, 0 },
	{ "Houston TX", 29.7604, -95.3698, 0 }, { "Sacramento CA", 38.5816, -121.4944, 0 },
	{ "Minneapolis MN", 44.9778, -93.2650, 0 }, { "Lakeland FL", 28.0395, -81.9498, 0 },
};
#define NHUB (sizeof hubs / sizeof hubs[0])

static const struct metro hubs3pl[] = {
	{ "Memphis TN", 35.0514, -89.9265, 0 }, { "Louisville KY", 38.2527, -85.7585, 0 },
	{ "Allentown PA", 40.6023, -75.4714, 0 }, { "Stockton CA", 37.9577, -121.2908, 0 },
	{ "Fort Worth TX", 32.7555, -97.3308, 0 },
};
#define NHUB3 (sizeof hubs3pl / sizeof hubs3pl[0])

static const struct metro vendors[] = {
	{ "High Point NC", 35.9557, -80.0053, 0 }, { "Grand Rapids MI", 42.9634, -85.6681, 0 },
	{ "City of Industry CA", 34.0197, -117.9587, 0 }, { "Secaucus NJ", 40.7895, -74.0565, 0 },
	{ "Tupelo MS", 34.2576, -88.7034, 0 }, { "Dalton GA", 34.7698, -84.9702, 0 },
};
#define NVEND (sizeof vendors / sizeof vendors[0])

/* ------------------------------------------------------------------ */
/* the postal file                                                      */

typedef struct {
	char *code, *country, *lat_s, *lon_s, *city, *region;
	double lat, lon;
	int usable;             /* a plausible ship-to */
} zip_t;

static zip_t *zips;
static size_t nzips;

/* split one CSV record in place (quotes allowed, no embedded newlines) */
static int split_csv(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *w;
	while (n < max) {
		if (*p == '"') {
			f[n++] = w = ++p;
			for (;;) {
				if (*p == '"' && p[1] == '"') { *w++ = '"'; p += 2; }
				else if (*p == '"') { p++; break; }
				else if (!*p) break;
				else *w++ = *p++;
			}
			while (*p && *p != ',') p++;
			*w = 0;
			if (*p) {
				*p++ = 0;
				continue;
			}
			break;
		}
		f[n++] = p;
		while (*p && *p != ',') p++;
		if (!*p)
			break;
		*p++ = 0;
	}
	return n;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xcalloc(n, 1);
	memcpy(d, s, n);
	return d;
}

static int parse_deg(const char *s, double lim, double *v)
{
	char *e;
	if (!*s)
		return 0;
	errno = 0;
	*v = strtod(s, &e);
	return !*e && !errno && isfinite(*v) && fabs(*v) <= lim;
}

static void load_postal(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die(66, "cannot open %s", path);
	char *line = NULL;
	size_t cap = 0, zcap = 0;
	ssize_t len;
	int col[6] = { -1, -1, -1, -1, -1, -1 };
	static const char *names[6] = { "postal_code", "country", "lat", "lon", "city", "region" };
	char *fld[64];
	unsigned long lineno = 0, bad = 0;

	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (lineno == 1 && (unsigned char)line[0] == 0xef && (unsigned char)line[1] == 0xbb)
			memmove(line, line + 3, (size_t)len - 2);
		int n = split_csv(line, fld, 64);
		if (lineno == 1) {
			for (int i = 0; i < n; i++)
				for (int j = 0; j < 6; j++)
					if (!strcasecmp(fld[i], names[j]))
						col[j] = i;
			if (col[0] < 0 || col[2] < 0 || col[3] < 0)
				die(65, "%s: header needs postal_code, lat and lon", path);
			continue;
		}
		if (!len)
			continue;
		zip_t z;
		memset(&z, 0, sizeof z);
		const char *v[6];
		for (int j = 0; j < 6; j++)
			v[j] = col[j] >= 0 && col[j] < n ? fld[col[j]] : "";
		if (!*v[0] || strlen(v[0]) > 20 || !parse_deg(v[2], 90, &z.lat) || !parse_deg(v[3], 180, &z.lon)) {
			bad++;
			continue;
		}
		z.code = xstrdup(v[0]);
		z.country = xstrdup(*v[1] ? v[1] : "US");
		z.lat_s = xstrdup(v[2]);
		z.lon_s = xstrdup(v[3]);
		z.city = xstrdup(v[4]);
		z.region = xstrdup(v[5]);
		/* military mail and the islands far away are real ZIPs but odd ship-tos */
		static const char *odd = " AE AP AA GU VI FM MP PW MH AS ";
		char key[8];
		snprintf(key, sizeof key, " %.2s ", z.region);
		z.usable = !(z.lat == 0 && z.lon == 0) && !(strlen(z.region) == 2 && strstr(odd, key));
		if (nzips == zcap) {
			zcap = zcap ? zcap * 2 : 65536;
			zip_t *nz = realloc(zips, zcap * sizeof *zips);
			if (!nz)
				die(70, "%s", "out of memory");
			zips = nz;
		}
		zips[nzips++] = z;
	}
	if (ferror(f))
		die(74, "%s: read error", path);
	fclose(f);
	free(line);
	if (bad)
		fprintf(stderr, PROG ": %s: skipped %lu rows without a postal code or a valid lat/lon\n", path, bad);
	if (nzips == 0)
		die(65, "%s: no usable rows", path);
}

/* usable rows; per metro, the usable rows within METRO_KM */
#define METRO_KM 50.0
static size_t *usable, nusable;
static size_t *mrows[NMETRO], nmrows[NMETRO];
static double mcum[NMETRO];

static size_t nearest_zip(double lat, double lon)
{
	size_t best = 0;
	double bd = 1e30;
	for (size_t i = 0; i < nzips; i++) {
		if (!zips[i].usable)
			continue;
		double d = near_km(lat, lon, zips[i].lat, zips[i].lon);
		if (d < bd) { bd = d; best = i; }
	}
	return best;
}

static void index_postal(void)
{
	usable = xcalloc(nzips, sizeof *usable);
	for (size_t i = 0; i < nzips; i++)
		if (zips[i].usable)
			usable[nusable++] = i;
	if (!nusable)
		die(65, "%s", "postal file has no usable ship-to rows");
	double tot = 0;
	for (size_t m = 0; m < NMETRO; m++) {
		size_t cnt = 0;
		for (int pass = 0; pass < 2; pass++) {
			if (pass)
				mrows[m] = xcalloc(cnt ? cnt : 1, sizeof(size_t));
			cnt = 0;
			for (size_t u = 0; u < nusable; u++) {
				const zip_t *z = &zips[usable[u]];
				if (fabs(z->lat - metros[m].lat) > 1.0)
					continue;
				if (near_km(metros[m].lat, metros[m].lon, z->lat, z->lon) <= METRO_KM) {
					if (pass)
						mrows[m][cnt] = usable[u];
					cnt++;
				}
			}
		}
		if (!cnt) { /* a foreign postal file: fall back to the nearest row */
			mrows[m][0] = nearest_zip(metros[m].lat, metros[m].lon);
			cnt = 1;
		}
		nmrows[m] = cnt;
		tot += metros[m].pop;
		mcum[m] = tot;
	}
}

static size_t pick_metro(rng_t *r)
{
	double x = rng_u(r) * mcum[NMETRO - 1];
	size_t m = 0;
	while (m + 1 < NMETRO && mcum[m] <= x)
		m++;
	return m;
}

/* a ship-to: two in three near a big metro, the rest anywhere */
static size_t pick_zip(rng_t *r)
{
	if (rng_u(r) < 0.65) {
		size_t m = pick_metro(r);
		return mrows[m][rng_below(r, nmrows[m])];
	}
	return usable[rng_below(r, nusable)];
}

/* ------------------------------------------------------------------ */
/* the model being generated                                            */

enum { T_WH, T_3PL, T_STORE, T_VENDOR };
static const char *type_name[] = { "warehouse", "3pl", "store", "vendor" };

typedef struct {
	char id[32];
	char name[96];
	int type;
	size_t zip;
	int curbside;
	unsigned capacity;
	unsigned handling;      /* cents */
	unsigned processing;
	unsigned safety;
} node_t;

typedef struct {
	uint32_t price, cost;   /* cents */
	double weight;
	int ship_alone;
	int vendor;             /* node index or -1 */
	uint32_t rank;          /* popularity rank, 0 = most popular */
	double supply;          /* units on hand over the network */
	double store_ps;        /* probability a store stocks it (0: no store stock) */
	double store_units;
	uint32_t wh_start, wh_count;
	uint8_t adj, noun, colour;
} item_t;

static node_t *nodes;
static size_t nnodes, nstores, nwh;      /* nwh: warehouses + 3pls, nodes[0..nwh) */
static size_t *store_ix;                 /* node index of each store */
static item_t *items;
static size_t nitems;
static uint32_t *by_rank;                /* sku index by popularity rank */
static double *rank_cum;
static uint64_t seed = 1;

static const char *first_names[] = {
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
	"Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
	"Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Emily",
	"Mark", "Ashley", "Steven", "Michelle", "José", "Zoë", "Renée", "Priya", "Wei", "Aisha",
	"Mateo", "Hannah", "Kenji", "Olivia", "Liam", "Noah", "Sofia", "Ava", "Ethan", "Chloe",
};
static const char *first_ascii[] = {
	"james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david",
	"elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas",
	"sarah", "charles", "karen", "daniel", "nancy", "matthew", "lisa", "anthony", "emily",
	"mark", "ashley", "steven", "michelle", "jose", "zoe", "renee", "priya", "wei", "aisha",
	"mateo", "hannah", "kenji", "olivia", "liam", "noah", "sofia", "ava", "ethan", "chloe",
};
static const char *last_names[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
	"Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
	"Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
	"Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Nguyen", "Patel", "Kim",
	"O'Brien", "Müller", "Álvarez", "Dubois", "Kowalski", "Okafor", "Lindqvist", "Chen",
};
static const char *last_ascii[] = {
	"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
	"martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor",
	"moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez",
	"clark", "ramirez", "lewis", "robinson", "walker", "young", "nguyen", "patel", "kim",
	"obrien", "muller", "alvarez", "dubois", "kowalski", "okafor", "lindqvist", "chen",
};
#define NFIRST (sizeof first_names / sizeof first_names[0])
#define NLAST (sizeof last_names / sizeof last_names[0])

static const char *streets[] = {
	"Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Main",
	"Church", "Walnut", "Spruce", "Highland", "Sunset", "Jackson", "Franklin", "Lincoln",
	"Madison", "Jefferson", "Ridge", "Meadow", "Forest", "River", "Spring", "Willow",
	"Chestnut", "Union", "Center", "Mill", "Broad", "Market", "Prospect", "Valley",
};
static const char *suffixes[] = { "St", "St", "Ave", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pl" };

static const char *adjectives[] = {
	"Classic", "Deluxe", "Compact", "Premium", "Everyday", "Pro", "Mini", "Ultra", "Eco",
	"Heritage", "Smart", "Essential", "Outdoor", "Signature", "Travel", "Family",
};
/* what a sku is: a typical price (dollars) and weight (kg) */
static const struct { const char *name; double price, kg; } nouns[] = {
	{ "Blender", 89, 3.9 }, { "Desk Lamp", 35, 1.1 }, { "Throw Blanket", 40, 1.2 },
	{ "Backpack", 60, 0.9 }, { "Headphones", 150, 0.35 }, { "Water Bottle", 30, 0.5 },
	{ "Yoga Mat", 30, 1.4 }, { "Coffee Maker", 60, 2.6 }, { "Toaster", 45, 2.2 },
	{ "Bath Towel Set", 35, 2.1 }, { "Bluetooth Speaker", 70, 0.6 }, { "Rain Jacket", 80, 0.7 },
	{ "Sneakers", 95, 0.9 }, { "Board Game", 30, 1.3 }, { "Jigsaw Puzzle", 18, 0.7 },
	{ "Cookware Set", 130, 7.5 }, { "Knife Block", 90, 3.0 }, { "Pillow", 30, 0.9 },
	{ "Duvet Cover", 60, 1.4 }, { "Floor Lamp", 80, 5.5 }, { "Bookcase", 150, 27 },
	{ "Office Chair", 230, 17 }, { "Area Rug", 180, 9 }, { "Stick Vacuum", 230, 3.4 },
	{ "Air Fryer", 100, 5.2 }, { "Smart Watch", 280, 0.1 }, { "Tablet Case", 25, 0.2 },
	{ "Phone Charger", 25, 0.15 }, { "HDMI Cable", 13, 0.12 }, { "Monitor", 250, 6.5 },
	{ "Garden Hose", 35, 3.2 }, { "Tool Set", 120, 8 }, { "Stand Mixer", 350, 10.5 },
	{ "Luggage", 180, 4.5 }, { "Sleeping Bag", 80, 1.9 }, { "Tent", 130, 3.6 },
	{ "Dumbbells", 300, 24 }, { "Television", 600, 22 }, { "Sofa", 900, 68 },
	{ "Dining Table", 650, 55 }, { "Space Heater", 60, 3.0 }, { "Humidifier", 50, 2.4 },
	{ "Toy Robot", 45, 1.0 }, { "Plush Toy", 20, 0.4 }, { "Socks 3-Pack", 15, 0.25 },
	{ "Candle", 20, 1.1 }, { "Treadmill", 700, 52 }, { "Mattress", 800, 35 },
};
static const char *colours[] = { "Black", "White", "Gray", "Navy", "Red", "Green", "Oak", "Walnut", "Blue", "Sand" };
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* nodes                                                                */

static void make_nodes(size_t N)
{
	size_t nv = N / 40 ? N / 40 : 1, nw_all = N / 10 ? N / 10 : 1;
	size_t n3 = nw_all / 6;
	if (nv > NVEND * 10)
		nv = NVEND * 10;
	if (nv + nw_all >= N)
		die(64, "%s", "-N too small: need room for at least one store");
	nnodes = N;
	nwh = nw_all;
	nstores = N - nv - nw_all;
	nodes = xcalloc(N, sizeof *nodes);
	store_ix = xcalloc(nstores, sizeof *store_ix);
	rng_t r;
	rng_seed(&r, seed ^ 0x6e6f646573ULL);

	size_t k = 0;
	for (size_t i = 0; i < nw_all; i++, k++) {
		node_t *n = &nodes[k];
		int is3 = i >= nw_all - n3;
		size_t h = is3 ? i - (nw_all - n3) : i;
		const struct metro *m = is3 ? &hubs3pl[h % NHUB3] : &hubs[h % NHUB];
		n->type = is3 ? T_3PL : T_WH;
		if (is3) {
			snprintf(n->id, sizeof n->id, "3PL%02zu", h + 1);
			snprintf(n->name, sizeof n->name, "%s 3PL", m->name);
		} else {
			snprintf(n->id, sizeof n->id, "WH%03zu", h + 1);
			snprintf(n->name, sizeof n->name, "%s Distribution Center%s", m->name, h >= NHUB ? " 2" : "");
		}
		n->zip = nearest_zip(m->lat + (h >= NHUB ? 0.2 : 0), m->lon);
		n->capacity = is3 ? 15000 : 20000 + 5000 * (unsigned)rng_below(&r, 9);
		n->handling = is3 ? 200 : 140 + (unsigned)rng_below(&r, 21);
		n->processing = 1;
		n->safety = is3 ? 0 : (unsigned)rng_below(&r, 6);
	}
	/* stores over the metros by population: largest remainder */
	double tot = mcum[NMETRO - 1];
	size_t per[NMETRO], given = 0;
	double rem[NMETRO];
	for (size_t m = 0; m < NMETRO; m++) {
		double q = (double)nstores * metros[m].pop / tot;
		per[m] = (size_t)q;
		rem[m] = q - (double)per[m];
		given += per[m];
	}
	while (given < nstores) {
		size_t b = 0;
		for (size_t m = 1; m < NMETRO; m++)
			if (rem[m] > rem[b])
				b = m;
		per[b]++;
		rem[b] = -1;
		given++;
	}
	size_t s = 0;
	for (size_t m = 0; m < NMETRO; m++)
		for (size_t j = 0; j < per[m]; j++, s++, k++) {
			node_t *n = &nodes[k];
			store_ix[s] = k;
			n->type = T_STORE;
			snprintf(n->id, sizeof n->id, "ST%04zu", s + 1);
			snprintf(n->name, sizeof n->name, "%s #%zu", metros[m].name, j + 1);
			n->zip = mrows[m][rng_below(&r, nmrows[m])];
			n->curbside = rng_u(&r) < 0.4;
			n->capacity = 150 + 25 * (unsigned)rng_below(&r, 11);
			n->handling = 270 + 10 * (unsigned)rng_below(&r, 7);
			n->processing = (unsigned)rng_below(&r, 2);
			n->safety = 1 + (unsigned)rng_below(&r, 2);
		}
	for (size_t v = 0; v < nv; v++, k++) {
		node_t *n = &nodes[k];
		const struct metro *m = &vendors[v % NVEND];
		n->type = T_VENDOR;
		snprintf(n->id, sizeof n->id, "VN%02zu", v + 1);
		snprintf(n->name, sizeof n->name, "%s Dropship Vendor%s", m->name, v >= NVEND ? " 2" : "");
		n->zip = nearest_zip(m->lat, m->lon + (v >= NVEND ? 0.2 : 0));
		n->capacity = 3000;
		n->handling = 400;
		n->processing = 3;
	}
}

static void write_nodes(const char *dir)
{
	out_t o;
	o_open(&o, dir, "nodes.csv");
	o_str(&o, "node_id,type,name,postal_code,country,lat,lon,can_ship,can_pickup,can_curbside,"
	      "accepts_returns,capacity_per_day,handling_cost,processing_days,safety_stock,active\n");
	for (size_t i = 0; i < nnodes; i++) {
		const node_t *n = &nodes[i];
		const zip_t *z = &zips[n->zip];
		o_str(&o, n->id); o_ch(&o, ',');
		o_str(&o, type_name[n->type]); o_ch(&o, ',');
		o_csv(&o, n->name); o_ch(&o, ',');
		o_csv(&o, z->code); o_ch(&o, ',');
		o_csv(&o, z->country); o_ch(&o, ',');
		o_str(&o, z->lat_s); o_ch(&o, ',');
		o_str(&o, z->lon_s);
		o_str(&o, ",1,");
		o_str(&o, n->type == T_STORE ? "1," : "0,");
		o_str(&o, n->curbside ? "1," : "0,");
		o_str(&o, n->type == T_WH || n->type == T_STORE ? "1," : "0,");
		o_u64(&o, n->capacity); o_ch(&o, ',');
		o_cents(&o, n->handling); o_ch(&o, ',');
		o_u64(&o, n->processing); o_ch(&o, ',');
		o_u64(&o, n->safety);
		o_str(&o, ",1\n");
	}
	o_close(&o);
}

/* ------------------------------------------------------------------ */
/* items and their supply                                               */

#define ZIPF_Q 10.0
#define MEAN_QTY 1.38
#define PICKUP_ORDERS 0.12  /* share of orders picked up... */
#define PICKUP_NEAR 0.70    /* ...by the customers who live near a store */
#define PICKUP_KM 60.0

static int skuw;  /* digits in a sku number */

static void sku_id(char *b, size_t n, size_t i) { snprintf(b, n, "SKU%0*zu", skuw, i + 1); }

static void make_items(size_t K, uint64_t L)
{
	nitems = K;
	items = xcalloc(K, sizeof *items);
	by_rank = xcalloc(K, sizeof *by_rank);
	rank_cum = xcalloc(K, sizeof *rank_cum);
	rng_t r;
	rng_seed(&r, seed ^ 0x6974656d73ULL);

	/* popularity ranks: a shuffle, so SKU000001 is not the best seller */
	for (size_t i = 0; i < K; i++)
		by_rank[i] = (uint32_t)i;
	for (size_t i = K; i > 1; i--) {
		size_t j = rng_below(&r, i);
		uint32_t t = by_rank[i - 1]; by_rank[i - 1] = by_rank[j]; by_rank[j] = t;
	}
	double tot = 0;
	for (size_t k = 0; k < K; k++) {
		tot += 1.0 / ((double)k + 1 + ZIPF_Q);
		rank_cum[k] = tot;
		items[by_rank[k]].rank = (uint32_t)k;
	}

	size_t nvend = 0, first_vendor = nnodes;
	for (size_t i = 0; i < nnodes; i++)
		if (nodes[i].type == T_VENDOR) {
			if (first_vendor == nnodes)
				first_vendor = i;
			nvend++;
		}

	for (size_t i = 0; i < K; i++) {
		item_t *it = &items[i];
		it->adj = (uint8_t)rng_below(&r, NELEM(adjectives));
		it->noun = (uint8_t)rng_below(&r, NELEM(nouns));
		it->colour = (uint8_t)rng_below(&r, NELEM(colours));
		double p = nouns[it->noun].price * exp(0.5 * (rng_u(&r) + rng_u(&r) - 1));
		it->price = (p < 5 ? 4 : (uint32_t)p) * 100 + 99;
		it->cost = (uint32_t)(it->price * (0.40 + 0.30 * rng_u(&r)));
		it->weight = nouns[it->noun].kg * (0.75 + 0.5 * rng_u(&r));
		it->weight = floor(it->weight * 100 + 0.5) / 100;
		if (it->weight < 0.05)
			it->weight = 0.05;
		it->ship_alone = it->weight > 30;
		/* bulky goods are often dropshipped; a few small ones too */
		it->vendor = nvend && rng_u(&r) < (it->weight > 15 ? 0.30 : 0.012)
			? (int)(first_vendor + rng_below(&r, nvend)) : -1;

		/* expected demand, and supply at 55%..115% of it (85% overall) */
		double share = (1.0 / (it->rank + 1 + ZIPF_Q)) / tot;
		double demand = (double)L * share * MEAN_QTY;
		it->supply = floor(demand * (0.55 + 0.60 * rng_u(&r)) + rng_u(&r));
		if (it->vendor < 0 && nstores) {
			double su = 0.2 * it->supply;
			double ps = su / (3.0 * (double)nstores);
			if (ps > 1)
				ps = 1;
			if (ps * (double)nstores >= 3) {
				it->store_ps = ps;
				it->store_units = su;
				it->supply -= su;
			}
		}
		/* how many warehouses carry it */
		uint32_t m = it->rank < 100 ? (uint32_t)nwh : it->rank < 1000 ? (uint32_t)(nwh + 1) / 2
			: it->rank < 4000 ? 3 : 1 + (uint32_t)rng_below(&r, 2);
		if (m > nwh)
			m = (uint32_t)nwh;
		if (m < 1)
			m = 1;
		it->wh_count = m;
		it->wh_start = (uint32_t)rng_below(&r, nwh);
	}
}

static void write_items(const char *dir)
{
	out_t o;
	rng_t r;
	rng_seed(&r, seed ^ 0x6465736373ULL);
	o_open(&o, dir, "items.csv");
	o_str(&o, "sku,description,unit_price,unit_cost,weight_kg,ship_alone,vendor_node,"
	      "ordering_cost,holding_rate,lead_time_days,active\n");
	char b[160];
	for (size_t i = 0; i < nitems; i++) {
		const item_t *it = &items[i];
		sku_id(b, sizeof b, i);
		o_str(&o, b); o_ch(&o, ',');
		snprintf(b, sizeof b, "%s %s, %s", adjectives[it->adj], nouns[it->noun].name, colours[it->colour]);
		o_csv(&o, b); o_ch(&o, ',');
		o_cents(&o, it->price); o_ch(&o, ',');
		o_cents(&o, it->cost); o_ch(&o, ',');
		snprintf(b, sizeof b, "%.2f", it->weight);
		o_str(&o, b); o_ch(&o, ',');
		o_str(&o, it->ship_alone ? "1," : "0,");
		if (it->vendor >= 0)
			o_str(&o, nodes[it->vendor].id);
		o_ch(&o, ',');
		o_cents(&o, 2500 + 500 * rng_below(&r, 26)); o_ch(&o, ',');
		static const char *hr[] = { "0.20", "0.25", "0.25", "0.30" };
		o_str(&o, hr[rng_below(&r, 4)]); o_ch(&o, ',');
		o_u64(&o, it->vendor >= 0 ? 14 : 7 + rng_below(&r, 54));
		o_str(&o, ",1\n");
	}
	o_close(&o);
}

static inline int store_stocks(size_t s, size_t i)
{
	return items[i].store_ps > 0 && hash01(seed, s + 1, i) < items[i].store_ps;
}

static void write_inventory(const char *dir, int64_t as_of)
{
	out_t o;
	char asof[80], b[40];
	fmt_time(asof, sizeof asof, as_of);
	o_open(&o, dir, "inventory.csv");
	o_str(&o, "node_id,sku,on_hand,safety_stock,as_of\n");
	size_t s = 0;
	for (size_t n = 0; n < nnodes; n++) {
		const node_t *nd = &nodes[n];
		for (size_t i = 0; i < nitems; i++) {
			const item_t *it = &items[i];
			uint64_t q;
			if (nd->type == T_VENDOR) {
				if (it->vendor != (int)n)
					continue;
				q = (uint64_t)it->supply;
			} else if (nd->type == T_STORE) {
				if (!store_stocks(s, i))
					continue;
				double mean = it->store_units / ((double)nstores * it->store_ps);
				q = (uint64_t)floor(mean * (0.5 + hash01(seed ^ 1, s, i)) + 0.5);
				if (q < 1)
					q = 1;
			} else {
				if (it->vendor >= 0)
					continue;
				uint32_t pos = (uint32_t)((n + nwh - it->wh_start) % nwh);
				if (pos >= it->wh_count)
					continue;
				uint64_t units = (uint64_t)it->supply;
				q = units / it->wh_count + (pos < units % it->wh_count);
				if (!q && pos)
					continue;
			}
			sku_id(b, sizeof b, i);
			o_str(&o, nd->id); o_ch(&o, ',');
			o_str(&o, b); o_ch(&o, ',');
			o_u64(&o, q); o_ch(&o, ',');
			double h = hash01(seed ^ 2, n, i);
			if (h < 0.01)
				o_u64(&o, nd->type == T_STORE ? 3 : 10);
			o_ch(&o, ',');
			o_str(&o, asof); o_ch(&o, '\n');
		}
		if (nd->type == T_STORE)
			s++;
	}
	o_close(&o);
}

/* ------------------------------------------------------------------ */
/* customers                                                            */

typedef struct {
	char id[16];
	char name[64];
	char email[96];
	char phone[24];
	const char *tier;
	size_t zip;
	char addr[96];
} cust_t;

static int custw;

static void make_address(rng_t *r, char *b, size_t n)
{
	unsigned num = 10 + (unsigned)rng_below(r, 9890);
	const char *st = streets[rng_below(r, NELEM(streets))], *sf = suffixes[rng_below(r, NELEM(suffixes))];
	unsigned a = (unsigned)rng_below(r, 100);
	if (a < 10)
		snprintf(b, n, "%u %s %s, Apt %u%c", num, st, sf, 1 + (unsigned)rng_below(r, 30), "ABCD"[rng_below(r, 4)]);
	else if (a < 13)
		snprintf(b, n, "%u %s %s, Unit %u", num, st, sf, 100 + (unsigned)rng_below(r, 400));
	else
		snprintf(b, n, "%u %s %s", num, st, sf);
}

static void customer(uint64_t c, cust_t *cu)
{
	rng_t r;
	rng_seed(&r, seed ^ (c * 0xd1342543de82ef95ULL) ^ 0x63757374ULL);
	snprintf(cu->id, sizeof cu->id, "C%0*llu", custw, (unsigned long long)c);
	size_t f = rng_below(&r, NFIRST), l = rng_below(&r, NLAST);
	snprintf(cu->name, sizeof cu->name, "%s %s", first_names[f], last_names[l]);
	if (rng_u(&r) < 0.04)
		cu->email[0] = 0;
	else
		snprintf(cu->email, sizeof cu->email, "%s.%s%llu@example.%s", first_ascii[f], last_ascii[l],
			 (unsigned long long)c, rng_u(&r) < 0.7 ? "com" : "net");
	static const unsigned areas[] = { 201, 212, 213, 206, 214, 303, 305, 312, 404, 415, 469, 512, 602, 617, 646, 702, 713, 718, 773, 917 };
	if (rng_u(&r) < 0.08)
		cu->phone[0] = 0;
	else
		snprintf(cu->phone, sizeof cu->phone, "+1-%u-555-01%02u", areas[rng_below(&r, NELEM(areas))],
			 (unsigned)rng_below(&r, 100));
	double t = rng_u(&r);
	cu->tier = t < 0.80 ? "standard" : t < 0.95 ? "gold" : "platinum";
	cu->zip = pick_zip(&r);
	make_address(&r, cu->addr, sizeof cu->addr);
}

static void write_customers(const char *dir, uint64_t C)
{
	out_t o;
	cust_t cu;
	o_open(&o, dir, "customers.csv");
	o_str(&o, "customer_id,name,email,phone,tier\n");
	for (uint64_t c = 1; c <= C; c++) {
		customer(c, &cu);
		o_str(&o, cu.id); o_ch(&o, ',');
		o_csv(&o, cu.name); o_ch(&o, ',');
		o_str(&o, cu.email); o_ch(&o, ',');
		o_str(&o, cu.phone); o_ch(&o, ',');
		o_str(&o, cu.tier); o_ch(&o, '\n');
	}
	o_close(&o);
}

/* ------------------------------------------------------------------ */
/* orders                                                               */

static int32_t *near_store;  /* per postal row, nearest store (lazy) */
static float *near_dist;     /* and how far it is, km */

static size_t nearest_store(size_t zi)
{
	if (near_store[zi] >= 0)
		return (size_t)near_store[zi];
	size_t best = 0;
	double bd = 1e30;
	for (size_t s = 0; s < nstores; s++) {
		const zip_t *z = &zips[nodes[store_ix[s]].zip];
		double d = near_km(zips[zi].lat, zips[zi].lon, z->lat, z->lon);
		if (d < bd) { bd = d; best = s; }
	}
	near_store[zi] = (int32_t)best;
	near_dist[zi] = (float)bd;
	return best;
}

static size_t draw_sku(rng_t *r)
{
	double x = rng_u(r) * rank_cum[nitems - 1];
	size_t lo = 0, hi = nitems - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (rank_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return by_rank[lo];
}

static void write_orders(const char *dir, uint64_t L, uint64_t C, int64_t start)
{
	out_t o;
	rng_t r;
	rng_seed(&r, seed ^ 0x6f72646572ULL);
	o_open(&o, dir, "orders.csv");
	o_str(&o, "order_id,line_no,sku,qty,channel,customer_id,created_at,priority,promise_date,"
	      "method,pickup_node,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,"
	      "ship_country,ship_lat,ship_lon,unit_price,discount,ship_complete\n");
	int oidw = 7;
	for (uint64_t x = L; x >= 10000000; x /= 10)
		oidw++;
	const int64_t span = 30 * 86400;
	cust_t cu;
	char oid[32], mid[256], shipto[512], tmp[64], sku[32];
	size_t skus[5];
	uint64_t done = 0, ord = 0;
	int64_t last_t = start;

	while (done < L) {
		ord++;
		/* 1-5 lines, mean ~2.5 */
		double u = rng_u(&r);
		unsigned nl = u < 0.30 ? 1 : u < 0.55 ? 2 : u < 0.75 ? 3 : u < 0.88 ? 4 : 5;
		uint64_t c = 1 + rng_below(&r, C);
		customer(c, &cu);
		u = rng_u(&r);
		const char *channel = u < 0.60 ? "web" : u < 0.72 ? "store" : u < 0.90 ? "marketplace" : "phone";
		u = rng_u(&r);
		unsigned prio = u < 0.03 ? 1 : u < 0.07 ? 2 : u < 0.15 ? 3 : 5;
		if (prio == 5 && cu.tier[0] == 'p')
			prio = 2;

		/* fulfilment: pickup at the nearest store, or ship */
		const char *method = "ship";
		const node_t *pnode = NULL;
		size_t pstore = 0;
		if (nstores && channel[0] != 'm' && rng_u(&r) < PICKUP_ORDERS / 0.82 / PICKUP_NEAR
		    && (pstore = nearest_store(cu.zip), near_dist[cu.zip] <= PICKUP_KM)) {
			pnode = &nodes[store_ix[pstore]];
			method = pnode->curbside && rng_u(&r) < 0.3 ? "curbside" : "pickup";
			if (nl > 3)
				nl = 1 + (unsigned)rng_below(&r, 3);
		}
		if (nl > L - done)
			nl = (unsigned)(L - done);
		if (nl > nitems)
			nl = (unsigned)nitems;

		/* ship-to: the customer's address, or a gift elsewhere */
		const char *sname = cu.name, *saddr = cu.addr;
		size_t zi = cu.zip;
		char gname[64], gaddr[96];
		if (!pnode && rng_u(&r) < 0.05) {
			snprintf(gname, sizeof gname, "%s %s", first_names[rng_below(&r, NFIRST)], last_names[rng_below(&r, NLAST)]);
			make_address(&r, gaddr, sizeof gaddr);
			zi = pick_zip(&r);
			sname = gname;
			saddr = gaddr;
		}
		const zip_t *z = &zips[zi];
		shipto[0] = 0;
		s_csv(shipto, sizeof shipto, sname); strcat(shipto, ",");
		s_csv(shipto, sizeof shipto, saddr); strcat(shipto, ",");
		s_csv(shipto, sizeof shipto, z->city); strcat(shipto, ",");
		s_csv(shipto, sizeof shipto, z->region); strcat(shipto, ",");
		s_csv(shipto, sizeof shipto, z->code); strcat(shipto, ",");
		s_csv(shipto, sizeof shipto, z->country); strcat(shipto, ",");
		if (rng_u(&r) < 0.03) {
			double la = z->lat + (rng_u(&r) - 0.5) * 0.04, lo = z->lon + (rng_u(&r) - 0.5) * 0.04;
			if (la > 90) la = 90;
			if (la < -90) la = -90;
			if (lo > 180) lo = 180;
			if (lo < -180) lo = -180;
			snprintf(tmp, sizeof tmp, "%.5f,%.5f", la, lo);
			strcat(shipto, tmp);
		} else
			strcat(shipto, ",");

		/* created in order of id over 30 days; promise 2-7 days later */
		int64_t t = start + (int64_t)(((double)done + rng_u(&r) * nl) / (double)L * (double)span);
		if (t < last_t)
			t = last_t;
		last_t = t;
		char created[80], promise[48];
		fmt_time(created, sizeof created, t);
		int64_t pd = t / 86400 + (prio == 1 ? 2 : prio <= 3 ? 3 + (int64_t)rng_below(&r, 2) : 4 + (int64_t)rng_below(&r, 4));
		fmt_date(promise, sizeof promise, pd);
		snprintf(mid, sizeof mid, "%s,%s,%s,%u,%s,", channel, cu.id, created, prio, promise);
		int shipc = nl > 1 && rng_u(&r) < 0.10;

		snprintf(oid, sizeof oid, "O%0*llu", oidw, (unsigned long long)ord);
		unsigned l;
		for (l = 0; l < nl; l++) {
			size_t i = 0;
			for (int tries = 0; tries < 16; tries++) {
				i = draw_sku(&r);
				int dup = 0;
				for (unsigned j = 0; j < l; j++)
					dup |= skus[j] == i;
				if (dup)
					continue;
				if (!pnode)
					break;
				if (items[i].vendor < 0 && (store_stocks(pstore, i) || tries >= 12))
					break;
			}
			int dup = 0;
			for (unsigned j = 0; j < l; j++)
				dup |= skus[j] == i;
			if (dup || (pnode && items[i].vendor >= 0)) { /* give up on a distinct sku: take any new one */
				for (size_t k = 0;; k++) {
					i = by_rank[k % nitems];
					dup = 0;
					for (unsigned j = 0; j < l; j++)
						dup |= skus[j] == i;
					if (!dup && !(pnode && items[i].vendor >= 0))
						break;
					if (k > nitems + 5) { i = SIZE_MAX; break; }
				}
				if (i == SIZE_MAX)
					break;
			}
			skus[l] = i;
			const item_t *it = &items[i];
			u = rng_u(&r);
			unsigned qty;
			if (it->ship_alone || it->vendor >= 0 || pnode)
				qty = u < 0.92 ? 1 : 2;
			else if (it->price < 2000)
				qty = u < 0.50 ? 1 : u < 0.75 ? 2 : u < 0.90 ? 3 : 4 + (unsigned)rng_below(&r, 3);
			else
				qty = u < 0.80 ? 1 : u < 0.95 ? 2 : 3;
			uint64_t disc = 0;
			if (rng_u(&r) < 0.05)
				disc = (uint64_t)qty * it->price * (10 + 5 * rng_below(&r, 3)) / 100;

			sku_id(sku, sizeof sku, i);
			o_str(&o, oid); o_ch(&o, ',');
			o_u64(&o, l + 1); o_ch(&o, ',');
			o_str(&o, sku); o_ch(&o, ',');
			o_u64(&o, qty); o_ch(&o, ',');
			o_str(&o, mid);
			o_str(&o, method); o_ch(&o, ',');
			if (pnode)
				o_str(&o, pnode->id);
			o_ch(&o, ',');
			o_str(&o, shipto); o_ch(&o, ',');
			o_cents(&o, it->price); o_ch(&o, ',');
			o_cents(&o, disc);
			o_str(&o, shipc ? ",1\n" : ",0\n");
		}
		done += l;
	}
	o_close(&o);
	fprintf(stderr, PROG ": %llu orders, %llu lines\n", (unsigned long long)ord, (unsigned long long)done);
}

/* ------------------------------------------------------------------ */

static void write_postal(const char *dir)
{
	out_t o;
	o_open(&o, dir, "postal.csv");
	o_str(&o, "postal_code,country,lat,lon\n");
	for (size_t i = 0; i < nzips; i++) {
		o_csv(&o, zips[i].code); o_ch(&o, ',');
		o_csv(&o, zips[i].country); o_ch(&o, ',');
		o_str(&o, zips[i].lat_s); o_ch(&o, ',');
		o_str(&o, zips[i].lon_s); o_ch(&o, '\n');
	}
	o_close(&o);
}

static void write_rates(const char *dir)
{
	out_t o;
	o_open(&o, dir, "rates.csv");
	o_str(&o, "max_km,base_cost,per_kg,transit_days\n"
	      "50,4.50,0.40,1\n150,5.25,0.45,1\n300,6.10,0.50,2\n600,7.20,0.60,2\n"
	      "1000,8.40,0.70,3\n1800,9.80,0.85,4\n3000,11.50,1.00,5\n5000,13.75,1.20,5\n"
	      "9000,24.00,2.50,7\n");
	o_close(&o);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-s SEED] [-n ORDER_LINES] [-k SKUS] [-N NODES] -p POSTAL_CSV -d OUTDIR\n"
		"  -s SEED         random seed (default 1); same arguments, same bytes\n"
		"  -n ORDER_LINES  order lines to write (default 1000000)\n"
		"  -k SKUS         skus (default 10000)\n"
		"  -N NODES        nodes (default 200: ~10%% warehouses and 3PLs, ~2.5%% vendors, stores)\n"
		"  -p POSTAL_CSV   postal codes with postal_code,country,lat,lon[,city,region]\n"
		"  -d OUTDIR       where to write nodes, items, inventory, customers, orders, postal, rates .csv\n");
}

static uint64_t num_arg(const char *s, char opt, uint64_t min, uint64_t max)
{
	char *e;
	errno = 0;
	if (*s == '-' || *s == '+')
		goto bad;
	unsigned long long v = strtoull(s, &e, 10);
	if (e == s || *e || errno || v < min || v > max)
		goto bad;
	return v;
bad:
	fprintf(stderr, PROG ": -%c: bad number \"%s\"\n", opt, s);
	usage(stderr);
	exit(64);
}

int main(int argc, char **argv)
{
	uint64_t L = 1000000, K = 10000, N = 200;
	const char *postal = NULL, *dir = NULL;
	int c;
	while ((c = getopt(argc, argv, "hs:n:k:N:p:d:")) != -1) {
		switch (c) {
		case 's': seed = num_arg(optarg, 's', 0, UINT64_MAX); break;
		case 'n': L = num_arg(optarg, 'n', 1, 1000000000ULL); break;
		case 'k': K = num_arg(optarg, 'k', 1, 10000000ULL); break;
		case 'N': N = num_arg(optarg, 'N', 3, 100000ULL); break;
		case 'p': postal = optarg; break;
		case 'd': dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (optind != argc || !postal || !dir) {
		usage(stderr);
		return 64;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		die(73, "cannot create directory %s", dir);

	skuw = 6;
	for (uint64_t x = K; x >= 1000000; x /= 10)
		skuw++;
	uint64_t C = L / 8 > 100 ? L / 8 : 100;
	custw = 7;
	for (uint64_t x = C; x >= 10000000; x /= 10)
		custw++;

	const int64_t start = days_from_civil(2026, 11, 1) * 86400;

	load_postal(postal);
	index_postal();
	near_store = xcalloc(nzips, sizeof *near_store);
	near_dist = xcalloc(nzips, sizeof *near_dist);
	memset(near_store, 0xff, nzips * sizeof *near_store);
	make_nodes((size_t)N);
	make_items((size_t)K, L);

	write_rates(dir);
	write_postal(dir);
	write_nodes(dir);
	write_items(dir);
	write_inventory(dir, start + 30 * 86400 - 3600);
	write_customers(dir, C);
	write_orders(dir, L, C, start);
	return 0;
}
