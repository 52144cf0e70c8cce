using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using SystemImage.TestUtilities;

namespace SystemImage.Server.Tests;

/// <summary>
/// Runs the real <c>systemimage</c> executable (published precompiled into <c>server/</c> beside the tests) as a child process: the server on a free
/// port of 127.0.0.1 over a temporary data directory, and command-line verbs against the same directory.
/// </summary>
public sealed class ServerProcess : IAsyncLifetime
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "server", "systemimage.dll");
    private readonly StringBuilder _log = new();
    private Process? _server;

    private readonly bool _ownsData = true;

    /// <summary>A server on a data directory of its own and the tests' database (<see cref="TestDatabase"/>).</summary>
    public ServerProcess()
        : this(TestDatabase.NewSettings())
    {
    }

    private ServerProcess(IReadOnlyDictionary<string, string> database, bool testKeys = true)
    {
        DataDir = Path.Combine(Path.GetTempPath(), "si-server-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataDir);

        // The run's 2048-bit key set: generating the server's own (4096-bit masters) takes seconds of CPU per server.
        if (testKeys)
        {
            TestKeys.CopyTo(Path.Combine(DataDir, "secrets"));
        }

        // The fastest preset: these tests are about the server, not about compression, which Core's tests and bench/
        // cover. A test sets SystemImage__Xz__Preset itself when it needs slow compression or the default.
        Environment["SystemImage__Xz__Preset"] = "0";
        foreach (var (key, value) in database)
        {
            Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
    }

    /// <summary>Another node of <paramref name="first"/>'s installation: its data directory and database, its own port and process.</summary>
    private ServerProcess(ServerProcess first)
    {
        DataDir = first.DataDir;
        Environment = new Dictionary<string, string>(first.Environment);
        _ownsData = false;
    }

    /// <summary>A server whose data directory holds no keys yet, as at a first start: it generates a development key set.</summary>
    public static ServerProcess WithoutKeys() => new(TestDatabase.NewSettings(), testKeys: false);

    /// <summary>A server on a database of its own on the tests' PostgreSQL, whatever <see cref="TestDatabase"/> says.</summary>
    public static ServerProcess OnPostgreSql() => new(new Dictionary<string, string>
    {
        ["SystemImage:Database:Provider"] = "PostgreSql",
        ["SystemImage:Database:ConnectionString"] = TestPostgres.Instance.CreateDatabase(),
    });

    /// <summary>A second node sharing this one's data directory and database (start it with <see cref="StartAsync"/>; disposing it leaves both).</summary>
    public ServerProcess AnotherNode() => new(this);

    public string DataDir { get; }

    /// <summary>The port of 127.0.0.1 the server listens on, chosen when this object is made and kept across restarts.</summary>
    public int Port { get; } = FreePort();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The running server's process id.</summary>
    public int? ProcessId => _server is { HasExited: false } server ? server.Id : null;

    /// <summary>Environment variables for the server and every verb (set before starting).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Kills the server at once (SIGKILL), as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        _server = null;
        Http?.Dispose();
    }

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async Task StartAsync()
    {
        _server = Start(DataDir, Environment, ["serve", "--urls", BaseAddress.ToString().TrimEnd('/'), "--data-dir", DataDir]);
        _server.OutputDataReceived += (_, e) => Append(e.Data);
        _server.ErrorDataReceived += (_, e) => Append(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_server.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Http = client;
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The server did not become healthy:\n{Log}");
    }

    /// <summary>Makes an API token with <paramref name="role"/> by the <c>tokens create</c> verb (the server need not run); returns its secret.</summary>
    public async Task<string> CreateTokenAsync(string name, string role)
    {
        var created = await RunVerbAsync("tokens", "create", name, "--role", role);
        Assert.True(created.ExitCode == 0, $"tokens create {name}: {created}");
        return created.Stdout.Trim();
    }

    /// <summary>The latest 200 jobs as the <c>list-imports --json</c> verb prints them (a process of its own each time).</summary>
    public async Task<List<JsonNode>> JobsByVerbAsync()
    {
        var listed = await RunVerbAsync("list-imports", "--json", "--limit", "200");
        Assert.True(listed.ExitCode == 0, $"list-imports: {listed}");
        return [.. JsonNode.Parse(listed.Stdout)!.AsArray().Select(r => r!)];
    }

    /// <summary>The latest 200 jobs as a server's API lists them: cheap to poll, unlike <see cref="JobsByVerbAsync"/>.</summary>
    public static async Task<List<JsonNode>> JobsAsync(HttpClient api) =>
        [.. JsonNode.Parse(await api.GetStringAsync(new Uri("/api/v1/jobs?limit=200", UriKind.Relative)))!.AsArray().Select(r => r!)];

    /// <summary>A client of this server's REST API (its address, from before it starts) with the token <paramref name="secret"/>.</summary>
    public HttpClient TokenClient(string secret, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromMinutes(3) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>Runs one verb against the data directory and returns its exit code and output.</summary>
    public Task<VerbResult> RunVerbAsync(params string[] args) => RunVerbWithInputAsync(null, args);

    /// <summary>Runs one verb with <paramref name="input"/> as its standard input (none: the verb's stdin is closed).</summary>
    public Task<VerbResult> RunVerbWithInputAsync(string? input, params string[] args) => RunVerbAsync(DataDir, Environment, input, args);

    /// <summary>
    /// Runs one verb in a process of its own against an <see cref="InProcessServer"/>'s data directory and database,
    /// as an operator on the server's machine would while the server runs.
    /// </summary>
    public static Task<VerbResult> RunVerbInAsync(InProcessServer server, params string[] args) => RunVerbAsync(server.DataDir, server.DatabaseEnvironment, null, args);

    private static async Task<VerbResult> RunVerbAsync(string dataDir, IReadOnlyDictionary<string, string> environment, string? input, string[] args)
    {
        using var process = Start(dataDir, environment, [.. args, "--data-dir", dataDir], redirectInput: true);
        try
        {
            await process.StandardInput.WriteAsync(input ?? "");
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The verb ended without reading its input.
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return new VerbResult(process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        if (!_ownsData)
        {
            return;
        }

        if (Environment.TryGetValue("SystemImage__Database__ConnectionString", out var database))
        {
            TestPostgres.Instance.DropDatabase(database);
        }

        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }

    private static Process Start(string dataDir, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args, bool redirectInput = false)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        info.ArgumentList.Add(Executable);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment.Remove("ASPNETCORE_URLS");
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the server process.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
