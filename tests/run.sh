#!/usr/bin/env bash
# The whole test suite, as CI runs it (about 18 minutes on 2 cores): every project on SQLite, the default, Core
# beside the admin UI's components (they share nothing), then the server's tests alone (they time their answers;
# every part is CPU-bound, so running more at once gains nothing). Each test prints its result as it ends, each
# part its count, and the run ends with the total and the name of every failed test.
# Tests that need PostgreSQL whatever the run (two server nodes on one database, the advisory publish lock)
# start a throwaway server with Debian's initdb and pg_ctl (package postgresql).
# On PostgreSQL, the database-bound tests (Core's operations, channels, security and audit; the REST API's; the
# jobs') run with tests/run.sh --postgresql, and the whole suite with
#   SYSTEMIMAGE_TEST_DATABASE=PostgreSql dotnet test SystemImage.sln --filter "Database!=Sqlite"
# (tests about SQLite itself carry the trait Database=Sqlite).
set -uo pipefail
cd "$(dirname "$0")/.."
# A test stuck for 5 minutes fails the run with its name, instead of running into CI's time limit.
hang=(--blame-hang-timeout 5m --blame-hang-dump-type none)

dotnet build SystemImage.sln || exit 1
status=0
if [ "${1:-}" = "--postgresql" ]; then
  export SYSTEMIMAGE_TEST_DATABASE=PostgreSql
  dotnet test tests/Core.Tests --no-build "${hang[@]}" \
    --filter 'Database!=Sqlite&(FullyQualifiedName~.Operations.|FullyQualifiedName~.Channels.|FullyQualifiedName~.Security.|FullyQualifiedName~.Audit.)' || status=$?
  dotnet test tests/Server.Tests --no-build "${hang[@]}" \
    --filter 'Database!=Sqlite&(FullyQualifiedName~.ApiTests|FullyQualifiedName~.JobsTests)' || status=$?
  exit "$status"
fi

# Every test's result is printed as it ends (Passed/Failed NAME [time]), so a run is never silent for long; the
# end repeats each part's count and the name of every failed test.
progress=(--logger "console;verbosity=normal")
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
echo "== Core and the admin UI's components (about 5 minutes)"
dotnet test tests/Admin.Ui.Tests --no-build "${hang[@]}" "${progress[@]}" > "$logs/ui" 2>&1 &
ui_pid=$!
dotnet test tests/Core.Tests --no-build "${hang[@]}" "${progress[@]}" 2>&1 | tee "$logs/core" || status=1
wait "$ui_pid" || status=1
cat "$logs/ui"
echo "== The server: REST API, verbs, static tree, jobs, browser and device tests (about 11 minutes)"
dotnet test tests/Server.Tests --no-build "${hang[@]}" "${progress[@]}" 2>&1 | tee "$logs/server" || status=1
echo "== Summary"
awk '/^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /^ +Skipped: +[0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$logs/core" "$logs/ui" "$logs/server"
grep -hE '^\s+Failed [A-Za-z]' "$logs/core" "$logs/ui" "$logs/server" | sort -u
exit "$status"
