using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.Core.Tests.Images;
using Xunit;

namespace SystemImage.Core.Tests.Audit;

/// <summary>Every mutation, from every service, leaves one audit entry with a before/after summary.</summary>
public sealed class AuditChangeTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Manager = new("release-manager", "ui");
    private ImageFixture _f = null!;

    public async Task InitializeAsync() => _f = await ImageFixture.CreateAsync(("devel", ["mako"]), ("stable", ["mako"]));

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task ChannelAndDeviceChangesRecordTheStateBeforeAndAfter()
    {
        await Expect("create-channel", null, "visible channel rc", () => Channels.CreateAsync("rc", false, Manager, None));
        await Expect("hide-channel", "visible", "hidden", () => Channels.SetHiddenAsync("rc", true, Manager, None));
        await Expect("create-device", null, "device flo", () => Devices.CreateAsync("rc", "flo", false, Manager, None));
        await Expect("copy-devices", "devices flo", "devices flo, mako (from devel: mako)", () => Devices.CopyAllAsync("devel", "rc", Manager, None));
        await Expect("publish-device-keyring", "no device keyring", "the server's device-signing key", () => Devices.PublishKeyringAsync("rc", "flo", null, Manager, None));
        await Expect("create-alias", null, "alias of rc with devices flo, mako", () => Channels.CreateAliasAsync("daily", "rc", Manager, None));
        await Expect("retarget-alias", "alias of rc", "alias of devel", () => Channels.RetargetAliasAsync("daily", "devel", Manager, None));
        await Expect("create-redirect", null, "redirect to devel", () => Channels.CreateRedirectAsync("old", "devel", Manager, None));
        await Expect("rename-channel", "named rc", "named candidate, rc redirecting to it", () => Channels.RenameAsync("rc", "candidate", Manager, None));
        await Expect("create-device-redirect", null, "device flo redirected to candidate", () => Devices.CreateRedirectAsync("stable", "flo", "candidate", Manager, None));
        await Expect("remove-device", "device flo: full images none, the server's device-signing key; per-device redirects to it from stable", null, () => Devices.RemoveAsync("candidate", "flo", Manager, None));
        await Expect("remove-channel", "old: redirect to devel, devices none", null, () => Channels.RemoveAsync("old", Manager, None));
    }

    [Fact]
    public async Task ImageChangesRecordTheVersionsBeforeAndAfter()
    {
        Assert.True((await _f.PublishBuildAsync("devel", "mako", 1)).Succeeded);
        var published = await LastAsync();
        Assert.Equal(("publish-image", "full versions none"), (published.Action, published.Before));
        Assert.StartsWith("full versions 1; version 1: ubuntu=", published.After);

        Assert.True((await _f.PublishBuildAsync("devel", "mako", 2, percentage: 30)).Succeeded);
        var second = await LastAsync();
        Assert.Equal("full versions 1", second.Before);
        Assert.Matches(@"^full versions 1, 2 \(latest phased at 30%\); version 2: ubuntu=.*, phased at 30%, deltas from 1$", second.After);

        await Expect("set-phased-percentage", "version 2 at 30%", "version 2 at 60%", () => _f.Data.Get<ImageEditor>().SetPhasedPercentageAsync("devel", "mako", 2, 60, Manager, None));
        await Expect("set-description", "version 2: 'ubuntu=", "version 2: 'Second build', de 'Zweiter Build'",
            () => _f.Data.Get<ImageEditor>().SetDescriptionAsync("devel", "mako", 2, "Second build", new Dictionary<string, string> { ["de"] = "Zweiter Build" }, Manager, None),
            beforeIsPrefix: true);
        await Expect("copy-image", "full versions none", "full versions 1 (latest phased at 10%); version 1: copy of devel version 2 (",
            () => _f.Data.Get<ImageCopyService>().CopyAsync(new CopyImageRequest("devel", "stable", "mako") { PhasedPercentage = 10 }, Manager, None),
            afterIsPrefix: true);
        await Expect("tag-image", "full versions 1 (latest phased at 10%)", "full versions 1, 2 (latest phased at 10%); version 2: version 1 tagged 'rc1' (",
            () => _f.Data.Get<ImageCopyService>().TagAsync("stable", "mako", 1, "rc1", Manager, None),
            afterIsPrefix: true);
        await Expect("remove-image", "delta 1→2 (", null, () => _f.Data.Get<ImageEditor>().RemoveAsync("devel", "mako", 2, 1, Manager, None), beforeIsPrefix: true);

        Assert.True((await _f.PublishBuildAsync("devel", "mako", 3)).Succeeded);
        await Expect("promote-channel", "latest mako 2", "latest mako 3 (from devel)", async () => (await _f.Data.Get<ChannelPromotion>().PromoteAsync("devel", "stable", null, null, Manager, None)).Result);
    }

    [Fact]
    public async Task ConfigurationSecurityAndTreeChangesRecordTheStateBeforeAndAfter()
    {
        var config = new ImporterConfig
        {
            Type = ChannelType.Auto,
            FullCount = 2,
            Files = [new() { Name = "ubuntu", Generator = "http", Arguments = ["https://example.org/build.tar.xz"] }, new() { Name = "version", Generator = "version" }],
            Schedule = "0 3 * * *",
        };
        await Expect("set-importer-config", "manual",
            "auto, versionBase 1, fullCount 2, deltaBase [], files [ubuntu=http;https://example.org/build.tar.xz; version=version], schedule 0 3 * * *",
            () => _f.Data.Get<ImporterConfigService>().SetAsync("devel", config, Manager, None));
        await Expect("pause-import", "imports running", "imports paused", () => _f.Data.Get<ImporterConfigService>().SetPausedAsync("devel", true, Manager, None));

        var (created, token, _) = await _f.Data.Get<TokenService>().CreateAsync("ci", Role.Publisher, null, Manager, None);
        Assert.True(created.Succeeded);
        Assert.Equal((null, "token 'ci', role publisher, no expiry"), await BeforeAfterAsync("create-token"));
        await Expect("revoke-token", $"token {token!.Id} 'ci' (publisher) valid", $"token {token.Id} revoked", () => _f.Data.Get<TokenService>().RevokeAsync(token.Id, Manager, None));
        await Expect("add-user", null, "user 'alice', role viewer", () => Users.AddAsync("alice", Role.Viewer, "correct horse battery", Manager, None));

        var keys = _f.Data.Get<SystemImage.Core.Signing.KeyStore>();
        var before = keys.Describe("device-signing");
        Assert.True((await _f.Data.Get<KeyService>().RotateAsync("device-signing", Manager, None)).Succeeded);
        var after = keys.Describe("device-signing");
        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
        Assert.Equal(($"{before.Fingerprint}, expiring {before.Expiry:yyyy-MM-dd}", $"{after.Fingerprint}, expiring {after.Expiry:yyyy-MM-dd}"), await BeforeAfterAsync("rotate-key"));
        var resigned = await BeforeAfterAsync("re-sign");
        Assert.EndsWith($"made anew by image-signing {keys.Describe("image-signing").Fingerprint}", resigned.After);

        var orphan = Path.Combine(_f.Data.PublishRoot, "pool", $"orphan-{new string('a', 64)}.tar.xz");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllBytesAsync(orphan, [1, 2, 3]);
        await _f.Data.Get<TreeMaintenance>().CleanupAsync(Manager, None);
        Assert.Equal(($"1 orphaned file(s): /pool/orphan-{new string('a', 64)}.tar.xz", "0 orphaned files"), await BeforeAfterAsync("cleanup-tree"));
    }

    private ChannelService Channels => _f.Data.Get<ChannelService>();

    /// <summary>The host provides the password hasher (ASP.NET Core Identity's); any hashing does for the audit.</summary>
    private UserService Users => new(_f.Data.Get<IDbContextFactory<SystemImageDbContext>>(), new Sha256Hashing(), _f.Data.Get<AuditLog>(), TimeProvider.System);

    private DeviceService Devices => _f.Data.Get<DeviceService>();

    /// <summary>Runs <paramref name="operation"/> and checks it added exactly one entry, with these summaries.</summary>
    private async Task Expect(
        string action, string? before, string? after, Func<Task<OperationResult>> operation, bool beforeIsPrefix = false, bool afterIsPrefix = false)
    {
        var count = await CountAsync();
        var result = await operation();
        Assert.True(result.Succeeded, result.Message);
        await using var db = await _f.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        var added = await db.AuditEntries.OrderBy(e => e.Id).Skip(count).ToListAsync();
        var entry = Assert.Single(added);
        Assert.Equal(action, entry.Action);
        Assert.Equal(("release-manager", "ui"), (entry.Actor, entry.Surface));
        Check(before, entry.Before, beforeIsPrefix);
        Check(after, entry.After, afterIsPrefix);
        Assert.Equal(new AuditChange(entry.Before, entry.After).Summary, entry.Detail);
    }

    private static void Check(string? expected, string? actual, bool prefix)
    {
        if (prefix && expected is not null)
        {
            Assert.StartsWith(expected, actual);
        }
        else
        {
            Assert.Equal(expected, actual);
        }
    }

    private async Task<int> CountAsync()
    {
        await using var db = await _f.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.CountAsync();
    }

    private async Task<AuditEntry> LastAsync()
    {
        await using var db = await _f.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.OrderByDescending(e => e.Id).FirstAsync();
    }

    private async Task<(string? Before, string? After)> BeforeAfterAsync(string action)
    {
        await using var db = await _f.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.OrderByDescending(e => e.Id).FirstAsync(e => e.Action == action);
        return (entry.Before, entry.After);
    }

    private sealed class Sha256Hashing : IPasswordHashing
    {
        public string Hash(string password) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(password)));

        public bool Verify(string hash, string password) => hash == Hash(password);
    }
}
