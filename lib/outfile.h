#ifndef OMS_OUTFILE_H
#define OMS_OUTFILE_H
/*
 * outfile: a command's output file, written aside and put in place only
 * after its run commits (the rows themselves are output.h's writer).
 */
#include <stdio.h>

/*
 * An output file written whole or not at all: "-" is standard output, a
 * device or a FIFO is written in place (a rename would replace it), and
 * anything else is written to a temporary file beside it, hidden
 * (DIR/.NAME.tmpXXXXXX), and renamed over NAME.
 */
struct outfile {
	FILE *fp;
	char *path, *tmp;
	char *buf;	/* the file's stdio buffer */
	int failed;	/* a write error was reported */
	int to;		/* held: the descriptor it goes to at the end; else -1 */
};
int outfile_open(struct outfile *of, const char *path);	/* 0 or 73 */
/*
 * The same for what a run that changes the store writes, which must
 * reach no one unless the run commits: standard output, a device or a
 * FIFO is held in a temporary file (in $TMPDIR, else /tmp; unlinked at
 * once) and copied to it by outfile_close(of, 1).  /dev/null is written
 * at once: no one reads it.
 */
int outfile_open_held(struct outfile *of, const char *path);	/* 0 or 73 */
/*
 * Flush what was written and check it: 0, or 74 after a diagnostic.  A
 * run calls it before its commit, so that a full disk fails the run
 * rather than losing the output of a committed one.
 */
int outfile_ready(struct outfile *of);
/*
 * Flush and close.  With commit 1 a file is renamed into place (a held
 * output copied to where it goes), else it is removed: a run calls it
 * after its commit, with commit 1 only if the commit succeeded, so that
 * a failed run leaves no file in place and prints nothing.  Returns 0, or
 * 74 after a diagnostic; a file that cannot be renamed into place is left
 * where it was written, and named.
 */
int outfile_close(struct outfile *of, int commit);	/* 0 or 74 */

#endif
