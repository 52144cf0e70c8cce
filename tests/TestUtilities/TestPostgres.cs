using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SystemImage.Core.Persistence;

namespace SystemImage.TestUtilities;

/// <summary>
/// A throwaway PostgreSQL server for the tests of one process, made with Debian's <c>postgresql</c> package
/// (<c>initdb</c> and <c>pg_ctl</c> in a temporary folder, listening on 127.0.0.1 on a free port, no durability) and
/// stopped when the process exits. Run as root (CI), the server runs as the <c>postgres</c> user, which the package
/// creates. Each test gets a database of its own (<see cref="CreateDatabase"/>), emptied after it for a later test.
/// </summary>
public sealed class TestPostgres
{
    private static readonly Lazy<TestPostgres> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string _directory;
    private readonly string _bin;
    private readonly string? _runAs;

    private TestPostgres(string directory, string bin, string? runAs, int port)
    {
        _directory = directory;
        _bin = bin;
        _runAs = runAs;
        Port = port;
        _template = new Lazy<bool>(MigrateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int Port { get; }

    /// <summary>The server of this process, started on first use.</summary>
    public static TestPostgres Instance => Shared.Value;

    private string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";

    /// <summary>
    /// Creates a database with the server's schema (a copy of a template migrated once per process, which takes a
    /// fraction of the time migrating each takes; the server still checks its migrations) and answers its connection string.
    /// </summary>
    public string CreateDatabase()
    {
        _ = _template.Value;
        if (!_clean.TryTake(out var name))
        {
            name = "si_" + Guid.NewGuid().ToString("N")[..16];
            Execute($"CREATE DATABASE {name} TEMPLATE {TemplateName}");
        }

        _handedOut.TryAdd(name, true);

        // A pool of its own for each test that gets the database: a connection the previous test's leftover work (a
        // page's refresh timer) gives back after the database was emptied, its backend ended, stays in that test's pool.
        return ConnectionString(name) + $";Application Name=si-test-{Interlocked.Increment(ref _handOuts)}";
    }

    /// <summary>Databases a test holds: one given back twice (two owners disposing it) must not go to two tests at once.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _handedOut = new();

    /// <summary>Databases emptied after their test, ready for the next (dropping one makes the server checkpoint).</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _clean = [];

    private const string TemplateName = "si_template";

    private int _handOuts;

    /// <summary>How many tables the migrated template has.</summary>
    private long _templateTables;

    private readonly Lazy<bool> _template;

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=30;Command Timeout=60;Maximum Pool Size=40";

    private bool MigrateTemplate()
    {
        Execute($"CREATE DATABASE {TemplateName}");
        var connectionString = ConnectionString(TemplateName) + ";Pooling=false";
        using (var db = new PostgreSqlDbContext(new DbContextOptionsBuilder<PostgreSqlDbContext>().UseNpgsql(connectionString).Options))
        {
            db.Database.Migrate();
        }

        using (var template = new NpgsqlConnection(connectionString))
        {
            template.Open();
            _templateTables = Tables(template);
        }

        return true;
    }

    /// <summary>The server's tables in the database of <paramref name="connection"/>.</summary>
    private static long Tables(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Done with the database of <paramref name="connectionString"/>: its connections are closed, its rows removed
    /// (counters restarted) and the jobs' schema dropped, and it goes back as a clean database for another test. A
    /// database whose tables are not the template's (a test dropped one to see a page fail) is dropped instead.
    /// </summary>
    public void DropDatabase(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        if (!_handedOut.TryRemove(database, out _))
        {
            return;
        }

        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        using (var admin = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false"))
        {
            admin.Open();
            if (Tables(admin) != _templateTables)
            {
                admin.Close();
                Execute($"DROP DATABASE {database} WITH (FORCE)");
                return;
            }

            using var command = new NpgsqlCommand(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();
                DROP SCHEMA IF EXISTS hangfire CASCADE;
                DO $$ BEGIN
                  EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('%I.%I', schemaname, tablename), ', ') || ' RESTART IDENTITY CASCADE'
                           FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory');
                END $$;
                """, admin);
            command.ExecuteNonQuery();
        }

        _clean.Add(database);
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static TestPostgres Start()
    {
        var bin = FindBin();
        var directory = Directory.CreateTempSubdirectory("si-postgres-").FullName;
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            Run("chown", null, "-R", "postgres:", directory);
        }

        var data = Path.Combine(directory, "data");
        Run(Path.Combine(bin, "initdb"), runAs, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var port = FreePort();
        var settings = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500";
        Run(Path.Combine(bin, "pg_ctl"), runAs, "-D", data, "-l", Path.Combine(directory, "server.log"), "-o", settings, "-w", "-t", "60", "start");
        var server = new TestPostgres(directory, bin, runAs, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private void Stop()
    {
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), _runAs, "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop");
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Exiting anyway; the temporary folder is the OS cleaner's.
        }
    }

    /// <summary>initdb's directory: on PATH, or Debian's /usr/lib/postgresql/VERSION/bin (the newest).</summary>
    private static string FindBin()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return debian ?? throw new InvalidOperationException(
            "These tests need a PostgreSQL server's initdb and pg_ctl (Debian: apt-get install -y postgresql).");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Run(string program, string? runAs, params string[] arguments)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (runAs is not null)
        {
            foreach (var argument in new[] { "-u", runAs, "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit {process.ExitCode}: {errors.Result}{output.Result}");
        }
    }
}
