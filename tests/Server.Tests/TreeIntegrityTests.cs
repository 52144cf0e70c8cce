using System.Text.Json.Nodes;
using SystemImage.Core.Images;
using SystemImage.Core.Publishing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>check-tree and cleanup-tree against foreign files and broken signatures, and the start-up repair that mends the latter.</summary>
public sealed class TreeIntegrityTests : IAsyncLifetime
{
    private readonly ServerProcess _server = new();
    private readonly Gpg _gpg = new();

    private string Www => Path.Combine(_server.DataDir, "www");

    public async Task InitializeAsync()
    {
        await Verb(0, "create-channel", "stable");
        await Verb(0, "create-device", "stable", "mako", "--keyring");
        foreach (var build in new[] { 1, 2 })
        {
            await Verb(0, "publish-image", "stable", "mako", $"ubuntu={SimpleTarball.WriteBuild(Path.Combine(_server.DataDir, $"rootfs-{build}.tar.gz"), build)}");
        }
    }

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CheckTreeListsForeignFilesAndCleanupTreeLeavesThem()
    {
        string[] foreign = ["/robots.txt", "/README", "/mirror/README", "/.well-known/acme-challenge/token"];
        foreach (var path in foreign)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File(path))!);
            await System.IO.File.WriteAllTextAsync(File(path), "not the server's");
        }

        var check = await Verb(0, "check-tree");
        var json = JsonNode.Parse((await Verb(0, "check-tree", "--json")).Stdout)!;
        var cleanup = await Verb(0, "cleanup-tree");

        Assert.Contains("0 missing, 0 orphaned, 4 foreign", check.Stdout);
        Assert.Contains("foreign  /robots.txt", check.Stdout);
        Assert.Contains("foreign  /.well-known/", check.Stdout);
        Assert.Equal(["/.well-known/", "/README", "/mirror/", "/robots.txt"], json["foreign"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Contains("left 4 foreign", cleanup.Stdout);
        Assert.All(foreign, path => Assert.True(System.IO.File.Exists(File(path)), path));
    }

    [Fact]
    public async Task CheckTreeVerifyReportsBadSignaturesAndARestartSignsThemAgainForGpgv()
    {
        var index = JsonNode.Parse(await System.IO.File.ReadAllTextAsync(File("/stable/mako/index.json")))!;
        var pool = index["images"]!.AsArray().First(i => i!["type"]!.GetValue<string>() == "full")!["files"]![0]!["path"]!.GetValue<string>();
        string[] signed =
        [
            "/channels.json", "/gpg/archive-master.tar.xz", "/gpg/image-signing.tar.xz", "/gpg/blacklist.tar.xz", "/stable/mako/index.json",
            "/stable/mako/device.tar.xz", pool, PoolWriter.SidecarOf(pool), "/stable/mako/version-2.tar.xz", "/stable/mako/version-2.json",
        ];
        var other = await System.IO.File.ReadAllBytesAsync(File("/channels.json.asc"));
        foreach (var (path, i) in signed.Select((p, i) => (p, i)))
        {
            // Half of them get channels.json's (valid) signature, over other bytes; the other half garbage.
            await System.IO.File.WriteAllBytesAsync(File(path + ".asc"), i % 2 == 1 || path == "/channels.json" ? "not a signature\n"u8.ToArray() : other);
        }

        var check = await Verb(1, "check-tree", "--verify");
        var json = JsonNode.Parse((await Verb(1, "check-tree", "--verify", "--json")).Stdout)!;

        Assert.Contains($"0 missing, 0 orphaned, 0 foreign, {signed.Length} bad signature(s)", check.Stdout);
        Assert.All(signed, path => Assert.Contains($"bad-sig  {path}.asc: ", check.Stdout));
        Assert.Contains("signature(s) do not verify", check.Stderr);
        Assert.Equal(signed.Select(p => p + ".asc").Order(StringComparer.Ordinal), json["badSignatures"]!.AsArray().Select(b => b!["path"]!.GetValue<string>()));

        await _server.StartAsync();
        await _server.KillAsync();

        Assert.Contains("0 missing, 0 orphaned, 0 foreign, 0 bad signature(s)", (await Verb(0, "check-tree", "--verify")).Stdout);
        Assert.All(signed, path =>
        {
            var keyring = TreeAssert.ReadTarXz(File(TreeLayout.Keyring(TreeLayout.SignerOf(path))))["keyring.gpg"];
            var result = _gpg.Verify(keyring, System.IO.File.ReadAllBytes(File(path + ".asc")), System.IO.File.ReadAllBytes(File(path)));
            Assert.True(result.IsValid, $"{path}: {result.Output}");
        });
    }

    private string File(string treePath) => Path.Combine(Www, treePath.TrimStart('/'));

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await _server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
