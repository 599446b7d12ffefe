#include <assert.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "diag.h"
#include "store-int.h"


/* share/schema, compiled in by the Makefile (share/sql2c.sh) */
extern const char *const schema_migrations[];
extern const int schema_version;


/*
 * The core of the store: opening (and making, and migrating) it, the
 * statement cache, transactions and savepoints, the run log and the
 * events.  Each subject's statements live with it in its own file
 * (store-int.h lists them), prepared through store_sql.  Parameters are
 * always bound, never formatted.
 */

/*
 * Fault injection for the crash tests (tests/reliability/crash.sh),
 * compiled only into the test build (OMS_TEST_HOOKS, oms(7) "Test
 * builds"): the environment is read once, in store_open, and unless it
 * asks for a kill nothing is installed.  A shipped command has none of it.
 *   OMS_KILL_AFTER=N  SIGKILL this process at the Nth tick of SQLite's
 *                     progress handler (a tick is KILL_TICK virtual machine
 *                     instructions): somewhere in the middle of the SQL.
 *                     If the run ends first, store_close says on standard
 *                     error how many ticks it took, so that a harness can
 *                     spread its kill points over the run.
 *   OMS_KILL_AT=commit     SIGKILL just before the COMMIT of the run;
 *   OMS_KILL_AT=committed  just after it (before the run log is closed and
 *                          any -o file is renamed into place).
 */
#ifdef OMS_TEST_HOOKS
#define KILL_TICK 100
static long kill_after, kill_ticks;
static const char *kill_at;

static int
kill_tick(void *unused)
{
	(void)unused;
	if (++kill_ticks >= kill_after)
		raise(SIGKILL);
	return 0;
}

static void
kill_here(const char *point)
{
	if (kill_at != NULL && strcmp(kill_at, point) == 0)
		raise(SIGKILL);
}

static void
kill_setup(sqlite3 *db)
{
	const char *v = getenv("OMS_KILL_AFTER");

	kill_at = getenv("OMS_KILL_AT");
	if (v != NULL && (kill_after = strtol(v, NULL, 10)) > 0)
		sqlite3_progress_handler(db, KILL_TICK, kill_tick, NULL);
}

/* A run that was to be killed by ticks and ended first says how long it was. */
static void
kill_report(void)
{
	if (kill_after > 0)
		fprintf(stderr, "%s: OMS_KILL_AFTER: %ld ticks, no kill\n", diag_prog, kill_ticks);
}
#else
#define kill_setup(db) ((void)(db))
#define kill_here(point) ((void)(point))
#define kill_report() ((void)0)
#endif

const char *
store_path(const char *path)
{
	const char *env;

	if (path != NULL && *path != '\0')
		return path;
	if ((env = getenv("OMS_DB")) != NULL && *env != '\0')
		return env;
	return "oms.db";
}

int
store_status(const struct store *st)
{
	return st->status ? st->status : EX_SOFTWARE;
}

/*
 * The file st has open is no longer at its path: a run that created the
 * store failed and removed it (store_discard_new) while this one waited
 * for its lock.  Writing there would be lost: say so, exit 75.
 */
static int
removed(struct store *st)
{
	int gone = 0;

	if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_HAS_MOVED, &gone) != SQLITE_OK ||
	    !gone)
		return 0;
	diag_error("%s: the store was removed while this command waited for it (the run "
	    "that made it failed); try again", st->path);
	st->status = EX_TEMPFAIL;
	return 1;
}

/* Map a SQLite failure to an exit status and say what happened. */
static int
fail(struct store *st, int rc, const char *what)
{
	int ext = sqlite3_extended_errcode(st->db);

	/* an I/O error of a writer opening a store another run just removed */
	if (st->opening && ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN) &&
	    removed(st))
		return -1;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		diag_error("%s: store is busy (another oms command holds it); try again later",
		    st->path);
		st->status = EX_TEMPFAIL;
		break;
	case SQLITE_NOTADB:
		diag_error("%s: not an oms store (file is not a SQLite database)", st->path);
		st->status = EX_IOERR;
		break;
	case SQLITE_READONLY:
		diag_error("%s: store is read-only: %s", st->path, sqlite3_errmsg(st->db));
		st->status = EX_IOERR;
		break;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_PERM: {
		/* the system's reason, when a system call failed: "Permission denied" */
		int err = (rc & 0xff) == SQLITE_CORRUPT ? 0 : sqlite3_system_errno(st->db);

		diag_error("%s: %s: %s%s%s%s", st->path, what, sqlite3_errmsg(st->db),
		    err ? " (" : "", err ? strerror(err) : "", err ? ")" : "");
		st->status = EX_IOERR;
		break;
	}
	default:
		diag_error("%s: %s: %s (sqlite error %d)", st->path, what,
		    sqlite3_errmsg(st->db), ext);
		st->status = EX_SOFTWARE;
	}
	return -1;
}

int
store_fail(struct store *st, int rc, const char *what)
{
	return fail(st, rc, what);
}

/*
 * The statement cache: open addressing on a key's address.  A statement
 * of store_sql is keyed by its text, one of store_write_rows by its
 * struct store_rows (two keys: CHUNK rows, one row).
 */
static size_t
slot_of(const void *key, size_t cap)
{
	return (size_t)(((uintptr_t)key >> 3) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

/* The slot of key: the one that holds it, else the empty one it goes in. */
static struct sql_slot *
cache_slot(struct store *st, const void *key)
{
	size_t i, j;

	if (2 * (st->ncache + 1) > st->capcache) {
		size_t cap = st->capcache ? 2 * st->capcache : 64;
		struct sql_slot *t = xcalloc(cap, sizeof *t);

		for (j = 0; j < st->capcache; j++) {
			if (st->cache[j].key == NULL)
				continue;
			for (i = slot_of(st->cache[j].key, cap); t[i].key != NULL;
			    i = (i + 1) & (cap - 1))
				;
			t[i] = st->cache[j];
		}
		free(st->cache);
		st->cache = t;
		st->capcache = cap;
	}
	for (i = slot_of(key, st->capcache); st->cache[i].key != NULL &&
	    st->cache[i].key != key; i = (i + 1) & (st->capcache - 1))
		;
	return &st->cache[i];
}

/*
 * The cached statement of key, reset and its bindings cleared; else
 * text (made by make(arg) when text is NULL) prepared and cached.  NULL
 * after a diagnostic.
 */
static sqlite3_stmt *
cached(struct store *st, const void *key, const char *text, char *(*make)(const void *),
    const void *arg)
{
	struct sql_slot *sl = cache_slot(st, key);
	char *made = NULL;
	int rc;

	if (sl->s != NULL) {
		sqlite3_reset(sl->s);
		sqlite3_clear_bindings(sl->s);
		return sl->s;
	}
	if (text == NULL)
		text = made = make(arg);
	rc = sqlite3_prepare_v3(st->db, text, -1, SQLITE_PREPARE_PERSISTENT, &sl->s, NULL);
	free(made);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(sl->s);
		sl->s = NULL;
		store_fail(st, rc, "preparing a statement");
		return NULL;
	}
	if (sl->key == NULL)
		st->ncache++;
	sl->key = key;
	return sl->s;
}

sqlite3_stmt *
store_sql(struct store *st, const char *sql)
{
	return cached(st, sql, sql, NULL, NULL);
}

void
store_sql_forget(struct store *st, const char *sql)
{
	struct sql_slot *sl;

	if (st->capcache == 0)
		return;
	sl = cache_slot(st, sql);
	sqlite3_finalize(sl->s);
	sl->s = NULL;	/* the key stays: the next store_sql prepares it again */
}

int
store_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

/* A line's counts, routed and released summed over its nodes. */
static const char sql_line_counts[] =
    "SELECT l.qty, l.allocated, COALESCE(SUM(ln.routed), 0), COALESCE(SUM(ln.released), 0), "
    "l.shipped, l.cancelled, l.returned, l.backordered FROM order_line l "
    "LEFT JOIN line_node ln ON ln.order_id = l.order_id AND ln.line_no = l.line_no "
    "WHERE l.order_id = ?1 AND l.line_no = ?2";

int
store_line_check(struct store *st, const char *order_id, int64_t line_no, const char *what)
{
	sqlite3_stmt *s = store_sql(st, sql_line_counts);
	struct line_qty q;
	unsigned broken;
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return fail(st, rc, what);
	}
	q.qty = sqlite3_column_int64(s, 0);
	q.allocated = sqlite3_column_int64(s, 1);
	q.routed = sqlite3_column_int64(s, 2);
	q.released = sqlite3_column_int64(s, 3);
	q.shipped = sqlite3_column_int64(s, 4);
	q.cancelled = sqlite3_column_int64(s, 5);
	q.returned = sqlite3_column_int64(s, 6);
	q.backordered = sqlite3_column_int64(s, 7);
	/* no such line: nothing to check */
	broken = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : line_counts_broken(&q);
	sqlite3_reset(s);
	if (broken == 0)
		return 0;
	diag_error("%s: %s: order \"%s\" line %lld: refused: it would break %s: qty %lld, "
	    "allocated %lld, routed %lld, released %lld, shipped %lld, cancelled %lld, "
	    "returned %lld, backordered %lld (oms(7), \"Line counts\")", st->path, what,
	    order_id, (long long)line_no, line_rule_name(broken & -broken), (long long)q.qty,
	    (long long)q.allocated, (long long)q.routed, (long long)q.released, (long long)q.shipped,
	    (long long)q.cancelled, (long long)q.returned, (long long)q.backordered);
	st->status = EX_SOFTWARE;
	return -1;
}

int
store_exec(struct store *st, const char *text, const char *what)
{
	int rc = sqlite3_exec(st->db, text, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_fail(st, rc, what);
}

int64_t
store_int(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	int64_t v = 0;

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		v = store_fail(st, rc, what);
	sqlite3_reset(s);
	return v;
}

int
store_each(struct store *st, sqlite3_stmt *s, store_typed_fn fn, void *ctx,
    const char *what)
{
	struct store_row row;
	int rc, stop = 0;

	row.s = s;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, &row);
	sqlite3_reset(s);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

int
store_text(struct store *st, sqlite3_stmt *s, char **text, const char *what)
{
	int rc = sqlite3_step(s);

	*text = rc == SQLITE_ROW ? xstrdup((const char *)sqlite3_column_text(s, 0)) : NULL;
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

int
store_changes(struct store *st)
{
	return sqlite3_changes(st->db);
}

int
store_cur_next(struct store *st, struct store_cur *c, const char *what)
{
	int rc = sqlite3_step(c->s);

	c->row = rc == SQLITE_ROW;
	if (c->row) {
		c->k = (const char *)sqlite3_column_text(c->s, 0);
		c->n = c->two ? sqlite3_column_int64(c->s, 1) : 0;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	sqlite3_reset(c->s);
	return store_fail(st, rc, what);
}

int64_t
store_run_id(const struct store *st)
{
	return st->run_id;
}

int
store_once_int(struct store *st, const char *text, int64_t *v, const char *what)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = sqlite3_prepare_v2(st->db, text, -1, &s, NULL)) != SQLITE_OK)
		return store_fail(st, rc, what);
	rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, rc, what);
}

static int
user_version(struct store *st, int *v)
{
	int64_t n;
	int r = store_once_int(st, "PRAGMA user_version", &n, "reading the schema version");

	*v = (int)n;
	return r;
}

static int
count_tables(struct store *st, int *n)
{
	int64_t c;
	int r = store_once_int(st, "SELECT count(*) FROM sqlite_schema", &c, "reading the schema");

	*n = (int)c;
	return r;
}

/*
 * Bring the schema to schema_version, one migration at a time, all in one
 * transaction; the version is re-read under the write lock so that two
 * commands starting on a new store do not both create it.
 */
static int
migrate(struct store *st)
{
	int v, ntables, i;
	int64_t nbroken;
	char pragma[64];

	if (user_version(st, &v) != 0)
		return -1;
	if (v == schema_version)
		return 0;
	if (v > schema_version) {
		diag_error("%s: store has schema version %d, newer than this oms "
		    "understands (%d); upgrade oms", st->path, v, schema_version);
		st->status = EX_SOFTWARE;
		return -1;
	}
	/*
	 * Foreign keys off while the schema changes (a migration may make a
	 * table again, as SQLite's ALTER TABLE cannot change a constraint),
	 * checked whole before the commit; the pragma is a no-op inside a
	 * transaction, so it is set around it.
	 */
	if (store_exec(st, "PRAGMA foreign_keys = OFF", "migrating the schema") != 0)
		return -1;
	if (store_exec(st, "BEGIN IMMEDIATE", "locking the store to create its schema") != 0)
		goto fk_on;
	if (user_version(st, &v) != 0 || count_tables(st, &ntables) != 0)
		goto fail;
	if (v == 0 && ntables > 0) {
		diag_error("%s: a SQLite database, but not an oms store; refusing to touch it",
		    st->path);
		st->status = EX_IOERR;
		goto fail;
	}
	for (i = v; i < schema_version; i++) {
		if (store_exec(st, schema_migrations[i], "migrating the schema") != 0)
			goto fail;
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if (store_exec(st, pragma, "migrating the schema") != 0)
			goto fail;
	}
	if (store_once_int(st, "SELECT count(*) FROM pragma_foreign_key_check", &nbroken,
	    "checking the migrated schema") != 0)
		goto fail;
	if (nbroken != 0) {
		diag_error("%s: migrating the schema would break %lld foreign keys; nothing changed",
		    st->path, (long long)nbroken);
		st->status = EX_SOFTWARE;
		goto fail;
	}
	if (store_exec(st, "COMMIT", "migrating the schema") != 0)
		goto fail;
	if (store_exec(st, "PRAGMA foreign_keys = ON", "migrating the schema") != 0)
		return -1;
	if (v > 0)
		diag_info("%s: schema migrated from version %d to %d", st->path, v,
		    schema_version);
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
fk_on:
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return -1;
}

/*
 * What the file at path is: FILE_FOREIGN when it is there and holds
 * something, but not a SQLite header (SQLite takes a file shorter than
 * its header for an empty database and would write the store over it;
 * such a file is someone else's); FILE_WAL for a SQLite database in WAL
 * mode (header bytes 18 and 19 are 2); else FILE_OTHER, also when it
 * cannot be read (SQLite will say why).
 */
enum { FILE_OTHER, FILE_FOREIGN, FILE_WAL };

static int
file_kind(const char *path, const struct stat *sb)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char head[20];
	size_t n;
	FILE *fp;

	if (!S_ISREG(sb->st_mode) || sb->st_size == 0)
		return FILE_OTHER;
	if ((fp = fopen(path, "rb")) == NULL)
		return FILE_OTHER;
	n = fread(head, 1, sizeof head, fp);
	fclose(fp);
	if (n < sizeof magic || memcmp(head, magic, sizeof magic) != 0)
		return FILE_FOREIGN;
	return n == sizeof head && head[18] == 2 && head[19] == 2 ? FILE_WAL : FILE_OTHER;
}

/*
 * Who may read the store (oms(7), "Who may read the store").  It holds
 * customers' names and addresses: a new store is made 0640 (less what the
 * umask takes away), for its owner to write and a group of reporting
 * users to read.  SQLite gives the -wal and -shm files the store's owner
 * when root makes them, and its mode less the umask; store_files_mode
 * gives them the store's mode whatever the umask.  Writers keep them
 * beside the store when they close it (SQLITE_FCNTL_PERSIST_WAL): SQLite
 * reads a WAL database read-only, without writing anything, when they are
 * there and readable, so a reporting user needs no write permission on
 * the directory.  A reader never makes them for someone else
 * (reader_files).
 */
#define STORE_MODE 0640

static const char *const side_files[] = { "-wal", "-shm" };
#define NSIDE (sizeof side_files / sizeof *side_files)

static char *
side_path(const char *path, int i)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s%s", path, side_files[i]);
	return b.s;
}

/* Make the store's file, 0640 less the umask: 1 made, 0 there already or not made here. */
static int
create_store_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, STORE_MODE);

	if (fd < 0)
		return 0;	/* there already, or SQLite will say why not */
	close(fd);
	return 1;
}

/*
 * Give the -wal and -shm files the store's mode, those the process may
 * change (its own, or any when root); with fresh, only those that were
 * not there before (fresh[i] 1).  Paths, not descriptors: closing a
 * descriptor of a file would drop the POSIX locks SQLite holds on it.
 */
static void
store_files_mode(const struct store *st, const int *fresh)
{
	struct stat db, sb;
	uid_t me = geteuid();
	size_t i;
	char *p;

	if (stat(st->path, &db) != 0)
		return;
	for (i = 0; i < NSIDE; i++) {
		if (fresh != NULL && !fresh[i])
			continue;
		p = side_path(st->path, (int)i);
		if (stat(p, &sb) == 0 && (sb.st_mode & 0777) != (db.st_mode & 0777) &&
		    (sb.st_uid == me || me == 0) && chmod(p, db.st_mode & 0777) != 0)
			diag_warn("%s: cannot give it the store's mode: %s", p, strerror(errno));
		free(p);
	}
}

/*
 * 1 when the file system that holds the file of db is itself read-only,
 * not only the mount the path goes through (a read-only bind mount of a
 * writable one): its super options in /proc/self/mountinfo start with
 * "ro".  Then nothing can write the store, through any mount.  0 when it
 * is writable somewhere, or when that cannot be told.
 */
static int
fs_frozen(const struct stat *db)
{
	FILE *fp = fopen("/proc/self/mountinfo", "r");
	char *line = NULL, *p;
	size_t cap = 0;
	unsigned maj, min;
	int frozen = 0, found = 0, k;

	if (fp == NULL)
		return 0;
	/* id parent major:minor root point options [optional...] - type source super */
	while (!found && getline(&line, &cap, fp) > 0) {
		if (sscanf(line, "%*d %*d %u:%u", &maj, &min) != 2 ||
		    maj != major(db->st_dev) || min != minor(db->st_dev) ||
		    (p = strstr(line, " - ")) == NULL)
			continue;
		found = 1;
		for (k = 0, p += 3; k < 2 && (p = strchr(p, ' ')) != NULL; k++)
			p++;
		frozen = p != NULL && strncmp(p, "ro", 2) == 0 && strchr(", \n", p[2]) != NULL;
	}
	free(line);
	fclose(fp);
	return frozen;
}

/*
 * Before a reader opens a WAL store: SQLite would make a missing -wal or
 * -shm file, as the reader, and leave it there, owned by the reader and
 * in the way of the store's owner.  When one is missing: on a file system
 * that is read-only itself nothing can write the store, and nothing was
 * written since its last writer closed it (a writer's -wal stays): read
 * it as it is (immutable, SQLite's word for "safe only if nothing can
 * change it"); through a read-only mount of a writable one, a writer may
 * come: refused; as the store's owner, or root (SQLite gives them to the
 * owner), let SQLite make them (missing[i] says which); anyone else is
 * refused.  0, or an exit status after a diagnostic.
 */
static int
reader_files(struct store *st, const struct stat *db, int *missing)
{
	struct statvfs fs;
	uid_t me = geteuid();
	size_t i;
	int any = 0;
	char *p;

	for (i = 0; i < NSIDE; i++) {
		p = side_path(st->path, (int)i);
		missing[i] = access(p, F_OK) != 0 && errno == ENOENT;
		any |= missing[i];
		free(p);
	}
	if (!any)
		return 0;
	if (statvfs(st->path, &fs) == 0 && (fs.f_flag & ST_RDONLY)) {
		if (fs_frozen(db)) {
			st->immutable = 1;
			return 0;
		}
		diag_error("%s: the store's -wal and -shm files are missing, and this mount is "
		    "read-only; run any oms command that writes the store where it is writable",
		    st->path);
		return EX_IOERR;
	}
	if (me == db->st_uid || me == 0)
		return 0;
	diag_error("%s: the store's -wal and -shm files are missing, and only its owner "
	    "may make them; run any oms command that writes the store as its owner",
	    st->path);
	return EX_IOERR;
}

/* "file:" and path, %-escaped, and "?immutable=1": SQLite's URI. */
static char *
immutable_uri(const char *path)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;

	buf_adds(&b, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p) != NULL)
			buf_addc(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	buf_adds(&b, "?immutable=1");
	return b.s;
}

/*
 * oms_country_key(country) and oms_postal_key(country, code): the keys of
 * the postal table (country_key and postal_key of model.h) in SQL, for
 * looking a node's or an order's place up; NULL for NULL.
 */
static void
place_key_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *country = (const char *)sqlite3_value_text(argv[0]);
	const char *code = (const char *)sqlite3_value_text(argv[argc - 1]);
	char *out;
	size_t n;

	if (code == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	if ((out = sqlite3_malloc64(strlen(code) + 1)) == NULL) {
		sqlite3_result_error_nomem(cx);
		return;
	}
	n = argc == 1 ? country_key(code, out) : postal_key(country, code, out);
	sqlite3_result_text(cx, out, (int)n, sqlite3_free);
}

static int
place_keys(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "oms_country_key", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, place_key_fn, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "oms_postal_key", 2,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, place_key_fn, NULL, NULL);
	return rc;
}

static int threads;	/* store_threads() was called */

void
store_threads(void)
{
	threads = 1;
}

/*
 * The store's schema is older than this oms: say which command upgrades
 * it, ready to paste.  A dry run upgrades the store and writes nothing
 * else: migrate commits before the run's own transaction, which rolls
 * back (oms(7)).
 */
static void
old_schema(const struct store *st, int v)
{
	struct buf word = BUF_INIT;
	const char *p;

	/* the path as one shell word */
	if (strspn(st->path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/._-+,:=@%") == strlen(st->path)) {
		buf_adds(&word, st->path);
	} else {
		buf_addc(&word, '\'');
		for (p = st->path; *p; p++)
			if (*p == '\'')
				buf_adds(&word, "'\\''");
			else
				buf_addc(&word, *p);
		buf_addc(&word, '\'');
	}
	diag_error("%s: store has schema version %d and this oms reads version %d: upgrade "
	    "it, as a user who may write it, with \"oms-allocate --dry-run -q --db %s > "
	    "/dev/null\" (it writes nothing but the upgrade)", st->path, v, schema_version,
	    buf_str(&word));
	buf_release(&word);
}

/* first: a connection the process has open to the store already (again). */
static int
open_store(struct store **stp, const char *path, int busy_ms, int readonly,
    const struct store *first)
{
	static int configured;
	struct store *st = xcalloc(1, sizeof *st);
	struct stat sb;
	int rc, flags, v, missing[NSIDE] = { 0 };
	char *uri = NULL;

	*stp = NULL;
	/*
	 * One connection per process, one thread: SQLite's mutexes and
	 * memory statistics are pure cost (about 6% of a large import).
	 * With store_threads(), several connections, each in its own thread.
	 */
	if (!configured) {
		sqlite3_config(threads ? SQLITE_CONFIG_MULTITHREAD : SQLITE_CONFIG_SINGLETHREAD);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = 1;
	}
	st->busy_ms = busy_ms;
	st->path = xstrdup(store_path(path));
	now_iso(st->run_time);
	if (stat(st->path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		diag_error("%s: is a directory, not a store", st->path);
		free(st->path);
		free(st);
		return EX_IOERR;
	}
	/*
	 * Not again: closing a descriptor of the file drops every POSIX lock
	 * the process holds on it, the shared lock of a connection that
	 * reads (another process could then checkpoint and delete the WAL
	 * under it).  The first connection's checks hold for the others.
	 */
	if (first != NULL) {
		st->immutable = first->immutable;
	} else if (stat(st->path, &sb) == 0) {
		int kind = file_kind(st->path, &sb);

		if (kind == FILE_FOREIGN) {
			diag_error("%s: not an oms store (file is not a SQLite database)", st->path);
			free(st->path);
			free(st);
			return EX_IOERR;
		}
		if (readonly && kind == FILE_WAL && (rc = reader_files(st, &sb, missing)) != 0) {
			free(st->path);
			free(st);
			return rc;
		}
	} else if (errno != ENOENT) {
		/* there may be one: a directory on the way this user may not search */
		diag_error("%s: cannot reach the store: %s", st->path, strerror(errno));
		free(st->path);
		free(st);
		return EX_IOERR;
	} else if (readonly) {
		diag_error("%s: no store here (import something first, or use --db)", st->path);
		free(st->path);
		free(st);
		return EX_NOINPUT;
	} else {
		st->created = create_store_file(st->path);
	}
	flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (st->immutable)
		uri = immutable_uri(st->path);
	rc = sqlite3_open_v2(uri ? uri : st->path, &st->db, flags | (uri ? SQLITE_OPEN_URI : 0),
	    NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		if (st->db == NULL) {
			diag_error("out of memory");
			free(st->path);
			free(st);
			return EX_SOFTWARE;
		}
		store_fail(st, rc, "cannot open the store");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	st->opening = !readonly;
	kill_setup(st->db);
	if ((rc = place_keys(st->db)) != SQLITE_OK) {
		store_fail(st, rc, "opening the store");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, busy_ms);
	if (store_exec(st, "PRAGMA foreign_keys = ON", "opening the store") != 0)
		goto fail;
	if (!readonly) {
		v = 1;	/* the -wal and -shm stay when the store is closed (see above) */
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &v);
		/* WAL only once the file is known to be ours: the switch rewrites its header */
		if (store_exec(st, "PRAGMA synchronous = FULL", "opening the store") != 0 ||
		    migrate(st) != 0 ||
		    store_exec(st, "PRAGMA journal_mode = WAL", "setting WAL mode") != 0 ||
		    store_exec(st, "PRAGMA journal_size_limit = 0", "setting WAL mode") != 0)
			goto fail;
		store_files_mode(st, NULL);
	} else {
		if (user_version(st, &v) != 0)
			goto fail;
		if (v != schema_version) {
			if (v > schema_version)
				diag_error("%s: store has schema version %d, newer than this oms "
				    "understands (%d); upgrade oms", st->path, v, schema_version);
			else if (v == 0)
				diag_error("%s: not an oms store (a SQLite database without "
				    "the oms schema)", st->path);
			else
				old_schema(st, v);
			st->status = v == 0 ? EX_IOERR : EX_SOFTWARE;
			goto fail;
		}
		/* the ones SQLite made for this reader, who owns the store */
		store_files_mode(st, missing);
	}
	/*
	 * A bounded page cache keeps memory flat however large the input.
	 * Imports append, so a larger cache buys nothing: 16 MiB and 64 MiB
	 * load 1M order lines in the same time (BENCHMARKS.md).
	 */
	store_exec(st, "PRAGMA cache_size = -16384", "opening the store");	/* 16 MiB */
	st->opening = 0;
	*stp = st;
	return 0;
fail:
	rc = store_status(st);
	store_close(st);
	return rc;
}

int
store_open(struct store **stp, const char *path, int busy_ms, int readonly)
{
	return open_store(stp, path, busy_ms, readonly, NULL);
}

int
store_open_again(const struct store *st, struct store **again)
{
	sqlite3_stmt *s;
	sqlite3_int64 mm = 0;
	char pragma[48];
	int status;

	assert(threads);
	if ((status = open_store(again, st->path, st->busy_ms, 1, st)) != 0)
		return status;
	/* st's mapping of the file (store_scan_begin), an integer SQLite gave */
	if (sqlite3_prepare_v2(st->db, "PRAGMA mmap_size", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		mm = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (mm > 0) {
		snprintf(pragma, sizeof pragma, "PRAGMA mmap_size = %lld", (long long)mm);
		store_exec(*again, pragma, "mapping the store");	/* best effort, as for st */
	}
	return 0;
}

void
store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < (int)st->capcache; i++)
		sqlite3_finalize(st->cache[i].s);
	free(st->cache);
	if (st->in_tx || st->in_read)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	kill_report();
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_begin(struct store *st)
{
	if (store_exec(st, "BEGIN IMMEDIATE", "starting a transaction") != 0)
		return -1;
	st->in_tx = 1;
	if (removed(st)) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_discard_new(struct store *st)
{
	sqlite3_stmt *s;
	int64_t others;
	size_t i;
	char *p;

	if (!st->created || !st->in_tx)
		return 0;
	/* under the write lock: a run of another command would be committed */
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM run WHERE run_id IS NOT ?1", -1,
	    &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, st->run_id);
	others = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 1;
	sqlite3_finalize(s);
	if (others > 0)
		return 0;
	if (unlink(st->path) != 0) {
		diag_warn("%s: cannot remove the store this run made: %s", st->path,
		    strerror(errno));
		return 0;
	}
	for (i = 0; i < NSIDE; i++) {
		p = side_path(st->path, (int)i);
		unlink(p);
		free(p);
	}
	diag_info("%s: removed the store this run made", st->path);
	st->in_work = 0;
	store_rollback(st);
	return 1;
}

int
store_commit(struct store *st)
{
	if (!st->in_tx)
		return 0;	/* already rolled back whole, after a failure said why */
	kill_here("commit");
	if (store_exec(st, "COMMIT", "committing") != 0) {
		st->in_work = 0;
		store_rollback(st);
		return -1;
	}
	st->in_tx = st->in_work = 0;
	kill_here("committed");
	return 0;
}

/*
 * Undo the run's work.  After store_run_start the transaction stays open,
 * holding only the run row, for store_run_end and store_commit; otherwise
 * (a dry run, or the rollback of a failed commit) it ends.
 */
void
store_rollback(struct store *st)
{
	st->seen_ready = 0;	/* the temp table went with the work */
	if (st->in_work) {
		st->in_work = 0;
		if (sqlite3_exec(st->db, "ROLLBACK TO run_work; RELEASE run_work",
		    NULL, NULL, NULL) == SQLITE_OK)
			return;
	}
	if (st->in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

const char *
store_run_time(const struct store *st)
{
	return st->run_time;
}

static const char sql_run_start[] =
    "INSERT INTO run (command, argv, user, started_at) VALUES (?1, ?2, ?3, ?4)";
static const char sql_run_end[] =
    "UPDATE run SET ended_at = ?2, exit_status = ?3, counts = ?4 WHERE run_id = ?1";

int
store_run_start(struct store *st, const char *command, int argc, char **argv)
{
	sqlite3_stmt *s = store_sql(st, sql_run_start);
	struct buf b = BUF_INIT;
	struct passwd *pw;
	const char *user = getenv("USER");
	int i, r;

	if (s == NULL)
		return -1;
	for (i = 0; i < argc; i++)
		buf_addf(&b, "%s%s", i ? " " : "", argv[i]);
	if (user == NULL && (pw = getpwuid(getuid())) != NULL)
		user = pw->pw_name;
	bind_text(s, 1, command);
	bind_text(s, 2, buf_str(&b));
	bind_text(s, 3, user ? user : "");
	bind_text(s, 4, st->run_time);
	r = store_done(st, s, "writing the run log");
	buf_release(&b);
	if (r == 0)
		st->run_id = sqlite3_last_insert_rowid(st->db);
	/* the work that follows can be undone without the run row */
	if (r == 0 && st->in_tx) {
		if ((r = store_exec(st, "SAVEPOINT run_work", "starting a transaction")) == 0)
			st->in_work = 1;
	}
	return r;
}

int
store_run_end(struct store *st, int exit_status, const char *counts_json)
{
	sqlite3_stmt *s;
	char now[21];

	if (st->run_id == 0)
		return 0;
	if ((s = store_sql(st, sql_run_end)) == NULL)
		return -1;
	now_iso(now);
	bind_int(s, 1, st->run_id);
	bind_text(s, 2, now);
	bind_int(s, 3, exit_status);
	bind_text(s, 4, counts_json ? counts_json : "{}");
	return store_done(st, s, "writing the run log");
}

/* An event's parameters, at, order_id, type, payload, run_id: base+1 .. base+5. */
#define EVENT_COLS "(at, order_id, type, payload, run_id)"
static const char sql_event[] = "INSERT INTO event " EVENT_COLS " VALUES (?1, ?2, ?3, ?4, ?5)";

/*
 * OR FAIL: no statement journal.  Inside the run's savepoint every
 * statement that may abort copies each page it touches to the
 * sub-journal, a file once past 64 KiB: 45,000 writes of a 100,000-line
 * oms-allocate run were that.  A failed row fails the whole run anyway.
 */
const struct store_rows store_event_rows = {
	"INSERT OR FAIL INTO event " EVENT_COLS " VALUES ", "", 5
};

void
store_bind_event(const struct store *st, sqlite3_stmt *s, int base, const char *order_id,
    const char *type, const char *payload)
{
	bind_text(s, base + 1, st->run_time);
	bind_text(s, base + 2, order_id);
	bind_text(s, base + 3, type);
	bind_text(s, base + 4, payload);
	if (st->run_id)
		bind_int(s, base + 5, st->run_id);
}

int
store_event(struct store *st, const char *order_id, const char *type,
    const char *payload_json)
{
	sqlite3_stmt *s = store_sql(st, sql_event);

	if (s == NULL)
		return -1;
	store_bind_event(st, s, 0, order_id, type, payload_json);
	return store_done(st, s, "appending an event");
}


/* The savepoint of one order inside the run's transaction (store.h). */
int
store_savepoint_begin(struct store *st)
{
	return store_exec(st, "SAVEPOINT one_order", "starting a savepoint");
}

int
store_savepoint_end(struct store *st)
{
	return store_exec(st, "RELEASE one_order", "ending a savepoint");
}

int
store_savepoint_undo(struct store *st)
{
	if (store_exec(st, "ROLLBACK TO one_order", "undoing an order") != 0)
		return -1;
	return store_savepoint_end(st);
}

/*
 * Many rows to a statement: one INSERT for CHUNK rows at a time, which
 * saves SQLite's per-statement work on most of a large write.
 */
#define CHUNK 32

struct rows_text {
	const struct store_rows *m;
	int rows;
};

static char *
make_rows(const void *arg)
{
	const struct rows_text *t = arg;
	struct buf b = BUF_INIT;
	int r, p;

	buf_adds(&b, t->m->head);
	for (r = 0; r < t->rows; r++) {
		buf_adds(&b, r ? ", (" : "(");
		for (p = 0; p < t->m->nparams; p++)
			buf_adds(&b, p ? ", ?" : "?");
		buf_addc(&b, ')');
	}
	buf_adds(&b, t->m->tail);
	return b.s;
}

long
store_write_rows(struct store *st, const struct store_rows *m, store_row_bind bind,
    const void *rows, int n)
{
	long done = 0;
	int i = 0, k, nrows;

	while (i < n) {
		struct rows_text t;
		sqlite3_stmt *s;

		nrows = n - i >= CHUNK ? CHUNK : 1;
		t.m = m;
		t.rows = nrows;
		/* two keys in m: CHUNK rows, one row */
		if ((s = cached(st, (const char *)m + (nrows == 1), NULL, make_rows, &t)) == NULL)
			return -1;
		for (k = 0; k < nrows; k++)
			bind(st, rows, i + k, s, k * m->nparams);
		if (store_done(st, s, "writing") != 0)
			return -1;
		done += sqlite3_changes(st->db);
		i += nrows;
	}
	return done;
}

/* The run's event i of rows (an array of struct event_row) after base. */
static void
bind_event_row(struct store *st, const void *rows, int i, sqlite3_stmt *s, int base)
{
	const struct event_row *e = (const struct event_row *)rows + i;

	store_bind_event(st, s, base, e->order_id, e->type, e->payload);
}

int
store_events(struct store *st, const struct event_row *e, int n)
{
	return store_write_rows(st, &store_event_rows, bind_event_row, e, n) < 0 ? -1 : 0;
}
