using System.Text.Json.Nodes;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The image and tree verbs against a running server: output, exit codes, and what devices then see.</summary>
public sealed class ImageVerbsTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    [Fact]
    public async Task ImageVerbsPrintTheirResultAndExitCodes()
    {
        await Verb(0, "create-channel", "devel");
        await Verb(0, "create-device", "devel", "mako");
        await Verb(0, "create-channel", "stable");
        await Verb(0, "create-device", "stable", "mako");
        var build1 = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs-1.tar.gz"), 1);
        var build2 = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs-2.tar.gz"), 2);

        Assert.Contains("Published version 1 of devel/mako", (await Verb(0, "publish-image", "devel", "mako", $"ubuntu={build1}")).Stdout);
        Assert.Contains("with deltas from 1", (await Verb(0, "publish-image", "devel", "mako", $"ubuntu={build2}", "--phased-percentage", "50")).Stdout);
        var quiet = await Verb(0, "publish-image", "devel", "mako", $"ubuntu={build2}");
        Assert.Contains("Nothing new", quiet.Stdout);
        Assert.DoesNotContain("info:", quiet.Stderr);
        var verbose = await Verb(0, "publish-image", "devel", "mako", $"ubuntu={build2}", "--verbose");
        Assert.Contains("Nothing new", verbose.Stdout);
        // Nothing new is neither committed nor published; --verbose still shows the services' progress.
        Assert.Contains("info: SystemImage.Core.Hosting.DataDirectory", verbose.Stderr);

        var listed = await Verb(0, "list-images", "devel", "mako");
        Assert.Contains("3 image(s)", listed.Stdout);
        Assert.Contains("phased 50%", listed.Stdout);
        var json = JsonNode.Parse((await Verb(0, "list-images", "devel", "mako", "--json")).Stdout)!.AsArray();
        Assert.Equal(["full", "delta", "full"], json.Select(i => i!["type"]!.GetValue<string>()));

        Assert.Contains("phased at 80%", (await Verb(0, "set-phased-percentage", "devel", "mako", "2", "80")).Stdout);
        Assert.Contains("not the latest", (await Verb(1, "set-phased-percentage", "devel", "mako", "1", "80")).Stderr);
        Assert.Contains("Tagged version 2", (await Verb(0, "tag-image", "devel", "mako", "2", "rc1")).Stdout);
        Assert.Contains("','", (await Verb(1, "tag-image", "devel", "mako", "2", "a,b")).Stderr);
        Assert.Contains("as version 1", (await Verb(0, "copy-image", "devel", "stable", "mako", "-p", "10", "-t", "promoted")).Stdout);
        Assert.Contains("already is the latest", (await Verb(1, "copy-image", "devel", "stable", "mako")).Stderr);
        Assert.Contains("Removed delta 1→2", (await Verb(0, "remove-image", "devel", "mako", "2", "--delta-base", "1")).Stdout);
        Assert.Contains("has no full image 9", (await Verb(1, "remove-image", "devel", "mako", "9")).Stderr);
        Assert.Contains("is not PART=FILE", (await Verb(2, "publish-image", "devel", "mako", "rootfs.tar.gz")).Stderr);

        var check = await Verb(0, "check-tree");
        Assert.Contains("0 missing", check.Stdout);
        Assert.Contains("Removed", (await Verb(0, "cleanup-tree")).Stdout);
        Assert.Contains("0 missing, 0 orphaned", (await Verb(0, "check-tree")).Stdout);
        Assert.Contains("Re-signed", (await Verb(0, "re-sign")).Stdout);

        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/stable/mako/index.json", UriKind.Relative)))!;
        Assert.Equal(10, index["images"]![0]!["phased-percentage"]!.GetValue<int>());
    }

    [Fact]
    public async Task RevertImagePausesAnAutomaticChannelAndPublishesTheGoodBuildAgain()
    {
        var ini = Path.Combine(server.DataDir, "nightly.ini");
        await File.WriteAllTextAsync(ini, "[global]\nchannels = nightly\n[channel_nightly]\ntype = auto\nfiles = version\nfile_version = version\n");
        await Verb(0, "import-config", ini);
        await Verb(0, "create-device", "nightly", "mako");
        for (var build = 1; build <= 2; build++)
        {
            var file = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, $"nightly-{build}.tar.gz"), build);
            await Verb(0, "publish-image", "nightly", "mako", $"ubuntu={file}");
        }

        var reverted = await Verb(0, "revert-image", "nightly", "mako", "1");

        Assert.Contains("Paused imports of nightly. Published good version 1 again as version 3 over bad version 2.", reverted.Stdout);
        Assert.True(JsonNode.Parse((await Verb(0, "show-importer", "nightly", "--json")).Stdout)!["paused"]!.GetValue<bool>());
        var images = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/nightly/mako/index.json", UriKind.Relative)))!["images"]!.AsArray();
        string PathOf(int version) => images.Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == version)!["files"]![0]!["path"]!.GetValue<string>();
        Assert.Equal(PathOf(1), PathOf(3));
        Assert.Contains("already is the latest", (await Verb(1, "revert-image", "nightly", "mako", "1")).Stderr);
        Assert.Contains("has no full image 7", (await Verb(1, "revert-image", "nightly", "mako", "7")).Stderr);
        await Verb(2, "revert-image", "nightly", "mako");
    }

    [Fact]
    public async Task PublishImageTakesTarZstAndTarBz2BuildsAndRefusesACutOneNamingItsFormat()
    {
        await Verb(0, "create-channel", "ci-builds");
        await Verb(0, "create-device", "ci-builds", "mako");
        var build1 = SimpleTarball.WriteBuildWith("zstd", Path.Combine(server.DataDir, "ci-rootfs-1.tar.zst"), 1);
        var build2 = SimpleTarball.WriteBuildWith("bzip2", Path.Combine(server.DataDir, "ci-rootfs-2.tar.bz2"), 2);
        var bz2 = await File.ReadAllBytesAsync(build2);
        var cut = Path.Combine(server.DataDir, "ci-rootfs-cut.tar.bz2");
        await File.WriteAllBytesAsync(cut, bz2[..^10]);

        Assert.Contains("Published version 1 of ci-builds/mako", (await Verb(0, "publish-image", "ci-builds", "mako", $"ubuntu={build1}")).Stdout);
        Assert.Contains("with deltas from 1", (await Verb(0, "publish-image", "ci-builds", "mako", $"ubuntu={build2}")).Stdout);
        var refused = await Verb(1, "publish-image", "ci-builds", "mako", $"ubuntu={cut}");

        Assert.Contains("Part 'ubuntu' (ci-rootfs-cut.tar.bz2): the bzip2 data is truncated", refused.Stderr, StringComparison.Ordinal);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/ci-builds/mako/index.json", UriKind.Relative)))!;
        var full2 = index["images"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 2)!;
        var path = full2["files"]![0]!["path"]!.GetValue<string>();
        Assert.EndsWith($"-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bz2))}.tar.xz", path, StringComparison.Ordinal);
        Assert.Equal(TarReaders.Gnu(build2), TarReaders.AssertAgree(Path.Combine(server.DataDir, "www", path.TrimStart('/'))));
    }

    [Fact]
    public async Task SetDeviceKeyringPublishesTheServersKeyOrAnUploadedOne()
    {
        await Verb(0, "create-channel", "keyed");
        await Verb(0, "create-device", "keyed", "flo");
        using var gpg = new Gpg();
        Assert.Equal(0, gpg.RunGpg("--passphrase", "", "--quick-gen-key", "Vendor <release@vendor.example>", "rsa2048", "sign", "90d").ExitCode);
        var export = Path.Combine(server.DataDir, "vendor.gpg");
        Assert.Equal(0, gpg.RunGpg("--output", export, "--export").ExitCode);
        var garbage = Path.Combine(server.DataDir, "garbage.gpg");
        await File.WriteAllTextAsync(garbage, "not a key");

        Assert.Contains("garbage.gpg: Not a keyring", (await Verb(1, "set-device-keyring", "keyed", "flo", "--file", garbage)).Stderr);
        Assert.Contains("(1 uploaded key(s))", (await Verb(0, "set-device-keyring", "keyed", "flo", "--file", export)).Stdout);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await server.Http.GetAsync(new Uri("/keyed/flo/device.tar.xz", UriKind.Relative))).StatusCode);
        var keys = SystemImage.Core.Signing.TrustedKeys.FromOpenPgpKeyring(TreeAssert.ReadTarXz(Path.Combine(server.DataDir, "www", "keyed", "flo", "device.tar.xz"))["keyring.gpg"]);
        Assert.Equal(SystemImage.Core.Signing.TrustedKeys.FromOpenPgpKeyring(await File.ReadAllBytesAsync(export)).Fingerprints, keys.Fingerprints);
        Assert.Contains("(the server's device-signing key)", (await Verb(0, "set-device-keyring", "keyed", "flo")).Stdout);
        Assert.Contains("has no device 'nope'", (await Verb(1, "set-device-keyring", "keyed", "nope")).Stderr);
    }

    private async Task<VerbResult> Verb(int expectedExitCode, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == expectedExitCode, $"{string.Join(' ', args)}: expected exit {expectedExitCode}, got {result}");
        return result;
    }
}
