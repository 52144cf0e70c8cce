#!/usr/bin/env bash
# The whole test suite, as CI runs it (about 18 minutes on 2 cores):
# 1. every project on SQLite, the default;
# 2. the tests bound to the database (Core's operations, channels, security and audit; the REST API's; the
#    jobs') a second time on PostgreSQL, each on a database of its own on a throwaway server the run starts with
#    Debian's initdb and pg_ctl (package postgresql) and stops at the end. Tests about SQLite itself carry the
#    trait Database=Sqlite and are left out. The whole suite runs on PostgreSQL with
#    SYSTEMIMAGE_TEST_DATABASE=PostgreSql dotnet test SystemImage.sln --filter "Database!=Sqlite".
# Core runs beside the admin UI's components and then the PostgreSQL runs (they share no state: each test has its
# own directories and database); the server's tests, which time their answers, run alone. Each part's output is
# shown as it ends. Tests that need PostgreSQL whatever the run (two server nodes, the advisory lock) start the same
# kind of throwaway server.
set -uo pipefail
cd "$(dirname "$0")/.."

dotnet build SystemImage.sln || exit 1
status=0
side=$(mktemp)
(
  side_status=0
  dotnet test tests/Admin.Ui.Tests --no-build || side_status=1
  echo "== The database-bound tests again, on PostgreSQL"
  export SYSTEMIMAGE_TEST_DATABASE=PostgreSql
  dotnet test tests/Core.Tests --no-build \
    --filter 'Database!=Sqlite&(FullyQualifiedName~.Operations.|FullyQualifiedName~.Channels.|FullyQualifiedName~.Security.|FullyQualifiedName~.Audit.)' || side_status=1
  dotnet test tests/Server.Tests --no-build \
    --filter 'Database!=Sqlite&(FullyQualifiedName~.ApiTests|FullyQualifiedName~.JobsTests)' || side_status=1
  exit "$side_status"
) > "$side" 2>&1 &
side_pid=$!
echo "== Core on SQLite (the admin UI's components, then the database-bound tests on PostgreSQL, run beside it)"
dotnet test tests/Core.Tests --no-build || status=$?
wait "$side_pid" || status=1
echo "== The admin UI's components on SQLite"
cat "$side" && rm -f "$side"
echo "== The server: REST API, verbs, static tree, jobs, browser and device tests, on SQLite"
dotnet test tests/Server.Tests --no-build || status=$?
exit "$status"
