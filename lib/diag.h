#ifndef OMS_DIAG_H
#define OMS_DIAG_H
/*
 * diag: the one place that prints diagnostics and names exit statuses.
 *
 * Every message has the shape "PROG: PLACE: message", lowercase, no full
 * stop, subject quoted: "oms-import: orders.csv:17: qty must be a positive
 * integer, got \"-3\"".  Messages go to standard error only.
 */
#include <stdarg.h>

/* The exit-status table of every oms command (see oms(7)). */
enum {
	EX_OK = 0,
	EX_VIOLATION = 1,	/* oms-report check found a broken invariant */
	EX_USAGE = 64,
	EX_DATAERR = 65,
	EX_NOINPUT = 66,
	EX_SOFTWARE = 70,
	EX_CANTCREAT = 73,
	EX_IOERR = 74,
	EX_TEMPFAIL = 75	/* store busy past the timeout: retry */
};

extern const char *diag_prog;	/* set once by the command's main() */
extern int diag_verbosity;	/* -1 quiet, 0 normal, 1 verbose */

/* "PROG: message" */
void diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: FILE:LINE: message"; line <= 0 leaves it out */
void diag_at(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "PROG: warning: message" (shown unless -q) */
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * "PROG: warning: message", shown even with -q: data the run could not
 * act on and that someone must fix (a summary line, not one per record)
 */
void diag_alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: message", only with -v */
void diag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: message", unless -q: summaries */
void diag_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A progress meter on standard error, only when it is a terminal and not
 * quieted.  progress_tick() is cheap; it redraws at most 4 times a second.
 */
void progress_start(const char *what);
void progress_tick(long done);
void progress_end(void);

#endif
