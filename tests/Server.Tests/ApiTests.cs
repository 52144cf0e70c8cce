using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The REST API over a real Kestrel on 127.0.0.1: success, 400, 401, 403 at each role boundary, 404 and 409.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ApiTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private const string Slashed = "ubuntu-touch/stable/ubuntu";
    private static readonly string SlashedSegment = Uri.EscapeDataString(Slashed);

    [Fact]
    public async Task WithoutAValidTokenEverythingButTheTreeAndHealthIs401()
    {
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        var response = await anonymous.GetAsync(new Uri("/api/v1/channels", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        using var wrong = ApiClient.WithSecret(server, "sis_not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/channels.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task RolesIncludeTheOnesBeforeThem()
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);
        using var publisher = await ApiClient.WithRoleAsync(server, Role.Publisher);
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/channels", new { name = "roles" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.PostAsJsonAsync("/api/v1/channels", new { name = "roles" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "roles" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(new Uri("/api/v1/channels/roles/import", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await publisher.PostAsync(new Uri("/api/v1/channels/roles/import", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task AChannelNameWithSlashesWorksInEveryChannelRoute()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);

        var created = await admin.PostAsJsonAsync("/api/v1/channels", new { name = Slashed });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/channels/{SlashedSegment}", created.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/channels", new { name = Slashed })).StatusCode);
        var got = await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/channels/{SlashedSegment}", UriKind.Relative)));
        Assert.Equal(Slashed, got["name"]!.GetValue<string>());
        Assert.Equal("manual", got["type"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/api/v1/channels/{SlashedSegment}/devices", new { name = "mako" })).StatusCode);
        var devices = await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/channels/{SlashedSegment}/devices", UriKind.Relative)));
        Assert.Equal($"/{Slashed}/mako/index.json", devices[0]!["index"]!.GetValue<string>());
        var patched = await admin.PatchAsJsonAsync($"/api/v1/channels/{SlashedSegment}", new { hidden = true });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.True((await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/channels/{SlashedSegment}", UriKind.Relative))))["hidden"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/v1/channels/{SlashedSegment}/config", UriKind.Relative))).StatusCode);

        var renamed = await admin.PostAsJsonAsync($"/api/v1/channels/{SlashedSegment}/rename", new { newName = "ubuntu-touch/stable/renamed" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var renamedSegment = Uri.EscapeDataString("ubuntu-touch/stable/renamed");
        var left = await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/channels/{SlashedSegment}", UriKind.Relative)));
        Assert.Equal("ubuntu-touch/stable/renamed", left["redirect"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync(new Uri($"/api/v1/channels/{renamedSegment}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/channels/{SlashedSegment}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/channels/{renamedSegment}/devices/mako", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/channels/{renamedSegment}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri($"/api/v1/channels/{renamedSegment}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ErrorsAreProblemDetailsWithTheReason()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);

        var bad = await admin.PostAsJsonAsync("/api/v1/channels", new { name = "api/x", alias = "a", redirect = "b" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        Assert.Contains("cannot both be given", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        var reserved = await admin.PostAsJsonAsync("/api/v1/channels", new { name = "api/x" });
        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);
        Assert.Contains("reserved", (await reserved.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("/api/v1/channels/nowhere", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("/api/v1/jobs/999999", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ConfigureImportAndFollowTheJob()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        using var publisher = await ApiClient.WithRoleAsync(server, Role.Publisher);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "api-auto" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/channels/api-auto/devices", new { name = "mako" })).StatusCode);
        var inputs = Path.Combine(server.DataDir, "inputs", "api-auto");
        Directory.CreateDirectory(inputs);
        SimpleTarball.WriteBuild(Path.Combine(inputs, "all.tar.gz"), 1);

        var refused = await admin.PutAsJsonAsync("/api/v1/channels/api-auto/config", new
        {
            type = "auto",
            files = new[] { new { name = "ubuntu", generator = "nothing-like-this", arguments = new[] { inputs } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var config = await admin.PutAsJsonAsync("/api/v1/channels/api-auto/config", new
        {
            type = "auto",
            fullCount = 3,
            files = new object[]
            {
                new { name = "ubuntu", generator = TarballDirectoryGenerator.GeneratorName, arguments = new[] { inputs } },
                new { name = "version", generator = "version" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        Assert.Equal(3, (await config.Content.ReadFromJsonAsync<JsonObject>())!["fullCount"]!.GetValue<int>());

        var queued = await publisher.PostAsync(new Uri("/api/v1/channels/api-auto/import", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var jobId = (await queued.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<int>();
        JsonNode job = null!;
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
        {
            job = await ApiClient.JsonAsync(publisher.GetAsync(new Uri($"/api/v1/jobs/{jobId}", UriKind.Relative)));
            return job["state"]!.GetValue<string>() is "succeeded" or "failed";
        }));
        Assert.Equal("succeeded", job["state"]!.GetValue<string>());
        Assert.Contains(job["log"]!.AsArray(), line => line!.GetValue<string>().Contains("mako: published version 1", StringComparison.Ordinal));

        var waited = await publisher.PostAsync(new Uri("/api/v1/channels/api-auto/import?wait=true", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal("nothing-new", (await waited.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
        var jobs = await ApiClient.JsonAsync(publisher.GetAsync(new Uri("/api/v1/jobs?channel=api-auto", UriKind.Relative)));
        Assert.Equal(2, jobs.AsArray().Count);

        var ini = new StringContent("[global]\nchannels = api-ini\n", Encoding.UTF8, "text/plain");
        var imported = await admin.PostAsync(new Uri("/api/v1/config/import-ini", UriKind.Relative), ini);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var configured = (await imported.Content.ReadFromJsonAsync<JsonArray>())!.Single()!;
        Assert.Equal(("api-ini", true, "manual"), (configured["name"]!.GetValue<string>(), configured["created"]!.GetValue<bool>(), configured["config"]!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TokensAreShownOnceStoredHashedAndRevocable()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);

        var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "ci-bot", role = "publisher" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = body["secret"]!.GetValue<string>();
        var id = body["token"]!["id"]!.GetValue<int>();
        Assert.StartsWith("sis_", secret);
        Assert.True(secret.Length >= 40);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "x", role = "owner" })).StatusCode);

        var listed = await (await admin.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.Contains("ci-bot", listed);
        Assert.DoesNotContain(secret, listed);
        Assert.DoesNotContain(secret[8..], listed);
        await using (var db = await server.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.ApiTokens.SingleAsync(t => t.Id == id);
            Assert.DoesNotContain(secret[8..], stored.SecretHash + stored.Prefix + stored.Name);
        }

        using var bot = ApiClient.WithSecret(server, secret);
        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/tokens/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.GetAsync(new Uri("/api/v1/channels", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri("/api/v1/tokens/99999", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task TheAuditLogNamesTheTokenAndTheSurface()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin, "release-bot");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "audited" })).StatusCode);

        var entries = await ApiClient.JsonAsync(admin.GetAsync(new Uri("/api/v1/audit?channel=audited", UriKind.Relative)));

        var entry = entries.AsArray().Single()!;
        Assert.Equal(("release-bot", "api", "create-channel"), (entry["actor"]!.GetValue<string>(), entry["surface"]!.GetValue<string>(), entry["action"]!.GetValue<string>()));
        Assert.Null(entry["before"]);
        Assert.Equal("visible channel audited", entry["after"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync(new Uri("/api/v1/audit?since=yesterday", UriKind.Relative))).StatusCode);
        Assert.Empty((await ApiClient.JsonAsync(admin.GetAsync(new Uri("/api/v1/audit?channel=audited&since=2999-01-01T00:00:00Z", UriKind.Relative)))).AsArray());
    }

    [Fact]
    public async Task KeyringsListEveryKeyWithItsFingerprintAndExpiry()
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);

        var keys = (await ApiClient.JsonAsync(viewer.GetAsync(new Uri("/api/v1/keyrings", UriKind.Relative)))).AsArray();

        Assert.Equal(["archive-master", "image-master", "image-signing", "device-signing"], keys.Select(k => k!["name"]!.GetValue<string>()));
        var signing = keys.Single(k => k!["name"]!.GetValue<string>() == "image-signing")!;
        Assert.Matches("^[0-9A-F]{40}$", signing["fingerprints"]![0]!.GetValue<string>());
        Assert.NotNull(signing["expiry"]);
        Assert.Equal("/gpg/image-signing.tar.xz", signing["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task RotatingImageSigningReSignsTheTreeWithTheNewKey()
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        var store = server.Get<SystemImage.Core.Signing.KeyStore>();
        var oldKeyring = store.GetPublicKeyRing(SystemImage.Core.Signing.KeyNames.ImageSigning).GetEncoded();
        var oldFingerprint = store.Describe(SystemImage.Core.Signing.KeyNames.ImageSigning).Fingerprint;
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(new Uri("/api/v1/keyrings/image-signing/rotate", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(new Uri("/api/v1/keyrings/archive-master/rotate", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync(new Uri("/api/v1/keyrings/nope/rotate", UriKind.Relative), null)).StatusCode);

        var queued = await admin.PostAsync(new Uri("/api/v1/keyrings/image-signing/rotate", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var jobId = (await queued.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<int>();
        JsonNode job = null!;
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
        {
            job = await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/jobs/{jobId}", UriKind.Relative)));
            return job["state"]!.GetValue<string>() is "succeeded" or "failed";
        }), job.ToJsonString());
        Assert.Equal(("rotate", "succeeded"), (job["kind"]!.GetValue<string>(), job["state"]!.GetValue<string>()));
        var keys = (await ApiClient.JsonAsync(viewer.GetAsync(new Uri("/api/v1/keyrings", UriKind.Relative)))).AsArray();
        var newFingerprint = keys.Single(k => k!["name"]!.GetValue<string>() == "image-signing")!["fingerprints"]![0]!.GetValue<string>();
        Assert.NotEqual(oldFingerprint, newFingerprint);

        using var gpg = new Gpg();
        var newKeyring = store.GetPublicKeyRing(SystemImage.Core.Signing.KeyNames.ImageSigning).GetEncoded();
        var channels = await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "channels.json"));
        var signature = await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "channels.json.asc"));
        Assert.True(gpg.Verify(newKeyring, signature, channels).IsValid);
        Assert.False(gpg.Verify(oldKeyring, signature, channels).IsValid);
        var master = store.GetPublicKeyRing(SystemImage.Core.Signing.KeyNames.ImageMaster).GetEncoded();
        var keyring = await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "gpg", "image-signing.tar.xz"));
        Assert.True(gpg.Verify(master, await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "gpg", "image-signing.tar.xz.asc")), keyring).IsValid);
    }

    [Fact]
    public async Task PublishesADeviceKeyringOnRequest()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        using var publisher = await ApiClient.WithRoleAsync(server, Role.Publisher);
        (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "keyed" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/channels/keyed/devices", new { name = "mako" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync(new Uri("/keyed/mako/device.tar.xz", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.PutAsync(new Uri("/api/v1/channels/keyed/devices/mako/keyring", UriKind.Relative), null)).StatusCode);
        var published = await admin.PutAsync(new Uri("/api/v1/channels/keyed/devices/mako/keyring", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("/keyed/mako/device.tar.xz", (await published.Content.ReadFromJsonAsync<JsonObject>())!["keyring"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(new Uri("/keyed/mako/device.tar.xz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(new Uri("/keyed/mako/device.tar.xz.asc", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsync(new Uri("/api/v1/channels/keyed/devices/flo/keyring", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task UploadsADeviceKeyringMadeElsewhere()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        using var publisher = await ApiClient.WithRoleAsync(server, Role.Publisher);
        (await admin.PostAsJsonAsync("/api/v1/channels", new { name = Slashed + "-keys" })).EnsureSuccessStatusCode();
        var channel = Uri.EscapeDataString(Slashed + "-keys");
        (await admin.PostAsJsonAsync($"/api/v1/channels/{channel}/devices", new { name = "mako" })).EnsureSuccessStatusCode();
        using var gpg = new Gpg();
        Assert.Equal(0, gpg.RunGpg("--passphrase", "", "--quick-gen-key", "Vendor <release@vendor.example>", "rsa2048", "sign", "90d").ExitCode);
        var armored = gpg.RunGpg("--armor", "--export").Output;
        var uri = new Uri($"/api/v1/channels/{channel}/devices/mako/keyring", UriKind.Relative);
        static StringContent Keys(string text) => new(text, Encoding.ASCII, "application/pgp-keys");

        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.PutAsync(uri, Keys(armored))).StatusCode);
        var garbage = await admin.PutAsync(uri, new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.StartsWith("Not a keyring", (await garbage.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        var secret = await admin.PutAsync(uri, Keys(gpg.RunGpg("--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys").Output));
        Assert.Equal(HttpStatusCode.BadRequest, secret.StatusCode);
        Assert.Contains("private key", (await secret.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await admin.PutAsync(uri, new ByteArrayContent(new byte[2 * 1024 * 1024]))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync(new Uri($"/{Slashed}-keys/mako/device.tar.xz", UriKind.Relative))).StatusCode);

        var uploaded = await admin.PutAsync(uri, Keys(armored));

        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var device = (await uploaded.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(device["keyringUploaded"]!.GetValue<bool>());
        Assert.NotNull(device["keyringExpiry"]);
        var tarball = await server.Http.GetByteArrayAsync(new Uri($"/{Slashed}-keys/mako/device.tar.xz", UriKind.Relative));
        var signature = await server.Http.GetByteArrayAsync(new Uri($"/{Slashed}-keys/mako/device.tar.xz.asc", UriKind.Relative));
        var imageSigning = server.Get<SystemImage.Core.Signing.KeyStore>().GetPublicKeyRing(SystemImage.Core.Signing.KeyNames.ImageSigning).GetEncoded();
        Assert.True(gpg.Verify(imageSigning, signature, tarball).IsValid);
        var vendor = SystemImage.Core.Signing.TrustedKeys.FromOpenPgpKeyring(Encoding.ASCII.GetBytes(armored)).Fingerprints.Single();
        var entry = (await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/audit?channel={channel}", UriKind.Relative))))[0]!;
        Assert.Equal(("publish-device-keyring", "no device keyring", $"uploaded keys {vendor}"),
            (entry["action"]!.GetValue<string>(), entry["before"]!.GetValue<string>(), entry["after"]!.GetValue<string>()));
        Assert.Equal($"no device keyring → uploaded keys {vendor}", entry["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task TreeCheckAndCleanup()
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);

        var robots = Path.Combine(server.DataDir, "www", "robots.txt");
        await File.WriteAllTextAsync(robots, "User-agent: *\n");
        try
        {
            var check = await ApiClient.JsonAsync(viewer.GetAsync(new Uri("/api/v1/tree/check", UriKind.Relative)));
            Assert.Empty(check["missing"]!.AsArray());
            Assert.Contains("/robots.txt", check["foreign"]!.AsArray().Select(p => p!.GetValue<string>()));
            Assert.Null(check["badSignatures"]);
            var verified = await ApiClient.JsonAsync(viewer.GetAsync(new Uri("/api/v1/tree/check?verify=true", UriKind.Relative)));
            Assert.Empty(verified["badSignatures"]!.AsArray());
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(new Uri("/api/v1/tree/cleanup", UriKind.Relative), null)).StatusCode);
            var cleanup = await ApiClient.JsonAsync(admin.PostAsync(new Uri("/api/v1/tree/cleanup", UriKind.Relative), null));
            Assert.Contains("/robots.txt", cleanup["foreign"]!.AsArray().Select(p => p!.GetValue<string>()));
            Assert.True(File.Exists(robots));
        }
        finally
        {
            File.Delete(robots);
        }
    }

    [Fact]
    public async Task ResignRunsAsAJobAndLeavesEverySignatureValid()
    {
        using var viewer = await ApiClient.WithRoleAsync(server, Role.Viewer);
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(new Uri("/api/v1/tree/resign", UriKind.Relative), null)).StatusCode);

        var queued = await admin.PostAsync(new Uri("/api/v1/tree/resign", UriKind.Relative), null);

        Assert.True(queued.StatusCode == HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var jobId = (await queued.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<int>();
        JsonNode job = null!;
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
        {
            job = await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/jobs/{jobId}", UriKind.Relative)));
            return job["state"]!.GetValue<string>() is "succeeded" or "failed";
        }));
        Assert.Equal(("resign", "succeeded"), (job["kind"]!.GetValue<string>(), job["state"]!.GetValue<string>()));
        Assert.Contains("Re-signed", job["summary"]!.GetValue<string>());
        using var gpg = new Gpg();
        var keyring = server.Get<SystemImage.Core.Signing.KeyStore>().GetPublicKeyRing(SystemImage.Core.Signing.KeyNames.ImageSigning).GetEncoded();
        var channels = await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "channels.json"));
        var signature = await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "www", "channels.json.asc"));
        Assert.True(gpg.Verify(keyring, signature, channels).IsValid);
    }
}
