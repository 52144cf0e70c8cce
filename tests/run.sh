#!/usr/bin/env bash
# The whole test suite, as CI runs it (about 18 minutes on 2 cores; every part is CPU-bound, so running more at
# once gains nothing but the admin UI beside Core):
# 1. every project on SQLite, the default (the bunit components beside Core, which they share nothing with);
# 2. the tests bound to the database (Core's operations, channels, security and audit; the REST API's; the
#    jobs') a second time on PostgreSQL, each on a database of its own on a throwaway server the run starts with
#    Debian's initdb and pg_ctl (package postgresql) and stops at the end. Tests about SQLite itself carry the
#    trait Database=Sqlite and are left out. The whole suite runs on PostgreSQL with
#    SYSTEMIMAGE_TEST_DATABASE=PostgreSql dotnet test SystemImage.sln --filter "Database!=Sqlite".
# Tests that need PostgreSQL whatever the run (two server nodes, the advisory lock) start the same throwaway server.
set -uo pipefail
cd "$(dirname "$0")/.."

dotnet build SystemImage.sln || exit 1
status=0
echo "== Core and the admin UI components, on SQLite"
dotnet test tests/Admin.Ui.Tests --no-build > /tmp/si-admin-ui-tests.$$ 2>&1 &
ui=$!
dotnet test tests/Core.Tests --no-build || status=$?
wait "$ui" || status=$?
cat /tmp/si-admin-ui-tests.$$ && rm -f /tmp/si-admin-ui-tests.$$
echo "== The server: REST API, verbs, static tree, jobs, browser and device tests, on SQLite"
dotnet test tests/Server.Tests --no-build || status=$?

echo "== The database-bound tests again, on PostgreSQL"
export SYSTEMIMAGE_TEST_DATABASE=PostgreSql
dotnet test tests/Core.Tests --no-build \
  --filter 'Database!=Sqlite&(FullyQualifiedName~.Operations.|FullyQualifiedName~.Channels.|FullyQualifiedName~.Security.|FullyQualifiedName~.Audit.)' || status=$?
dotnet test tests/Server.Tests --no-build \
  --filter 'Database!=Sqlite&(FullyQualifiedName~.ApiTests|FullyQualifiedName~.JobsTests)' || status=$?
exit "$status"
