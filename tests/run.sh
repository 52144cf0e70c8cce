#!/usr/bin/env bash
# The whole test suite, as CI runs it (about 17 minutes on 2 cores):
#   1. Core on SQLite, the default, and beside it the admin UI's components (they share nothing), then the
#      database-bound tests again on a throwaway PostgreSQL (Debian's initdb and pg_ctl, package postgresql): Core's
#      operations, channels, security, audit, rollouts, database and adoption tests, the REST API's and the jobs'.
#      Those mostly wait for the database, so they fit beside Core, which leaves a core idle in its memory tests;
#   2. the server's tests alone on SQLite (they time their answers; every part is CPU-bound, so running more at
#      once gains nothing).
# Each test prints its result as it ends, each part its count, and the run ends with the total and the name of every
# failed test with the part it failed in and the start of its message. Tests that need PostgreSQL whatever the run
# (two server nodes on one database, the advisory publish lock) start their throwaway server in the server's part too.
#   tests/run.sh --postgresql   only the tests on PostgreSQL, the admin UI's components included
# The whole suite on PostgreSQL (tests about SQLite itself carry the trait Database=Sqlite):
#   SYSTEMIMAGE_TEST_DATABASE=PostgreSql dotnet test SystemImage.sln --filter "Database!=Sqlite"
set -uo pipefail
cd "$(dirname "$0")/.."
# A test stuck for 5 minutes fails the run with its name, instead of running into CI's time limit.
hang=(--blame-hang-timeout 5m --blame-hang-dump-type none)
# Every test's result is printed as it ends (Passed/Failed NAME [time]), so a run is never silent for long.
progress=(--logger "console;verbosity=normal")
postgresql_core='Database!=Sqlite&(FullyQualifiedName~.Operations.|FullyQualifiedName~.Channels.|FullyQualifiedName~.Security.|FullyQualifiedName~.Audit.|FullyQualifiedName~.Rollouts.|FullyQualifiedName~.Database.|FullyQualifiedName~.Adoption.)'
postgresql_server='Database!=Sqlite&(FullyQualifiedName~.ApiTests|FullyQualifiedName~.JobsTests)'

dotnet build SystemImage.sln || exit 1
status=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# The admin UI's components, which read and change the database through Core: on SQLite (log ui), or with
# "postgresql" on PostgreSQL (log postgresql-ui).
ui_tests() {
  if [ "${1:-}" = postgresql ]; then
    SYSTEMIMAGE_TEST_DATABASE=PostgreSql dotnet test tests/Admin.Ui.Tests --no-build "${hang[@]}" "${progress[@]}" \
      --filter 'Database!=Sqlite' > "$logs/postgresql-ui" 2>&1
  else
    dotnet test tests/Admin.Ui.Tests --no-build "${hang[@]}" "${progress[@]}" > "$logs/ui" 2>&1
  fi
}

# The database-bound tests of Core, the REST API and the jobs on PostgreSQL (logs postgresql-core, postgresql-server).
postgresql_tests() {
  local failed=0
  SYSTEMIMAGE_TEST_DATABASE=PostgreSql dotnet test tests/Core.Tests --no-build "${hang[@]}" "${progress[@]}" \
    --filter "$postgresql_core" > "$logs/postgresql-core" 2>&1 || failed=1
  SYSTEMIMAGE_TEST_DATABASE=PostgreSql dotnet test tests/Server.Tests --no-build "${hang[@]}" "${progress[@]}" \
    --filter "$postgresql_server" > "$logs/postgresql-server" 2>&1 || failed=1
  return "$failed"
}

if [ "${1:-}" = "--postgresql" ]; then
  echo "== On PostgreSQL: Core's, the REST API's, the jobs' and the admin UI's database-bound tests (about 4 minutes)"
  postgresql_tests || status=1
  ui_tests postgresql || status=1
  cat "$logs/postgresql-core" "$logs/postgresql-server" "$logs/postgresql-ui"
else
  echo "== Core, and beside it the admin UI's components, then the database-bound tests on PostgreSQL (about 6 minutes)"
  { ui_tests; ui=$?; postgresql_tests; postgresql=$?; exit $((ui | postgresql)); } &
  beside=$!
  dotnet test tests/Core.Tests --no-build "${hang[@]}" "${progress[@]}" 2>&1 | tee "$logs/core" || status=1
  wait "$beside" || status=1
  cat "$logs/ui" "$logs/postgresql-core" "$logs/postgresql-server"
  echo "== The server: REST API, verbs, static tree, jobs, browser and device tests (about 11 minutes)"
  dotnet test tests/Server.Tests --no-build "${hang[@]}" "${progress[@]}" 2>&1 | tee "$logs/server" || status=1
fi

echo "== Summary"
awk '/^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /^ +Skipped: +[0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$logs"/*
# Each failed test once, with the part it failed in and the first lines of its message (CI keeps only the end of
# the output).
for log in "$logs"/*; do
  awk -v part="$(basename "$log")" '
    /^ +Failed [A-Za-z]/ { want = !seen[$0]++; if (want) { sub(/^ +/, ""); print "[" part "] " $0 }; lines = 0; next }
    want && /^ +Error Message:/ { lines = 4; next }
    lines > 0 && /^ +Stack Trace:/ { lines = 0; want = 0; next }
    lines > 0 { print "    " $0; lines-- }' "$log"
done
exit "$status"
