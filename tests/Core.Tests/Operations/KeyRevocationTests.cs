using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Operations;

/// <summary>Revoking a key puts exactly its public key in the published blacklist, which image-master signs.</summary>
public sealed class KeyRevocationTests : IAsyncLifetime
{
    private const string Blacklist = "/gpg/blacklist.tar.xz";
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Gpg _gpg = new();
    private TestDataDirectory _data = null!;

    private KeyRevocation Revocation => _data.Get<KeyRevocation>();

    private KeyStore Store => _data.Get<KeyStore>();

    public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _data.DisposeAsync();
    }

    [Fact]
    public async Task RevokingTheCurrentImageSigningKeyPutsExactlyItsFingerprintInTheBlacklist()
    {
        var fingerprint = Store.Describe(KeyNames.ImageSigning).Fingerprint;

        var (result, revoked) = await Revocation.RevokeAsync(fingerprint, null, "laptop stolen", Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("devices now refuse everything it signs", result.Message, StringComparison.Ordinal);
        Assert.Contains("rotate-key image-signing", result.Message, StringComparison.Ordinal);
        Assert.Equal((fingerprint, "image-signing", "tester (cli)", "laptop stolen"), (revoked!.Fingerprint, revoked.Label, revoked.RevokedBy, revoked.Reason));
        Assert.Equal([fingerprint], GpgFingerprints(PublishedBlacklist()));
        Assert.Equal(Store.GetPublicKeyRing(KeyNames.ImageSigning).GetEncoded(), PublishedBlacklist());
        Assert.True(VerifyBlacklist().IsValid);
        Assert.Equal([revoked], await Revocation.ListAsync(None));
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "revoke-key");
        Assert.Equal((fingerprint, $"image-signing key {fingerprint} trusted"), (audit.Target, audit.Before));
        Assert.Equal($"image-signing key {fingerprint} on the blacklist (laptop stolen), 1 key(s) in all", audit.After);
    }

    [Fact]
    public async Task TheFingerprintMayBeTypedInLowercaseWithSpaces()
    {
        var fingerprint = Store.Describe(KeyNames.DeviceSigning).Fingerprint;
        var typed = string.Join(' ', fingerprint.ToLowerInvariant().Chunk(4).Select(c => new string(c)));

        var (result, revoked) = await Revocation.RevokeAsync(typed, null, null, Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("rotate-key device-signing", result.Message, StringComparison.Ordinal);
        Assert.Equal(fingerprint, revoked!.Fingerprint);
        Assert.Equal([fingerprint], GpgFingerprints(PublishedBlacklist()));
    }

    [Fact]
    public async Task ARotatedKeyCanBeRevokedFromTheRetiredKeys()
    {
        var old = (Store.Describe(KeyNames.ImageSigning).Fingerprint, Store.GetPublicKeyRing(KeyNames.ImageSigning).GetEncoded());
        Assert.True((await _data.Get<KeyService>().RotateAsync(KeyNames.ImageSigning, Tester, None)).Succeeded);

        var (result, revoked) = await Revocation.RevokeAsync(old.Item1, null, null, Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.DoesNotContain("rotate-key", result.Message, StringComparison.Ordinal);
        Assert.Equal("retired image-signing", revoked!.Label);
        Assert.Equal(old.Item2, PublishedBlacklist());
        Assert.Equal([old.Item1], GpgFingerprints(PublishedBlacklist()));
    }

    [Fact]
    public async Task AKeyOfAnUploadedDeviceKeyringCanBeRevoked()
    {
        var vendor = GenerateGpgKey("Vendor <release@vendor.example>");
        await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, None);
        await _data.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, None);
        var (keyring, refusal) = UploadedKeyring.Parse(Export(vendor), "mako", DateTimeOffset.UtcNow);
        Assert.Null(refusal);
        Assert.True((await _data.Get<DeviceService>().PublishKeyringAsync("stable", "mako", keyring, Tester, None)).Succeeded);

        var (result, revoked) = await Revocation.RevokeAsync(vendor, null, null, Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("uploaded keyring of stable/mako", revoked!.Label);
        Assert.Equal([vendor], GpgFingerprints(PublishedBlacklist()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AKeyFromAFileCanBeRevoked(bool armored)
    {
        var other = GenerateGpgKey("Someone <someone@example.org>");
        var bystander = GenerateGpgKey("Bystander <bystander@example.org>");

        var (result, revoked) = await Revocation.RevokeAsync(other, Export(armored ? ["--armor", other, bystander] : [other, bystander]), null, Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("from file", revoked!.Label);
        Assert.Equal([other], GpgFingerprints(PublishedBlacklist()));
        Assert.True(VerifyBlacklist().IsValid);
    }

    [Fact]
    public async Task RevokedKeysAreListedAndPublishedInTheOrderTheyWereRevoked()
    {
        var signing = Store.Describe(KeyNames.ImageSigning).Fingerprint;
        var device = Store.Describe(KeyNames.DeviceSigning).Fingerprint;

        Assert.True((await Revocation.RevokeAsync(device, null, null, Tester, None)).Result.Succeeded);
        Assert.True((await Revocation.RevokeAsync(signing, null, null, Tester, None)).Result.Succeeded);

        Assert.Equal([device, signing], (await Revocation.ListAsync(None)).Select(k => k.Fingerprint));
        Assert.Equal([device, signing], GpgFingerprints(PublishedBlacklist()));
    }

    [Fact]
    public async Task EveryRefusalNamesItsReasonAndChangesNothing()
    {
        var revoked = Store.Describe(KeyNames.DeviceSigning).Fingerprint;
        Assert.True((await Revocation.RevokeAsync(revoked, null, null, Tester, None)).Result.Succeeded);
        var stranger = GenerateGpgKey("Stranger <stranger@example.org>");
        var other = GenerateGpgKey("Other <other@example.org>");
        var secret = Path.Combine(_gpg.Home, "secret.asc");
        Assert.Equal(0, _gpg.RunGpg("--output", secret, "--armor", "--export-secret-keys", stranger).ExitCode);
        var before = await SnapshotAsync();

        await Refused(OperationStatus.Invalid, "40 hex digits", "not-a-fingerprint");
        await Refused(OperationStatus.Invalid, "40 hex digits", Store.Describe(KeyNames.ImageSigning).KeyId);
        await Refused(OperationStatus.Invalid, "archive-master key, which devices trust directly", Store.Describe(KeyNames.ArchiveMaster).Fingerprint);
        await Refused(OperationStatus.Invalid, "image-master key, which devices trust directly", Store.Describe(KeyNames.ImageMaster).Fingerprint);
        await Refused(OperationStatus.Conflict, "already is on the blacklist", revoked.ToLowerInvariant());
        await Refused(OperationStatus.NotFound, "supply its public key", stranger);
        await Refused(OperationStatus.Invalid, $"not {stranger}", stranger, Export([other]));
        await Refused(OperationStatus.Invalid, "private key", stranger, File.ReadAllBytes(secret));
        await Refused(OperationStatus.Invalid, "not an OpenPGP public key", stranger, [0x99, 0x01, 0x02]);
        await Refused(OperationStatus.Invalid, "one line", stranger, Export([stranger]), "two\nlines");

        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task Refused(OperationStatus status, string reason, string fingerprint, byte[]? publicKey = null, string? why = null)
    {
        var (result, revoked) = await Revocation.RevokeAsync(fingerprint, publicKey, why, Tester, None);

        Assert.True(result.Status == status, $"{fingerprint}: {result}");
        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
        Assert.Null(revoked);
    }

    /// <summary>The tree's files, the blacklist rows and the audit log.</summary>
    private async Task<string> SnapshotAsync()
    {
        var files = Directory.EnumerateFiles(_data.PublishRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{f} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))} {File.GetLastWriteTimeUtc(f):O}");
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return string.Join('\n', files.Append($"revoked {await db.RevokedKeys.CountAsync()}").Append($"audit {await db.AuditEntries.CountAsync()}"));
    }

    private byte[] PublishedBlacklist() => TreeAssert.ReadTarXz(_data.File(Blacklist))["keyring.gpg"];

    private Gpg.VerifyResult VerifyBlacklist() => _gpg.Verify(
        TreeAssert.ReadTarXz(_data.File("/gpg/image-master.tar.xz"))["keyring.gpg"],
        File.ReadAllBytes(_data.File(Blacklist + ".asc")),
        File.ReadAllBytes(_data.File(Blacklist)));

    /// <summary>The primary key fingerprints GnuPG reads from a keyring file, in order.</summary>
    private List<string> GpgFingerprints(byte[] keyring)
    {
        var path = Path.Combine(_gpg.Home, $"keyring-{Guid.NewGuid():N}.gpg");
        File.WriteAllBytes(path, keyring);
        var shown = _gpg.RunGpg("--with-colons", "--show-keys", path);
        Assert.True(shown.ExitCode == 0, shown.Output);
        var lines = shown.Output.Split('\n');
        return [.. lines.Select((line, i) => (line, i))
            .Where(l => l.line.StartsWith("pub:", StringComparison.Ordinal))
            .Select(l => lines[l.i + 1].Split(':')[9])];
    }

    private string GenerateGpgKey(string userId)
    {
        Assert.Equal(0, _gpg.RunGpg("--passphrase", "", "--quick-gen-key", userId, "rsa2048", "sign", "1y").ExitCode);
        var listed = _gpg.RunGpg("--with-colons", "--list-keys", userId).Output.Split('\n');
        return listed.SkipWhile(l => !l.StartsWith("pub:", StringComparison.Ordinal)).First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    private byte[] Export(string fingerprint) => Export([fingerprint]);

    private byte[] Export(string[] arguments)
    {
        var path = Path.Combine(_gpg.Home, $"export-{Guid.NewGuid():N}");
        Assert.Equal(0, _gpg.RunGpg(["--output", path, "--export", .. arguments]).ExitCode);
        return File.ReadAllBytes(path);
    }
}
