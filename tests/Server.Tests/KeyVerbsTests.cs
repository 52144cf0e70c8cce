using System.Text.Json.Nodes;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>revoke-key and list-keys against the real executable, beside a running server that then serves the blacklist.</summary>
public sealed class KeyVerbsTests(ServerProcess server) : IClassFixture<ServerProcess>, IDisposable
{
    private readonly Gpg _gpg = new();

    public void Dispose() => _gpg.Dispose();

    [Fact]
    public async Task RevokeKeyPutsAKeyOnTheServedBlacklistAndListKeysShowsIt()
    {
        var keys = JsonNode.Parse((await Verb(0, "list-keys", "--json")).Stdout)!;
        Assert.Equal(KeyNames.All, keys["keys"]!.AsArray().Select(k => k!["name"]!.GetValue<string>()));
        Assert.Empty(keys["revoked"]!.AsArray());
        Assert.Contains("no revoked keys", (await Verb(0, "list-keys")).Stdout);
        var archiveMaster = keys["keys"]![0]!["fingerprint"]!.GetValue<string>();
        var deviceSigning = keys["keys"]![3]!["fingerprint"]!.GetValue<string>();
        var (vendor, file) = VendorKey();

        await Verb(2, "revoke-key");
        Assert.Contains("40 hex digits", (await Verb(1, "revoke-key", "not-a-fingerprint")).Stderr);
        Assert.Contains("trust directly", (await Verb(1, "revoke-key", archiveMaster)).Stderr);
        Assert.Contains("supply its public key", (await Verb(1, "revoke-key", vendor)).Stderr);
        var spaced = vendor.Chunk(4).Select(c => new string(c)).ToArray();
        var revoked = await Verb(0, ["revoke-key", .. spaced, "--file", file, "--reason", "vendor key leaked"]);
        Assert.Equal($"Revoked from file key {vendor}: devices now refuse its signatures (1 key(s) on the blacklist).", revoked.Stdout.Trim());
        Assert.Contains("already is on the blacklist", (await Verb(1, "revoke-key", vendor.ToLowerInvariant())).Stderr);
        Assert.Contains("rotate-key device-signing", (await Verb(0, "revoke-key", deviceSigning)).Stdout);

        var listed = (await Verb(0, "list-keys")).Stdout;
        Assert.Contains("2 revoked key(s)", listed);
        Assert.Contains($"{vendor} from file, revoked", listed);
        Assert.Contains(": vendor key leaked", listed);
        var json = JsonNode.Parse((await Verb(0, "list-keys", "--json")).Stdout)!["revoked"]!.AsArray();
        Assert.Equal([vendor, deviceSigning], json.Select(k => k!["fingerprint"]!.GetValue<string>()));
        Assert.Equal(("from file", "vendor key leaked"), (json[0]!["label"]!.GetValue<string>(), json[0]!["reason"]!.GetValue<string>()));
        var served = await server.Http.GetByteArrayAsync(new Uri("/gpg/blacklist.tar.xz", UriKind.Relative));
        Assert.Equal([vendor, deviceSigning], TrustedKeys.FromKeyringTarXz(served).Fingerprints);
    }

    private (string Fingerprint, string File) VendorKey()
    {
        Assert.Equal(0, _gpg.RunGpg("--passphrase", "", "--quick-gen-key", "Vendor <release@vendor.example>", "rsa2048", "sign", "1y").ExitCode);
        var fingerprint = _gpg.RunGpg("--with-colons", "--list-keys").Output.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var file = Path.Combine(server.DataDir, "vendor.asc");
        Assert.Equal(0, _gpg.RunGpg("--output", file, "--armor", "--export", fingerprint).ExitCode);
        return (fingerprint, file);
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
