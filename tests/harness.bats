# tests/run.sh, the runner make check calls: a test program's exit status
# counts, not only the "ok" lines it printed before it died.
load helper

RUN_SH=$TESTS/run.sh

# A bats file from $1, TEST standing for the keyword (which bats would
# take for a test of this file if it were written here).
suite() {
	printf '%s\n' "$1" | sed 's/^TEST /@test /'
}

# PATH without bats's own libexec directory, which this bats put first:
# the run.sh under test must start the bats command, as make check does.
plain_path() {
	printf '%s\n' "$PATH" | tr ':' '\n' | grep -v bats-core | paste -sd: -
}

# A fake build directory holding one unit-test program ($1: its body) and
# a suites directory holding one passing bats test.
harness() {
	mkdir -p bin suites
	printf '#!/bin/sh\n%s\n' "$1" > bin/test-fake
	chmod +x bin/test-fake
	suite 'TEST "a test that passes" {
	true
}' > suites/one.bats
}

@test "run.sh: a unit-test program that crashes after its last ok is a failure" {
	harness 'echo "ok 1 fake: first"; kill -SEGV $$'
	run -1 env -i PATH="$(plain_path)" HOME="$HOME" OMS_BIN="$PWD/bin" OMS_SUITES="$PWD/suites" sh "$RUN_SH" 3>&-
	assert_line "ok 1 fake: first"
	assert_line "not ok - test-fake exited with status 139"
	assert_line --index $((${#lines[@]} - 1)) "2 passed, 1 failed"
}

@test "run.sh: a unit-test program that exits non-zero without a not ok is a failure" {
	harness 'echo "ok 1 fake: first"; exit 3'
	run -1 env -i PATH="$(plain_path)" HOME="$HOME" OMS_BIN="$PWD/bin" OMS_SUITES="$PWD/suites" sh "$RUN_SH" 3>&-
	assert_line "not ok - test-fake exited with status 3"
	assert_line --index $((${#lines[@]} - 1)) "2 passed, 1 failed"
}

@test "run.sh: programs and suites that pass end with the count and status 0" {
	harness 'echo "ok 1 fake: first"'
	run -0 env -i PATH="$(plain_path)" HOME="$HOME" OMS_BIN="$PWD/bin" OMS_SUITES="$PWD/suites" sh "$RUN_SH" 3>&-
	assert_line --index $((${#lines[@]} - 1)) "2 passed, 0 failed"
}

@test "run.sh: a suite that stops short of its plan is a failure" {
	harness 'echo "ok 1 fake: first"'
	suite 'TEST "a test that ends the whole run" {
	kill -KILL $PPID $$
}
TEST "a test never reached" {
	true
}' >> suites/one.bats
	run -1 env -i PATH="$(plain_path)" HOME="$HOME" OMS_BIN="$PWD/bin" OMS_SUITES="$PWD/suites" sh "$RUN_SH" 3>&-
	assert_output --partial "not ok - bats "
	refute_line --index $((${#lines[@]} - 1)) --regexp " 0 failed$"
}
