#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"

const char *diag_prog = "oms";
int diag_verbosity;

static void
vsay(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", diag_prog, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
diag_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void
diag_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (line > 0)
		fprintf(stderr, "%s: %s:%ld: ", diag_prog, file, line);
	else
		fprintf(stderr, "%s: %s: ", diag_prog, file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
diag_warn(const char *fmt, ...)
{
	va_list ap;

	if (diag_verbosity < 0)
		return;
	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

void
diag_alert(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

void
diag_info(const char *fmt, ...)
{
	va_list ap;

	if (diag_verbosity < 1)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void
diag_note(const char *fmt, ...)
{
	va_list ap;

	if (diag_verbosity < 0)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

static struct {
	int on;
	const char *what;
	struct timespec last;
	long done;
} meter;

void
progress_start(const char *what)
{
	meter.on = diag_verbosity >= 0 && isatty(STDERR_FILENO);
	meter.what = what;
	meter.done = 0;
	clock_gettime(CLOCK_MONOTONIC, &meter.last);
}

void
progress_tick(long done)
{
	struct timespec now;

	meter.done = done;
	if (!meter.on || (done & 1023) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - meter.last.tv_sec) * 1000 +
	    (now.tv_nsec - meter.last.tv_nsec) / 1000000 < 250)
		return;
	meter.last = now;
	fprintf(stderr, "\r%s: %s: %ld %s", diag_prog, meter.what, done,
	    plural(done, "record", "records"));
}

void
progress_end(void)
{
	if (meter.on && meter.done >= 1024)
		fprintf(stderr, "\r\033[K");
	meter.on = 0;
}
