#!/usr/bin/env bash
# The whole test suite, as CI runs it (about 18 minutes on 2 cores): every project on SQLite, the default, Core
# beside the admin UI's components (they share nothing), then the server's tests alone (they time their answers;
# every part is CPU-bound, so running more at once gains nothing). Each part prints its summary as it ends.
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

echo "== Core and the admin UI's components"
ui=$(mktemp)
dotnet test tests/Admin.Ui.Tests --no-build "${hang[@]}" > "$ui" 2>&1 &
ui_pid=$!
dotnet test tests/Core.Tests --no-build "${hang[@]}" || status=$?
wait "$ui_pid" || status=$?
cat "$ui" && rm -f "$ui"
echo "== The server: REST API, verbs, static tree, jobs, browser and device tests"
dotnet test tests/Server.Tests --no-build "${hang[@]}" || status=$?
exit "$status"
