/*
 * input-dump: print what lib/input reads from a CSV file (every header
 * column) as one compact JSON array of objects, or, with -j, a JSON file
 * re-printed the same way, so the two can be compared byte for byte.
 * A test tool for the conformance suite; not installed.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "input.h"

int
main(int argc, char **argv)
{
	struct input *in;
	struct record r;
	json_t *all;
	int status = 0, n, c, rc;
	const struct colspec *cols;

	diag_prog = "input-dump";
	if (argc == 3 && strcmp(argv[1], "-j") == 0) {
		json_error_t err;

		all = json_load_file(argv[2], 0, &err);
		if (all == NULL) {
			fprintf(stderr, "input-dump: %s: %s\n", argv[2], err.text);
			return EX_DATAERR;
		}
	} else if (argc == 2) {
		if ((in = input_open(argv[1], INFMT_CSV, NULL, 0, NULL, &status)) == NULL)
			return status;
		all = json_array();
		cols = input_columns(in, &n);
		while ((rc = input_next(in, &r)) == 1) {
			json_t *o = json_object();

			if (r.error) {
				diag_at(r.file, r.line, "%s", r.error);
				status = EX_DATAERR;
			}
			for (c = 0; c < n; c++)
				json_object_set_new(o, cols[c].name, json_string(r.val[c]));
			json_array_append_new(all, o);
		}
		if (rc < 0)
			status = input_status(in);
		input_close(in);
	} else {
		fprintf(stderr, "usage: input-dump file.csv | input-dump -j file.json\n");
		return EX_USAGE;
	}
	json_dumpf(all, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(all);
	return status;
}
