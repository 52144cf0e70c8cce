using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// What one route-matrix test works on: the server, clients of each role and arrangements made through Core services
/// (never through the routes under test). Path parameters come from here, so every route that takes a channel gets
/// <see cref="Slashed"/>, the slashed name, percent-encoded.
/// </summary>
internal sealed class RouteWorld(RouteMatrixServer server, RouteMatrixServer.Clients clients)
{
    public const string Slashed = "ubuntu-touch/stable/ubuntu";

    /// <summary>A second channel: the source of copies and promotions, an alias's target.</summary>
    public const string Source = "ubuntu-touch/devel/ubuntu";

    public const string Mako = "mako";

    /// <summary>A channel that never exists.</summary>
    public const string Nowhere = "ubuntu-touch/nowhere/ubuntu";

    /// <summary>The <c>{user}</c> of the user routes: a local account whose name needs percent-encoding in a path.</summary>
    public const string UserName = "ops/alice";

    /// <summary>The account the server made at its first start: the only admin, so it may not be demoted, disabled or removed.</summary>
    public const string FirstAdmin = "admin";

    /// <summary>The password of the accounts arranged here.</summary>
    public const string UserPassword = "correct horse battery staple";

    public static readonly string Segment = Uri.EscapeDataString(Slashed);

    private static readonly Actor Tester = new("route-matrix", "cli");

    /// <summary>Tarball bytes by build number; every file differs between builds.</summary>
    private static readonly Dictionary<int, byte[]> Builds = [];

    public RouteMatrixServer Server => server;

    /// <summary>When <see cref="ResetAsync"/> finished: what the audit log and the jobs held before is older.</summary>
    public DateTimeOffset Started { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>The <c>{id}</c> of jobs and tokens; arrangements set it, otherwise it names nothing.</summary>
    public int Id { get; set; } = 999999;

    /// <summary>The session <see cref="UserAsync"/> signed in.</summary>
    public UserSession? Session { get; private set; }

    /// <summary>The fingerprint of the key <see cref="RevokedKeyAsync"/> revoked.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>The client with exactly this role.</summary>
    public HttpClient As(Role role) => role switch
    {
        Role.Viewer => clients.Viewer,
        Role.Publisher => clients.Publisher,
        _ => clients.Admin,
    };

    /// <summary>A request to <paramref name="route"/> with its parameters filled in (or replaced by the named arguments).</summary>
    public HttpRequestMessage Request(
        MatrixRoute route, string? query = null, HttpContent? body = null, string? c = null, string? d = null, string? v = null, string? id = null, string? name = null, string? user = null)
    {
        var path = route.Template
            .Replace("{c}", Uri.EscapeDataString(c ?? Slashed), StringComparison.Ordinal)
            .Replace("{d}", Uri.EscapeDataString(d ?? Mako), StringComparison.Ordinal)
            .Replace("{v}", v ?? "1", StringComparison.Ordinal)
            .Replace("{id}", id ?? Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{name}", name ?? "image-signing", StringComparison.Ordinal)
            .Replace("{user}", Uri.EscapeDataString(user ?? UserName), StringComparison.Ordinal);
        return new HttpRequestMessage(new HttpMethod(route.Method), new Uri($"/api/v1{path}{query}", UriKind.Relative)) { Content = body };
    }

    public static JsonContent Json(object body) => JsonContent.Create(body);

    public static StringContent PlainText(string text) => new(text, Encoding.UTF8, "text/plain");

    /// <summary>A multipart upload with the <c>ubuntu</c> part of build <paramref name="build"/>, and form fields.</summary>
    public static MultipartFormDataContent Upload(int build, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var tarball = new ByteArrayContent(BuildBytes(build));
        tarball.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(tarball, "ubuntu", "rootfs.tar.gz");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    /// <summary>
    /// Removes every channel and cancels the runs <see cref="QueuedJobAsync"/> left queued, so each test starts from an
    /// empty tree whatever the one before left.
    /// </summary>
    public async Task ResetAsync()
    {
        await using (var db = await server.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
        {
            await db.ImportRuns.Where(r => r.State == ImportRunState.Queued && r.JobId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ImportRunState.Cancelled));
        }

        var channels = server.Get<ChannelService>();
        for (var round = 0; round < 5 && (await server.Get<ChannelQueries>().ListAsync(default)).Count > 0; round++)
        {
            foreach (var channel in await server.Get<ChannelQueries>().ListAsync(default))
            {
                // The target of an alias or redirect refuses to go before it; the next round removes the target.
                await channels.RemoveAsync(channel.Name, Tester, default);
            }
        }

        Assert.Empty(await server.Get<ChannelQueries>().ListAsync(default));
        foreach (var user in await server.Get<UserService>().ListAsync(default))
        {
            if (user.Name != FirstAdmin)
            {
                Ensure(await server.Get<UserService>().RemoveAsync(user.Name, Tester, default));
            }
        }

        Session = null;
        Started = server.Get<TimeProvider>().GetUtcNow();
    }

    public async Task ChannelAsync(string name, params string[] devices)
    {
        Ensure(await server.Get<ChannelService>().CreateAsync(name, false, Tester, default));
        foreach (var device in devices)
        {
            Ensure(await server.Get<DeviceService>().CreateAsync(name, device, false, Tester, default));
        }
    }

    public async Task AliasAsync(string name, string target) =>
        Ensure(await server.Get<ChannelService>().CreateAliasAsync(name, target, Tester, default));

    public async Task RedirectAsync(string name, string target) =>
        Ensure(await server.Get<ChannelService>().CreateRedirectAsync(name, target, Tester, default));

    /// <summary>Device <paramref name="device"/> of <paramref name="channel"/> as a per-device redirect to <paramref name="target"/>.</summary>
    public async Task DeviceRedirectAsync(string channel, string device, string target) =>
        Ensure(await server.Get<DeviceService>().CreateRedirectAsync(channel, device, target, Tester, default));

    /// <summary>Publishes build <paramref name="build"/> as the next full image of <see cref="Mako"/> of <paramref name="channel"/>.</summary>
    public async Task ImageAsync(string channel, int build)
    {
        var file = Path.Combine(server.DataDir, $"upload-{Guid.NewGuid():N}.tar.gz");
        await File.WriteAllBytesAsync(file, BuildBytes(build));
        Ensure(await server.Get<ImageService>().PublishAsync(new PublishImageRequest(channel, Mako, [new PartInput("ubuntu", file)]), Tester, default));
        File.Delete(file);
    }

    /// <summary>Copies the latest full image of <see cref="Mako"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task CopyAsync(string from, string to) =>
        Ensure(await server.Get<ImageCopyService>().CopyAsync(new CopyImageRequest(from, to, Mako), Tester, default));

    public async Task PauseAsync(string channel) =>
        Ensure(await server.Get<ImporterConfigService>().SetPausedAsync(channel, true, Tester, default));

    /// <summary>An import run of <paramref name="channel"/> that stays queued (no background job runs it) until the next <see cref="ResetAsync"/>.</summary>
    public async Task QueuedJobAsync(string channel) =>
        Id = await server.Get<ImportRuns>().QueueAsync(channel, "route-matrix", Tester, default);

    /// <summary>An automatic channel with <see cref="Mako"/> importing from the test generator.</summary>
    public Task AutoChannelAsync(string name) => server.CreateAutoChannelAsync(name);

    /// <summary>A finished (skipped) import run of <paramref name="channel"/>; sets <see cref="Id"/> to it.</summary>
    public async Task SkippedJobAsync(string channel) =>
        Id = await server.Get<ImportRuns>().RecordSkippedAsync(channel, "route-matrix", Tester, "skipped for the route matrix", default);

    /// <summary>A viewer token; sets <see cref="Id"/> to it.</summary>
    public async Task TokenAsync()
    {
        var (result, token, _) = await server.Get<TokenService>().CreateAsync("route-matrix-token", Role.Viewer, null, Tester, default);
        Ensure(result);
        Id = token!.Id;
    }

    /// <summary>The publisher <see cref="UserName"/>, signed in once (<see cref="Session"/>).</summary>
    public async Task UserAsync()
    {
        Ensure(await server.Get<UserService>().AddAsync(UserName, Role.Publisher, UserPassword, Tester, default));
        Session = (await server.Get<UserSessions>().SignInAsync(UserName, UserPassword, "127.0.0.1", default)).Session;
        Assert.NotNull(Session);
    }

    /// <summary>Whether <see cref="Session"/> would still be let in.</summary>
    public Task<bool> SessionIsCurrentAsync() =>
        server.Get<UserSessions>().IsCurrentAsync(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(UserClaims.ForSession(Session!), "test")), default);

    /// <summary>Revokes a key the server never held, supplied as a vendor would export it; sets <see cref="Fingerprint"/> to it.</summary>
    public async Task RevokedKeyAsync()
    {
        var key = ForeignKey.Create();
        Ensure((await server.Get<KeyRevocation>().RevokeAsync(key.Fingerprint, Encoding.ASCII.GetBytes(key.Armored), "arranged", Tester, default)).Result);
        Fingerprint = key.Fingerprint;
    }

    /// <summary>Waits for job <paramref name="id"/> to finish; returns its state.</summary>
    public async Task<ImportRunState> FinishedJobAsync(int id)
    {
        var runs = server.Get<ImportRuns>();
        ImportRunState state = default;
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
        {
            state = (await runs.GetAsync(id, default))!.State;
            return state is not (ImportRunState.Queued or ImportRunState.Running);
        }, 30), $"job {id} is still {state}");
        return state;
    }

    /// <summary>Everything a request could change: channels and devices, the audit log, the jobs and the files of the tree.</summary>
    public async Task<string> SnapshotAsync()
    {
        var root = Path.Combine(server.DataDir, "www");
        var tree = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(root, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}");
        var runs = (await server.Get<ImportRunQueries>().RecentAsync(null, null, 1000, default)).Select(r => $"{r.Id} {r.Channel} {r.State}");
        return JsonSerializer.Serialize(new
        {
            channels = await server.Get<ChannelQueries>().ListAsync(default),
            users = await server.Get<UserService>().ListAsync(default),
            audit = await server.Get<AuditQueries>().ListAsync(null, null, 1000, default),
            runs,
            tree,
        });
    }

    private static byte[] BuildBytes(int build)
    {
        lock (Builds)
        {
            if (!Builds.TryGetValue(build, out var bytes))
            {
                var file = SimpleTarball.WriteBuild(Path.Combine(Path.GetTempPath(), $"route-matrix-{Guid.NewGuid():N}.tar.gz"), build, files: 20, share: 1);
                Builds[build] = bytes = File.ReadAllBytes(file);
                File.Delete(file);
            }

            return bytes;
        }
    }

    private static void Ensure(OperationResult result) => Assert.True(result.Succeeded, result.Message);
}
