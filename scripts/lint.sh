#!/usr/bin/env bash
# scripts/lint.sh: static analysis of src/ with cppcheck and clang-tidy,
# and of the shell suites with scripts/check_shell_status.py (a check that
# takes `$?` after a `$(...)` of its own arguments cannot fail).  Zero
# findings is the rule: fix real ones, and suppress a false positive here
# only with its reason.  Ends with "N passed, N failed" (one test per tool
# that is installed, and one for the shell suites) and exits non-zero on
# any finding.
#
#   bash scripts/lint.sh            # all three
#   QX_LINT_SRC=/other/src bash scripts/lint.sh
#   QX_LINT_JOBS=1 bash scripts/lint.sh   # one process per tool (default 2:
#                                         # files analysed two at a time)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=${QX_LINT_SRC:-$root/src}
self=$(sha256sum "$0" | cut -c1-64)
# Paths relative to the tree (the analysis runs from its top): what the
# caches below are keyed on -- the file names among it -- is then the same in
# every clone, wherever it lies.
cd "$root" || exit 1
case "$src" in "$root"/*) src=${src#"$root"/} ;; esac
pg_config=${PG_CONFIG:-pg_config}
pg_inc=("$($pg_config --includedir-server)" "$($pg_config --includedir)")
inc=(-I "$src" -I "${pg_inc[0]}" -I "${pg_inc[1]}")	# clang-tidy's (cppcheck: see below)
jobs=${QX_LINT_JOBS:-2}
passed=0
failed=0
out=$(mktemp)
tidy=$(mktemp -d)
trap 'rm -rf "$out" "$tidy"' EXIT
# Results are cached per file (QX_LINT_CACHE, default
# /var/cache/quota_ext/lint when writable; QX_LINT_CACHE=off: none), keyed on
# what decides them, so an unchanged file is not analysed again: cppcheck's
# own --cppcheck-build-dir (it re-checks a file whose preprocessed code
# changed), and for clang-tidy a key described where it is made.  A cached
# result is replayed, findings included.
cache=${QX_LINT_CACHE:-/var/cache/quota_ext/lint}
if [ "$cache" = off ] || ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then cache=; fi

if command -v cppcheck >/dev/null; then
	# PostgreSQL's headers are not given to cppcheck: what it must know of
	# the server's API (ereport at ERROR does not return, PG_RETURN_*
	# returns, lengthof, the integer types ...) is in
	# scripts/cppcheck-postgres.cfg, as the cppcheck manual recommends for a
	# library.  Tokenising the headers was 56 of its 58 CPU-seconds over src/.
	# Suppressed, with reasons:
	#  incorrectStringBooleanError: qx_bad_arg(hint, ...) in quota_ext.h tests
	#    `(hint) ? errhint(...) : 0` so that callers may pass NULL; with a
	#    literal hint the test is constant by design, not a mistake.
	#  missingInclude, missingIncludeSystem: PostgreSQL's and the system's
	#    headers are not read (see above).
	#  variableScope: a style preference; PostgreSQL code declares a
	#    function's working variables together at the top of the function.
	# -DHAVE_INT128: pg_config.h's answer on every platform we build on
	#  (money.h stops with #error without it).
	cfg=scripts/cppcheck-postgres.cfg
	cpp_cache=()
	if [ -n "$cache" ]; then
		d=$cache/cppcheck-$(echo "$self $(cppcheck --version) $src $(sha256sum "$cfg")" | sha256sum | cut -c1-16)
		mkdir -p "$d" && cpp_cache=(--cppcheck-build-dir="$d")
	fi
	cppcheck --library="$cfg" --enable=warning,style,performance,portability --std=c11 --quiet \
		--inline-suppr --error-exitcode=1 --template='{file}:{line}: {severity} [{id}] {message}' \
		--suppress=missingInclude --suppress=missingIncludeSystem \
		--suppress=incorrectStringBooleanError --suppress=variableScope -j "$jobs" "${cpp_cache[@]}" \
		-D__GNUC__ -D__x86_64__ -DHAVE_INT128=1 -I "$src" "$src"/*.c >"$out" 2>&1
	rc=$?
	n=$(grep -c ': \(error\|warning\|style\|performance\|portability\) \[' "$out")
	if [ "$rc" -eq 0 ] && [ "$n" -eq 0 ]; then
		echo "ok   cppcheck $(cppcheck --version | cut -d' ' -f2): 0 findings in $(ls "$src"/*.c | wc -l) files"
		passed=$((passed + 1))
	else
		cat "$out"
		echo "FAIL cppcheck: $n findings"
		failed=$((failed + 1))
	fi
else
	echo "skip cppcheck: not installed"
fi

if command -v clang-tidy >/dev/null; then
	# Checks: the clang static analyzer and bugprone-*, less
	#  bugprone-easily-swappable-parameters: PG_FUNCTION_ARGS style signatures;
	#  bugprone-narrowing-conversions: int64 -> int32 after range checks is the
	#    PostgreSQL idiom (the hostile suite and UBSan cover the ranges);
	#  bugprone-reserved-identifier, bugprone-macro-parentheses: fire inside
	#    PostgreSQL's macros;
	#  clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling:
	#    asks for memcpy_s, which glibc and PostgreSQL do not have.
	checks='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions,-bugprone-reserved-identifier,-bugprone-macro-parentheses,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
	# The analyzer explores each function's paths up to a budget of nodes
	# (225,000 by default).  Over src/, 37 of its 805 functions go past
	# 75,000 -- 30 of them to the full budget, where their paths are explored
	# in part however large it is -- and they took 47 of the analyzer's 55
	# CPU-seconds.  Every other function stays below 75,000 nodes (the budget
	# of the analyzer's own shallow mode; its time did not change) and is
	# analysed exactly as before, inlining unchanged; the 37 are explored to
	# between a third and three quarters of their depth.  clang-tidy over
	# src/: 52 CPU-s instead of 85.
	budget=(-Xclang -analyzer-config -Xclang max-nodes=75000)
	# The cache key of a file: the tool, this script, the checks, the flags,
	# the file, every header of src/, and a fingerprint of the include
	# directories it reads (name, size and time of every file under them:
	# PostgreSQL's, the system's and clang's own), taken once per run -- a
	# new header anywhere misses every entry, which costs time, never a
	# finding.  (Preprocessing each file for its key cost 0.4 CPU-s a file.)
	tidy_id="$self $(clang-tidy --version | tr '\n' ' ') $checks"
	if [ -n "$cache" ]; then
		tidy_id="$tidy_id $(cat "$src"/*.h | sha256sum) $(find "${pg_inc[@]}" /usr/include \
			"$(clang -print-resource-dir 2>/dev/null)/include" \
			-type f -printf '%p %s %T@\n' 2>/dev/null | sort | sha256sum)"
	fi
	export checks tidy cache tidy_id
	# one clang-tidy per file, $jobs at a time, each into its own file (no
	# interleaved lines); a finding in a header shared by several files is
	# then listed once per file, which changes no zero
	# (clang-tidy's memory in huge pages: scripts/hugepages.sh, 17 % less CPU)
	printf '%s\0' "$src"/*.c | bash "$root/scripts/hugepages.sh" xargs -0 -P "$jobs" -I{} bash -c '
		f=$1; shift
		res=$tidy/$(basename "$f").out key=
		if [ -n "$cache" ]; then
			key=$cache/tidy-$( { echo "$tidy_id $* $f"; cat "$f"; } | sha256sum | cut -c1-40).out
			[ -f "$key" ] && { cp "$key" "$res"; exit 0; }
		fi
		clang-tidy --quiet -checks="$checks" "$f" -- "$@" -D_GNU_SOURCE >"$res" 2>&1
		[ -n "$key" ] && cp "$res" "$key.$$" && mv "$key.$$" "$key"
		exit 0' _ {} "${inc[@]}" "${budget[@]}"
	cat "$tidy"/*.out >"$out"
	n=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out")
	if [ "$n" -eq 0 ]; then
		echo "ok   clang-tidy $(clang-tidy --version | grep -o 'version [0-9.]*' | head -1): 0 findings"
		passed=$((passed + 1))
	else
		grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out"
		echo "FAIL clang-tidy: $n findings"
		failed=$((failed + 1))
	fi
else
	echo "skip clang-tidy: not installed"
fi

# The shell suites: no check may take `$?` after a `$(...)` in its own
# arguments (bash expands left to right, the substitution sets `$?`, and the
# check can no longer fail: scripts/check_shell_status.py).  The checker
# must also find the case in a sample, so that this check can fail.
sample=$'[ -n "$x" ]\nqx_check "built $(basename "$x")" $?'
shell_files=(scripts/*.sh test/*.sh test/lib/*.sh bench/*.sh .ci/run)
python3 scripts/check_shell_status.py <(printf '%s\n' "$sample") >"$out" 2>&1
sample_rc=$?
if [ "$sample_rc" -eq 1 ] && grep -q ':2: qx_check' "$out"; then
	if python3 scripts/check_shell_status.py "${shell_files[@]}" >"$out" 2>&1; then
		echo "ok   shell suites: no check takes \$? after a \$(...) of its own arguments (${#shell_files[@]} files)"
		passed=$((passed + 1))
	else
		cat "$out"
		echo "FAIL shell suites: a check takes \$? after a \$(...) (it cannot fail)"
		failed=$((failed + 1))
	fi
else
	cat "$out"
	echo "FAIL scripts/check_shell_status.py does not find the case in its sample (exit status $sample_rc)"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
