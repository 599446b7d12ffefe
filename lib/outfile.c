#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "outfile.h"
#include "util.h"

/*
 * Output goes out in large writes: a million-row report is hundreds of
 * megabytes, and writing it 4 KiB at a time (stdio's default for a file)
 * costs three times the system time of 1 MiB writes.
 */
#define OUT_BUFSIZ (1 << 20)

/*
 * The mode of an output file, as the shell's > gives it: a file that is
 * there keeps its mode; a new one is 0666 less the umask (it may carry
 * customers' addresses: the umask is the user's say on who reads them).
 * Called before any thread starts: umask() is per process.
 */
static mode_t
outfile_mode(const char *path)
{
	struct stat sb;
	mode_t mask;

	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		return sb.st_mode & 0777;
	mask = umask(022);
	umask(mask);
	return 0666 & ~mask;
}

/* Is fd /dev/null?  What is written there reaches no one. */
static int
is_dev_null(int fd)
{
	struct stat sb, null;

	return fstat(fd, &sb) == 0 && S_ISCHR(sb.st_mode) && stat("/dev/null", &null) == 0 &&
	    sb.st_rdev == null.st_rdev;
}

/* A fully buffered stream over fd, with a buffer of its own. */
static int
outfile_stream(struct outfile *of, int fd)
{
	if ((of->fp = fdopen(fd, "w")) == NULL)
		return -1;
	of->buf = xmalloc(OUT_BUFSIZ);
	setvbuf(of->fp, of->buf, _IOFBF, OUT_BUFSIZ);
	return 0;
}

/*
 * Hold what goes to fd (standard output, or a device opened for it) in an
 * unlinked temporary file until outfile_close: 0, or 73 after a
 * diagnostic.
 */
static int
outfile_hold(struct outfile *of, int fd)
{
	const char *dir = getenv("TMPDIR");
	struct buf name = BUF_INIT;
	int tmp, err;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	buf_addf(&name, "%s/oms-output.XXXXXX", dir);
	if ((tmp = mkstemp(name.s)) < 0 || unlink(name.s) != 0 || outfile_stream(of, tmp) != 0) {
		err = errno;
		diag_error("cannot hold %s in %s until the commit: %s",
		    of->path ? of->path : "standard output", dir, strerror(err));
		if (tmp >= 0)
			close(tmp);
		buf_release(&name);
		return EX_CANTCREAT;
	}
	buf_release(&name);
	of->to = fd;
	return 0;
}

static int
open_output(struct outfile *of, const char *path, int held)
{
	struct stat sb;
	const char *slash;
	size_t n;
	int fd;

	memset(of, 0, sizeof *of);
	of->to = -1;
	if (path == NULL || strcmp(path, "-") == 0) {
		static char buf[OUT_BUFSIZ];
		static int set;

		if (held && !is_dev_null(STDOUT_FILENO))
			return outfile_hold(of, STDOUT_FILENO);
		of->fp = stdout;
		/* before anything is written; a terminal stays line-buffered */
		if (!set && !isatty(STDOUT_FILENO))
			setvbuf(stdout, buf, _IOFBF, sizeof buf);
		set = 1;
		return 0;
	}
	/*
	 * A directory cannot be renamed over: refuse it now, before the
	 * command commits what the file was to report.
	 */
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		diag_at(path, 0, "is a directory, not a file");
		return EX_CANTCREAT;
	}
	of->path = xstrdup(path);
	/*
	 * A device or a FIFO (-o /dev/null, -o /dev/stderr, a named pipe) is
	 * written in place: renaming a file over it would replace it.
	 */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
		int status = 0;

		if ((fd = open(path, O_WRONLY)) < 0) {
			diag_at(path, 0, "cannot open: %s", strerror(errno));
			status = EX_CANTCREAT;
		} else if (held && !is_dev_null(fd)) {
			status = outfile_hold(of, fd);
		} else if (outfile_stream(of, fd) != 0) {
			diag_at(path, 0, "cannot open: %s", strerror(errno));
			status = EX_CANTCREAT;
		}
		if (status != 0) {
			if (fd >= 0)
				close(fd);
			free(of->path);
			of->path = NULL;
		}
		return status;
	}
	/* DIR/.NAME.tmpXXXXXX, hidden: whoever takes the finished files skips it */
	slash = strrchr(path, '/');
	n = slash ? (size_t)(slash + 1 - path) : 0;
	of->tmp = xmalloc(strlen(path) + 16);
	snprintf(of->tmp, strlen(path) + 16, "%.*s.%s.tmpXXXXXX", (int)n, path, path + n);
	fd = mkstemp(of->tmp);
	if (fd < 0 || outfile_stream(of, fd) != 0) {
		diag_at(path, 0, "cannot create: %s", strerror(errno));
		if (fd >= 0)
			close(fd), unlink(of->tmp);
		free(of->path);
		free(of->tmp);
		of->path = of->tmp = NULL;
		return EX_CANTCREAT;
	}
	fchmod(fd, outfile_mode(path));
	return 0;
}

int
outfile_open(struct outfile *of, const char *path)
{
	return open_output(of, path, 0);
}

int
outfile_open_held(struct outfile *of, const char *path)
{
	return open_output(of, path, 1);
}

/* "write error" on the output, with the reason when there is one. */
static void
write_error(struct outfile *of, int err)
{
	if (of->failed)
		return;
	of->failed = 1;
	if (of->path == NULL)
		diag_error("write error on standard output%s%s", err ? ": " : "",
		    err ? strerror(err) : "");
	else
		diag_at(of->path, 0, "write error%s%s", err ? ": " : "", err ? strerror(err) : "");
}

/*
 * Flush: 0, or -1 after a diagnostic.  The reason is the first failure's:
 * a flush that fails now says it; an error met by an earlier write is
 * only flagged, its errno long gone.
 */
static int
outfile_flush(struct outfile *of)
{
	errno = 0;
	if (fflush(of->fp) == 0 && !ferror(of->fp))
		return 0;
	write_error(of, errno);
	return -1;
}

int
outfile_ready(struct outfile *of)
{
	if (of->fp == NULL)
		return 0;
	return outfile_flush(of) == 0 ? 0 : EX_IOERR;
}

/* Copy the held output to where it goes: 0, or -1 after a diagnostic. */
static int
outfile_deliver(struct outfile *of)
{
	int in = fileno(of->fp);
	ssize_t n, w, off;

	if (lseek(in, 0, SEEK_SET) != 0) {
		diag_error("cannot read back the output held: %s", strerror(errno));
		return -1;
	}
	while ((n = read(in, of->buf, OUT_BUFSIZ)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_error("cannot read back the output held: %s", strerror(errno));
			return -1;
		}
		for (off = 0; off < n; off += w) {
			if ((w = write(of->to, of->buf + off, (size_t)(n - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				write_error(of, errno);
				return -1;
			}
		}
	}
	return 0;
}

int
outfile_close(struct outfile *of, int commit)
{
	int bad;

	if (of->fp == NULL)
		return 0;
	bad = outfile_flush(of) != 0;
	if (of->fp == stdout) {
		of->fp = NULL;
		return bad ? EX_IOERR : 0;
	}
	if (of->to >= 0) {
		/* held: the buffer is free once flushed, and the copy uses it */
		if (!bad && commit)
			bad = outfile_deliver(of) != 0;
		if (of->to != STDOUT_FILENO && close(of->to) != 0 && !bad) {
			write_error(of, errno);
			bad = 1;
		}
		of->to = -1;
	}
	if (fclose(of->fp) != 0 && !bad) {
		write_error(of, errno);
		bad = 1;
	}
	of->fp = NULL;
	free(of->buf);
	of->buf = NULL;
	if (of->tmp == NULL) {
		/* written in place, or held */
	} else if (bad || !commit) {
		unlink(of->tmp);
	} else if (rename(of->tmp, of->path) != 0) {
		diag_at(of->path, 0, "cannot rename into place: %s; it is in %s", strerror(errno),
		    of->tmp);
		bad = 1;
	}
	free(of->path);
	free(of->tmp);
	of->path = of->tmp = NULL;
	return bad ? EX_IOERR : 0;
}
