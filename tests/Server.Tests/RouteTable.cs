using System.Net;
using System.Text.Json.Nodes;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Rollouts;
using SystemImage.Core.Security;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;
using static SystemImage.Server.Tests.RouteWorld;

namespace SystemImage.Server.Tests;

/// <summary>
/// Every route of API.md, one row each, with the role API.md requires (viewer: all GETs; publisher: imports, uploads,
/// copy, tag, phase, descriptions, remove image; admin: channels, devices, aliases, redirects, config, keys, tokens,
/// tree maintenance, users) and a successful call. <c>promote</c>, <c>GET /tokens/{id}</c> and <c>POST /jobs/{id}/cancel</c>
/// (admin) are mapped beyond API.md's table; they are here so the matrix covers every mapped route.
/// </summary>
internal static class RouteTable
{
    private const string Images = "/channels/{c}/devices/{d}/images";

    public static IReadOnlyList<MatrixRoute> Rows { get; } =
    [
        new("GET", "/channels", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Expect = (_, _, json) =>
            {
                var channel = json!.AsArray().Single(c => Text(c, "name") == Slashed);
                Assert.Equal(("manual", false, false), (Text(channel, "type"), channel!["hidden"]!.GetValue<bool>(), channel["paused"]!.GetValue<bool>()));
                Assert.Equal([Mako], channel["devices"]!.AsArray().Select(d => d!.GetValue<string>()));
            },
        },
        new("POST", "/channels", Role.Admin, HttpStatusCode.Created)
        {
            ArrangeAsync = w => w.ChannelAsync(Source, Mako),
            Body = () => Json(new { name = Slashed, copyDevicesFrom = Source }),
            Expect = (_, response, json) =>
            {
                Assert.Equal($"/api/v1/channels/{Segment}", response.Headers.Location!.OriginalString);
                Assert.Equal((Slashed, "manual"), (Text(json, "name"), Text(json, "type")));
                Assert.Equal(Mako, Text(json!["devices"]![0], "name"));
            },
        },
        new("GET", "/channels/{c}", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Expect = (_, _, json) =>
            {
                Assert.Equal((Slashed, "manual"), (Text(json, "name"), Text(json!["config"], "type")));
                Assert.Equal($"/{Slashed}/{Mako}/index.json", Text(json["devices"]![0], "index"));
            },
        },
        new("GET", "/channels/{c}/downloads", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Expect = (_, _, json) =>
            {
                Assert.Equal(Slashed, Text(json, "channel"));
                Assert.Empty(json!["days"]!.AsArray());
            },
        },
        new("GET", "/releases", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Expect = (_, _, json) =>
            {
                var device = json!["devices"]!.AsArray().Single(d => Text(d, "device") == Mako);
                Assert.Contains(device!["builds"]!.AsArray(), b => b!["channels"]!.AsArray().Any(c => Text(c, "channel") == Slashed));
            },
        },
        new("PATCH", "/channels/{c}", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Body = () => Json(new { hidden = true }),
            Expect = (_, _, json) => Assert.Equal((Slashed, true), (Text(json, "name"), json!["hidden"]!.GetValue<bool>())),
        },
        new("POST", "/channels/{c}/rename", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Body = () => Json(new { newName = "ubuntu-touch/stable/renamed" }),
            Expect = (_, _, json) => Assert.Equal(("ubuntu-touch/stable/renamed", Mako), (Text(json, "name"), Text(json!["devices"]![0], "name"))),
            AfterAsync = async (w, _) => Assert.Equal("ubuntu-touch/stable/renamed", (await w.Server.Get<ChannelQueries>().FindOrNullAsync(Slashed, default))!.Redirect),
        },
        new("DELETE", "/channels/{c}", Role.Admin, HttpStatusCode.NoContent)
        {
            ArrangeAsync = Basic,
            AfterAsync = async (w, _) => Assert.Null(await w.Server.Get<ChannelQueries>().FindOrNullAsync(Slashed, default)),
        },
        new("POST", "/channels/{c}/promote", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = FromSource,
            Body = () => Json(new { fromChannel = Source }),
            Expect = (_, _, json) => Assert.Equal((Mako, 1), (Text(json!["devices"]![0], "device"), json["devices"]![0]!["newVersion"]!.GetValue<int>())),
        },
        new("PUT", "/channels/{c}/phased-percentage", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Body = () => Json(new { percentage = 30 }),
            Expect = (_, _, json) =>
            {
                Assert.StartsWith("Phased 1 of 1 device(s)", Text(json, "message"), StringComparison.Ordinal);
                Assert.Equal((Mako, 100, 30), (Text(json!["devices"]![0], "device"), json["devices"]![0]!["currentPercentage"]!.GetValue<int>(), json["devices"]![0]!["newPercentage"]!.GetValue<int>()));
            },
            AfterAsync = async (w, _) => Assert.Equal(30, (await w.Server.Get<ImageQueries>().ListOrNullAsync(Slashed, Mako, default))![0].PhasedPercentage),
        },
        new("POST", "/channels/{c}/revert", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = TwoImagesOfSlashed,
            Expect = (_, _, json) =>
            {
                Assert.StartsWith("Reverted 1 of 1 device(s)", Text(json, "message"), StringComparison.Ordinal);
                Assert.Equal((2, 1, 3), (json!["devices"]![0]!["badVersion"]!.GetValue<int>(), json["devices"]![0]!["goodVersion"]!.GetValue<int>(), json["devices"]![0]!["newVersion"]!.GetValue<int>()));
            },
            AfterAsync = async (w, _) => Assert.NotNull((await w.Server.Get<ImageQueries>().ListOrNullAsync(Slashed, Mako, default))!.First(i => i.Version == 2).RevertedAt),
        },
        new("POST", "/channels/{c}/rollout", Role.Publisher, HttpStatusCode.Created)
        {
            ArrangeAsync = WithImage,
            Body = () => Json(new { steps = "10@now,100@+1d", window = "Mon-Sun 00-24" }),
            Expect = (_, response, json) =>
            {
                Assert.Equal($"/api/v1/channels/{Segment}/rollout", response.Headers.Location!.OriginalString);
                Assert.Equal(("active", "done", "next"), (Text(json, "state"), Text(json!["steps"]![0], "status"), Text(json["steps"]![1], "status")));
            },
            AfterAsync = async (w, _) => Assert.Equal(10, (await w.Server.Get<ImageQueries>().ListOrNullAsync(Slashed, Mako, default))![0].PhasedPercentage),
        },
        new("GET", "/channels/{c}/rollout", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = WithRollout,
            Expect = (_, _, json) => Assert.Equal(("active", Mako, 1), (Text(json, "state"), Text(json!["devices"]![0], "device"), json["devices"]![0]!["version"]!.GetValue<int>())),
        },
        new("POST", "/channels/{c}/rollout/pause", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = WithRollout,
            Expect = (_, _, json) => Assert.Equal(("paused", "paused"), (Text(json, "state"), Text(json!["steps"]![1], "status"))),
        },
        new("POST", "/channels/{c}/rollout/resume", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = async w =>
            {
                await WithRollout(w);
                Assert.True((await w.Server.Get<RolloutService>().PauseAsync(Slashed, new Actor("setup", "cli"), default)).Result.Succeeded);
            },
            Expect = (_, _, json) => Assert.Equal("active", Text(json, "state")),
        },
        new("POST", "/channels/{c}/rollout/halt", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = WithRollout,
            Body = () => Json(new { reason = "boot loop" }),
            Expect = (_, _, json) => Assert.Equal(("halted", "boot loop"), (Text(json, "state"), Text(json, "endReason"))),
            AfterAsync = async (w, _) => Assert.Equal(0, (await w.Server.Get<ImageQueries>().ListOrNullAsync(Slashed, Mako, default))![0].PhasedPercentage),
        },
        new("GET", "/channels/{c}/promote", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = FromSource,
            Query = _ => $"?fromChannel={Uri.EscapeDataString(Source)}",
            Expect = (_, _, json) =>
            {
                Assert.StartsWith("Would promote", Text(json, "message"), StringComparison.Ordinal);
                Assert.Equal(Mako, Text(json!["devices"]![0], "device"));
            },
        },
        new("GET", "/channels/{c}/devices", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Expect = (_, _, json) => Assert.Equal((Mako, $"/{Slashed}/{Mako}/index.json"), (Text(json![0], "name"), Text(json[0], "index"))),
        },
        new("POST", "/channels/{c}/devices", Role.Admin, HttpStatusCode.Created)
        {
            ArrangeAsync = w => w.ChannelAsync(Slashed),
            Body = () => Json(new { name = Mako }),
            Expect = (_, response, json) =>
            {
                Assert.Equal($"/api/v1/channels/{Segment}/devices/{Mako}", response.Headers.Location!.OriginalString);
                Assert.Equal((Mako, $"/{Slashed}/{Mako}/index.json"), (Text(json, "name"), Text(json, "index")));
            },
        },
        new("DELETE", "/channels/{c}/devices/{d}", Role.Admin, HttpStatusCode.NoContent)
        {
            ArrangeAsync = Basic,
            AfterAsync = async (w, _) => Assert.Empty((await w.Server.Get<ChannelQueries>().FindOrNullAsync(Slashed, default))!.Devices),
        },
        new("PUT", "/channels/{c}/devices/{d}/keyring", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Expect = (_, _, json) => Assert.Equal($"/{Slashed}/{Mako}/device.tar.xz", Text(json, "keyring")),
        },
        new("GET", Images, Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Query = _ => "?type=full",
            Expect = (_, _, json) =>
            {
                var image = json!.AsArray().Single();
                Assert.Equal(("full", 1, 100), (Text(image, "type"), image!["version"]!.GetValue<int>(), image["phasedPercentage"]!.GetValue<int>()));
                Assert.NotEmpty(image["files"]!.AsArray());
            },
        },
        new("POST", Images, Role.Publisher, HttpStatusCode.Created)
        {
            ArrangeAsync = Basic,
            Body = () => Upload(1, ("description", "First"), ("phasedPercentage", "40")),
            Expect = (_, response, json) =>
            {
                Assert.Equal($"/api/v1/channels/{Segment}/devices/{Mako}/images/1", response.Headers.Location!.OriginalString);
                Assert.Equal(("full", 1, "First", 40), (Text(json, "type"), json!["version"]!.GetValue<int>(), Text(json, "description"), json["phasedPercentage"]!.GetValue<int>()));
            },
        },
        new("GET", Images + "/{v}", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Expect = (_, _, json) => Assert.Equal(("full", 1), (Text(json, "type"), json!["version"]!.GetValue<int>())),
        },
        new("DELETE", Images + "/{v}", Role.Publisher, HttpStatusCode.NoContent)
        {
            ArrangeAsync = WithImage,
            AfterAsync = async (w, _) => Assert.Empty((await w.Server.Get<ImageQueries>().ListOrNullAsync(Slashed, Mako, default))!),
        },
        new("PUT", Images + "/{v}/phased-percentage", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Body = () => Json(new { percentage = 50 }),
            Expect = (_, _, json) => Assert.Equal((1, 50), (json!["version"]!.GetValue<int>(), json["phasedPercentage"]!.GetValue<int>())),
        },
        new("PUT", Images + "/{v}/description", Role.Publisher, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Body = () => Json(new { description = "Fixes", translations = new Dictionary<string, string> { ["de"] = "Korrekturen" } }),
            Expect = (_, _, json) => Assert.Equal((1, "Fixes"), (json!["version"]!.GetValue<int>(), Text(json, "description"))),
        },
        new("POST", Images + "/{v}/tag", Role.Publisher, HttpStatusCode.Created)
        {
            ArrangeAsync = WithImage,
            Body = () => Json(new { tag = "rc1" }),
            Expect = (_, response, json) =>
            {
                Assert.Equal($"/api/v1/channels/{Segment}/devices/{Mako}/images/2", response.Headers.Location!.OriginalString);
                Assert.Equal(2, json!["version"]!.GetValue<int>());
                Assert.EndsWith("tag=rc1,version=2", Text(json, "versionDetail"), StringComparison.Ordinal);
            },
        },
        new("POST", Images + "/copy", Role.Publisher, HttpStatusCode.Created)
        {
            ArrangeAsync = FromSource,
            Body = () => Json(new { fromChannel = Source, phasedPercentage = 10 }),
            Expect = (_, _, json) => Assert.Equal(("full", 1, 10), (Text(json, "type"), json!["version"]!.GetValue<int>(), json["phasedPercentage"]!.GetValue<int>())),
        },
        new("GET", "/channels/{c}/config", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Expect = (_, _, json) => Assert.Equal(("manual", 1, false), (Text(json, "type"), json!["versionBase"]!.GetValue<int>(), json["paused"]!.GetValue<bool>())),
        },
        new("PUT", "/channels/{c}/config", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = Basic,
            Body = () => Json(new { type = "manual", versionBase = 10, fullCount = 2, deltaBase = new[] { Slashed } }),
            Expect = (_, _, json) =>
            {
                Assert.Equal(("manual", 10, 2), (Text(json, "type"), json!["versionBase"]!.GetValue<int>(), json["fullCount"]!.GetValue<int>()));
                Assert.Equal(Slashed, json["deltaBase"]![0]!.GetValue<string>());
            },
        },
        new("POST", "/config/import-ini", Role.Admin, HttpStatusCode.OK)
        {
            Body = () => PlainText($"[global]\nchannels = {Slashed}\n\n[channel_{Slashed}]\ntype = manual\nfullcount = 3\n"),
            Expect = (_, _, json) =>
            {
                var configured = json!.AsArray().Single()!;
                Assert.Equal((Slashed, true, 3), (Text(configured, "name"), configured["created"]!.GetValue<bool>(), configured["config"]!["fullCount"]!.GetValue<int>()));
            },
            AfterAsync = async (w, _) => Assert.NotNull(await w.Server.Get<ChannelQueries>().FindOrNullAsync(Slashed, default)),
        },
        new("POST", "/channels/{c}/import", Role.Publisher, HttpStatusCode.Accepted)
        {
            ArrangeAsync = w => w.AutoChannelAsync(Slashed),
            Expect = (_, response, json) => Assert.Equal($"/api/v1/jobs/{json!["jobId"]}", response.Headers.Location!.OriginalString),
            AfterAsync = async (w, json) => Assert.Equal(ImportRunState.Succeeded, await w.FinishedJobAsync(json!["jobId"]!.GetValue<int>())),
        },
        new("GET", "/jobs", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = async w =>
            {
                await w.SkippedJobAsync(Source);
                await w.SkippedJobAsync(Slashed);
            },
            Query = _ => $"?channel={Segment}",
            Expect = (w, _, json) =>
            {
                Assert.All(json!.AsArray(), job => Assert.Equal(Slashed, Text(job, "channel")));
                Assert.Contains(json.AsArray(), job => job!["id"]!.GetValue<int>() == w.Id && Text(job, "state") == "skipped");
            },
        },
        new("GET", "/jobs/{id}", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.SkippedJobAsync(Slashed),
            Expect = (w, _, json) =>
            {
                Assert.Equal((w.Id, "import", Slashed, "skipped"), (json!["id"]!.GetValue<int>(), Text(json, "kind"), Text(json, "channel"), Text(json, "state")));
                Assert.NotEmpty(json["log"]!.AsArray());
            },
        },
        new("POST", "/jobs/{id}/cancel", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.QueuedJobAsync(Slashed),
            Expect = (w, _, json) =>
            {
                Assert.Equal((w.Id, Slashed, "cancelled"), (json!["id"]!.GetValue<int>(), Text(json, "channel"), Text(json, "state")));
                Assert.StartsWith("Cancelled by ", Text(json, "summary"), StringComparison.Ordinal);
            },
            AfterAsync = async (w, _) => Assert.Equal(ImportRunState.Cancelled, await w.FinishedJobAsync(w.Id)),
        },
        new("GET", "/tree/check", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Expect = (_, _, json) =>
            {
                Assert.Empty(json!["missing"]!.AsArray());
                Assert.NotNull(json["orphaned"]);
            },
        },
        new("POST", "/tree/cleanup", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = WithImage,
            Expect = (_, _, json) => Assert.NotNull(json!["removed"]!.AsArray()),
        },
        new("POST", "/tree/resign", Role.Admin, HttpStatusCode.Accepted)
        {
            ArrangeAsync = WithImage,
            Expect = (_, response, json) => Assert.Equal($"/api/v1/jobs/{json!["jobId"]}", response.Headers.Location!.OriginalString),
            AfterAsync = async (w, json) => Assert.Equal(ImportRunState.Succeeded, await w.FinishedJobAsync(json!["jobId"]!.GetValue<int>())),
        },
        new("GET", "/keyrings", Role.Viewer, HttpStatusCode.OK)
        {
            Expect = (_, _, json) =>
            {
                var signing = json!.AsArray().Single(k => Text(k, "name") == "image-signing");
                Assert.Matches("^[0-9A-F]{40}$", signing!["fingerprints"]![0]!.GetValue<string>());
                Assert.NotNull(signing["expiry"]);
            },
        },
        new("POST", "/keyrings/{name}/rotate", Role.Admin, HttpStatusCode.Accepted)
        {
            Expect = (_, response, json) => Assert.Equal($"/api/v1/jobs/{json!["jobId"]}", response.Headers.Location!.OriginalString),
            AfterAsync = async (w, json) => Assert.Equal(ImportRunState.Succeeded, await w.FinishedJobAsync(json!["jobId"]!.GetValue<int>())),
        },
        new("POST", "/adopt-tree", Role.Admin, HttpStatusCode.OK)
        {
            Body = () => Json(new { root = "/nonexistent/classic", dryRun = true }),
            Expect = (_, _, json) =>
            {
                Assert.False(json!["canAdopt"]!.GetValue<bool>());
                Assert.Contains("is not a directory", json["problems"]![0]!.GetValue<string>());
            },
        },
        new("GET", "/keyrings/blacklist", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.RevokedKeyAsync(),
            Expect = (w, _, json) =>
            {
                var key = json!.AsArray().Single(k => Text(k, "fingerprint") == w.Fingerprint);
                Assert.Equal(("from file", "route-matrix (cli)", "arranged"), (Text(key, "label"), Text(key, "revokedBy"), Text(key, "reason")));
                Assert.NotNull(key!["revokedAt"]);
            },
        },
        new("POST", "/keyrings/blacklist", Role.Admin, HttpStatusCode.OK)
        {
            Body = () =>
            {
                var key = ForeignKey.Create();
                return Json(new { fingerprint = key.Fingerprint.ToLowerInvariant(), publicKey = key.Armored, reason = "leaked" });
            },
            Expect = (_, _, json) =>
            {
                Assert.Matches("^[0-9A-F]{40}$", Text(json, "fingerprint"));
                Assert.Equal(("from file", "leaked"), (Text(json, "label"), Text(json, "reason")));
                Assert.StartsWith("Revoked from file key", Text(json, "message"), StringComparison.Ordinal);
            },
            AfterAsync = (w, json) =>
            {
                var blacklist = TrustedKeys.FromKeyringTarXz(File.ReadAllBytes(Path.Combine(w.Server.DataDir, "www", "gpg", "blacklist.tar.xz")));
                Assert.Contains(Text(json, "fingerprint"), blacklist.Fingerprints);
                return Task.CompletedTask;
            },
        },
        new("GET", "/audit", Role.Viewer, HttpStatusCode.OK)
        {
            ArrangeAsync = async w =>
            {
                await w.ChannelAsync(Source);
                await w.ChannelAsync(Slashed);
            },
            Query = w => $"?channel={Segment}&since={Uri.EscapeDataString(w.Started.ToString("O"))}",
            Expect = (_, _, json) =>
            {
                var entry = json!.AsArray().Single();
                Assert.Equal(("route-matrix", "create-channel", Slashed), (Text(entry, "actor"), Text(entry, "action"), Text(entry, "target")));
                Assert.NotNull(entry!["at"]);
            },
        },
        new("GET", "/tokens", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.TokenAsync(),
            Expect = (w, _, json) =>
            {
                var token = json!.AsArray().Single(t => t!["id"]!.GetValue<int>() == w.Id);
                Assert.Equal(("route-matrix-token", "viewer"), (Text(token, "name"), Text(token, "role")));
                Assert.Null(token!["secret"]);
            },
        },
        new("POST", "/tokens", Role.Admin, HttpStatusCode.Created)
        {
            Body = () => Json(new { name = "route-matrix-bot", role = "publisher", expiresAt = DateTimeOffset.UtcNow.AddDays(1) }),
            Expect = (_, response, json) =>
            {
                Assert.Equal($"/api/v1/tokens/{json!["token"]!["id"]}", response.Headers.Location!.OriginalString);
                Assert.Equal(("route-matrix-bot", "publisher"), (Text(json["token"], "name"), Text(json["token"], "role")));
                Assert.StartsWith("sis_", Text(json, "secret"), StringComparison.Ordinal);
            },
        },
        new("GET", "/tokens/{id}", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.TokenAsync(),
            Expect = (w, _, json) => Assert.Equal((w.Id, "route-matrix-token"), (json!["id"]!.GetValue<int>(), Text(json, "name"))),
        },
        new("DELETE", "/tokens/{id}", Role.Admin, HttpStatusCode.NoContent)
        {
            ArrangeAsync = w => w.TokenAsync(),
            AfterAsync = async (w, _) => Assert.NotNull((await w.Server.Get<SystemImage.Core.Security.TokenService>().GetAsync(w.Id, default))!.RevokedAt),
        },
        new("GET", "/users", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.UserAsync(),
            Expect = (_, _, json) =>
            {
                var user = json!.AsArray().Single(u => Text(u, "name") == UserName);
                Assert.Equal(("publisher", "active", false), (Text(user, "role"), Text(user, "state"), user!["mustChangePassword"]!.GetValue<bool>()));
                Assert.Equal(["createdAt", "disabled", "id", "lastSignInAt", "lockedUntil", "mustChangePassword", "name", "role", "state"], user.AsObject().Select(p => p.Key).Order());
            },
        },
        new("POST", "/users", Role.Admin, HttpStatusCode.Created)
        {
            Body = () => Json(new { name = UserName, role = "viewer" }),
            Expect = (_, response, json) =>
            {
                Assert.Equal("/api/v1/users/ops%2Falice", response.Headers.Location!.OriginalString);
                Assert.Equal((UserName, "viewer", true), (Text(json!["user"], "name"), Text(json["user"], "role"), json["user"]!["mustChangePassword"]!.GetValue<bool>()));
                Assert.Equal(24, Text(json, "password").Length);
            },
            AfterAsync = async (w, json) =>
            {
                var outcome = await w.Server.Get<UserSessions>().SignInAsync(UserName, Text(json, "password"), "127.0.0.1", default);
                Assert.True(outcome.Session!.User.MustChangePassword);
            },
        },
        new("GET", "/users/{user}", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.UserAsync(),
            Expect = (_, _, json) => Assert.Equal((UserName, "publisher", "active"), (Text(json, "name"), Text(json, "role"), Text(json, "state"))),
        },
        new("PATCH", "/users/{user}", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.UserAsync(),
            Body = () => Json(new { role = "viewer", disabled = true }),
            Expect = (_, _, json) => Assert.Equal(("viewer", true, "disabled"), (Text(json, "role"), json!["disabled"]!.GetValue<bool>(), Text(json, "state"))),
            AfterAsync = async (w, _) => Assert.False(await w.SessionIsCurrentAsync()),
        },
        new("PUT", "/users/{user}/password", Role.Admin, HttpStatusCode.OK)
        {
            ArrangeAsync = w => w.UserAsync(),
            Body = () => Json(new { password = "a one-time password" }),
            Expect = (_, _, json) =>
            {
                Assert.True(json!["user"]!["mustChangePassword"]!.GetValue<bool>());
                Assert.Null(json["password"]);
                Assert.StartsWith("Set a one-time password for 'ops/alice'", Text(json, "message"), StringComparison.Ordinal);
            },
            AfterAsync = async (w, _) =>
            {
                Assert.False(await w.SessionIsCurrentAsync());
                Assert.NotNull((await w.Server.Get<UserSessions>().SignInAsync(UserName, "a one-time password", "127.0.0.1", default)).Session);
            },
        },
        new("DELETE", "/users/{user}", Role.Admin, HttpStatusCode.NoContent)
        {
            ArrangeAsync = w => w.UserAsync(),
            AfterAsync = async (w, _) =>
            {
                Assert.Null(await w.Server.Get<UserService>().GetOrNullAsync(UserName, default));
                Assert.False(await w.SessionIsCurrentAsync());
            },
        },
    ];

    public static MatrixRoute Find(string key) => Rows.Single(r => r.Key == key);

    /// <summary><see cref="RouteWorld.Slashed"/> with <see cref="RouteWorld.Mako"/>.</summary>
    public static Task Basic(RouteWorld world) => world.ChannelAsync(Slashed, Mako);

    /// <summary><see cref="Basic"/> with image 1.</summary>
    public static async Task WithImage(RouteWorld world)
    {
        await Basic(world);
        await world.ImageAsync(Slashed, 1);
    }

    /// <summary><see cref="RouteWorld.Source"/> with image 1 of its device, and <see cref="Basic"/>: ready to copy or promote.</summary>
    public static async Task FromSource(RouteWorld world)
    {
        await world.ChannelAsync(Source, Mako);
        await world.ImageAsync(Source, 1);
        await Basic(world);
    }

    /// <summary><see cref="WithImage"/> and image 2: version 1 is the good build to revert to.</summary>
    public static async Task TwoImagesOfSlashed(RouteWorld world)
    {
        await WithImage(world);
        await world.ImageAsync(Slashed, 2);
    }

    /// <summary><see cref="WithImage"/> with a rollout at 10% whose next step (100%) is a day away.</summary>
    public static async Task WithRollout(RouteWorld world)
    {
        await WithImage(world);
        Assert.True((await world.Server.Get<RolloutService>().StartAsync(Slashed, "10@now,100@+1d", null, null, new Actor("setup", "cli"), default)).Result.Succeeded);
    }

    public static string Text(JsonNode? node, string key) => node![key]!.GetValue<string>();
}
