using Xunit;
using static SystemImage.Server.Tests.Devices.ClientRequest;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// The device conformance suite: the real device client (<see cref="DeviceClient"/>) asked about trees the real server
/// published through its verbs and its API (<see cref="DeviceFleet"/>). Every case asserts the client's verdict and the
/// path it chose, and for downloads which files it fetched. Cases run one at a time, in no set order: those that
/// change the tree work on channels no other case reads.
/// </summary>
[Collection(DeviceFleetCollection.Name)]
public sealed class DeviceConformanceTests(DeviceFleet fleet)
{
    private const string Stable = DeviceFleet.Stable;

    private static readonly Dictionary<string, Func<DeviceFleet, Task>> Cases = new()
    {
        ["list channels: every channel, hidden and alias ones too"] = ListChannelsAsync,
        ["dry run from build 0: the newest full image"] = f => PassesAsync(f, DryRun(Stable, "mako", 0, "3")),
        ["dry run from the previous build: its delta"] = f => PassesAsync(f, DryRun(Stable, "mako", 2, "3") with { Filter = "delta" }),
        ["dry run from two builds back: the chain of deltas"] = f => PassesAsync(f, DryRun(Stable, "mako", 1, "2:3")),
        ["dry run from the latest build: up to date"] = f => PassesAsync(f, DryRun(Stable, "mako", 3, "none")),
        ["full download from build 0"] = FullDownloadAsync,
        ["delta download from the previous build"] = DeltaDownloadAsync,
        ["full download from the previous build when only full images are wanted"] = FullOnlyDownloadAsync,
        ["a device with its own device keyring, published through the API, downloads"] = DeviceKeyringAsync,
        ["phased at 0 %: the latest is skipped"] = f => PassesAsync(f, DryRun("phased", "flo", 1, "none") with { Percentage = 0 }),
        ["phased at 50 %: a device at 40 % is offered it"] = f => PassesAsync(f, Download("phased", "mako", 1, "2") with { Percentage = 40 }),
        ["phased at 50 %: a device at 60 % is not"] = f => PassesAsync(f, DryRun("phased", "mako", 1, "none") with { Percentage = 60 }),
        ["a tampered pool file is refused"] = TamperedPoolFileAsync,
        ["an index changed after signing is refused"] = TamperedIndexAsync,
        ["an alias after re-target still updates"] = RetargetedAliasAsync,
        ["a channel after rename still updates, under its old name and its new one"] = RenamedChannelAsync,
        ["a per-device redirect updates from the target channel"] = RedirectedDeviceAsync,
        ["an automatic channel's imports (cdimage-ubuntu and version) download, the second as a delta"] = AutomaticChannelAsync,
        ["key rotation and revocation: the old key cached on a device, a revoked retired key, a revoked signing key"] = RotationAndRevocationAsync,
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [DeviceTheory]
    [MemberData(nameof(Names))]
    public Task TheRealDeviceClientAgrees(string name) => Cases[name](fleet);

    private static async Task<ClientRun> RunAsync(DeviceFleet fleet, ClientRequest request) => await DeviceClient.RunAsync(fleet.Server, request);

    /// <summary>The client passes with the expected path and the harness has nothing to warn about.</summary>
    private static async Task<ClientRun> PassesAsync(DeviceFleet fleet, ClientRequest request, params string[] expectedWarnings)
    {
        var run = await RunAsync(fleet, request);
        Assert.True(run.Passed, run.ToString());
        Assert.Equal(request.ExpectPath, run.Path);
        Assert.True(run.Warnings.SequenceEqual(expectedWarnings), run.ToString());
        return run;
    }

    private static async Task<ClientRun> FailsAsync(DeviceFleet fleet, ClientRequest request)
    {
        var run = await RunAsync(fleet, request);
        Assert.False(run.Passed, run.ToString());
        Assert.StartsWith("CLIENT FAIL", run.Verdict);
        return run;
    }

    private static async Task ListChannelsAsync(DeviceFleet fleet)
    {
        var run = await PassesAsync(fleet, new ClientRequest(Stable, "mako", 0, "list-channels")
        {
            ExpectChannels = [Stable, "rc", "daily", "phased", "edge", "auto"],
        });
        Assert.Matches(@"\n    daily \(alias for: (rc|ubuntu-touch/stable)\)\n", run.Stderr);
    }

    private static async Task FullDownloadAsync(DeviceFleet fleet)
    {
        var run = await PassesAsync(fleet, Download(Stable, "mako", 0, "3"));

        Assert.True(run.FormatsSystem);
        Assert.Equal(await fleet.FilesOfAsync(Stable, "mako", 3), run.Updates);
        Assert.Equal(["ubuntu", "version-3.tar.xz"], run.Updates.Select(u => u.StartsWith("ubuntu-", StringComparison.Ordinal) ? "ubuntu" : u));
    }

    private static async Task DeltaDownloadAsync(DeviceFleet fleet)
    {
        var run = await PassesAsync(fleet, Download(Stable, "mako", 2, "3"));

        Assert.False(run.FormatsSystem);
        Assert.Equal(await fleet.FilesOfAsync(Stable, "mako", 3, deltaBase: 2), run.Updates);
        Assert.Contains(".delta-", run.Updates[0]);
    }

    private static async Task FullOnlyDownloadAsync(DeviceFleet fleet)
    {
        var run = await PassesAsync(fleet, Download(Stable, "mako", 2, "3") with { Filter = "full" });

        Assert.True(run.FormatsSystem);
        Assert.Equal(await fleet.FilesOfAsync(Stable, "mako", 3), run.Updates);
    }

    private static async Task DeviceKeyringAsync(DeviceFleet fleet)
    {
        var fresh = await PassesAsync(fleet, Download(Stable, "flo", 0, "3"));
        Assert.Contains("load_keyring device-signing.tar.xz device-signing.tar.xz.asc", fresh.Command);
        Assert.True(fresh.FormatsSystem);

        var delta = await PassesAsync(fleet, Download(Stable, "flo", 2, "3"));
        Assert.Equal(await fleet.FilesOfAsync(Stable, "flo", 3, deltaBase: 2), delta.Updates);
    }

    private static async Task TamperedPoolFileAsync(DeviceFleet fleet)
    {
        var pool = (await fleet.FilesOfAsync("tamper", "mako", 1))[0];
        var path = fleet.TreeFile("/pool/" + pool);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(path, bytes);

        var run = await FailsAsync(fleet, Download("tamper", "mako", 0, "1"));

        Assert.Contains(pool, run.Verdict);
    }

    private static async Task TamperedIndexAsync(DeviceFleet fleet)
    {
        await File.AppendAllTextAsync(fleet.TreeFile("/tamper/flo/index.json"), " ");

        var run = await FailsAsync(fleet, DryRun("tamper", "flo", 0, "1"));

        Assert.Contains("SignatureError", run.Verdict + run.Log);
        Assert.Null(run.Path);
    }

    private static async Task RetargetedAliasAsync(DeviceFleet fleet)
    {
        await PassesAsync(fleet, Download("daily", "mako", 1, "2"));

        await DeviceFleet.VerbAsync(fleet.Server, "retarget-alias", "daily", Stable);

        var updated = await PassesAsync(fleet, Download("daily", "mako", 2, "3"));
        Assert.Equal(await fleet.FilesOfAsync("daily", "mako", 3, deltaBase: 2), updated.Updates);
        await PassesAsync(fleet, Download("daily", "mako", 0, "3"));
    }

    private static async Task RenamedChannelAsync(DeviceFleet fleet)
    {
        await fleet.PostAsync(fleet.Admin, "/channels/legacy/rename", new { newName = "ubuntu-touch/legacy" });

        // A device whose channel.ini still says "legacy" follows the redirect; the update it installs names the new channel.
        var old = await PassesAsync(fleet, Download("legacy", "mako", 1, "2"),
            "WARN version-2.tar.xz channel.ini channel/device=ubuntu-touch/legacy/mako");
        Assert.Equal(await fleet.FilesOfAsync("ubuntu-touch/legacy", "mako", 2, deltaBase: 1), old.Updates);
        await PassesAsync(fleet, Download("ubuntu-touch/legacy", "mako", 1, "2"));
        await PassesAsync(fleet, Download("ubuntu-touch/legacy", "mako", 0, "2"));
    }

    private static async Task RedirectedDeviceAsync(DeviceFleet fleet)
    {
        var run = await PassesAsync(fleet, Download("edge", "mako", 2, "3"),
            $"WARN version-3.tar.xz channel.ini channel/device={Stable}/mako");

        Assert.Equal(await fleet.FilesOfAsync(Stable, "mako", 3, deltaBase: 2), run.Updates);
    }

    /// <summary>On a server of its own, since what the whole tree is signed with changes.</summary>
    private static async Task RotationAndRevocationAsync(DeviceFleet fleet)
    {
        await using var server = await DeviceFleet.StartAsync();
        await DeviceFleet.VerbAsync(server, "create-channel", Stable);
        await DeviceFleet.VerbAsync(server, "create-device", Stable, "mako");
        await DeviceFleet.VerbAsync(server, "publish-image", Stable, "mako", $"ubuntu={fleet.Builds.Rootfs(1)}");
        await DeviceFleet.VerbAsync(server, "publish-image", Stable, "mako", $"ubuntu={fleet.Builds.Rootfs(2)}");
        var phone = Directory.CreateTempSubdirectory("phone-").FullName;
        try
        {
            var update = Download(Stable, "mako", 1, "2") with { StateDirectory = phone };
            Assert.True((await DeviceClient.RunAsync(server, update)).Passed);
            var first = await SigningFingerprintAsync(server);

            // The phone still holds the first image-signing keyring; it fetches the new one the new signatures need.
            await DeviceFleet.VerbAsync(server, "rotate-key", "image-signing");
            var rotated = await DeviceClient.RunAsync(server, update);
            Assert.True(rotated.Passed, rotated.ToString());
            Assert.Contains("channels.json not properly signed", rotated.Log);

            // Revoking the retired key takes nothing away from devices: the tree is signed by its successor.
            await DeviceFleet.VerbAsync(server, "revoke-key", first, "--reason", "retired and lost");
            var retiredRevoked = await DeviceClient.RunAsync(server, update);
            Assert.True(retiredRevoked.Passed, retiredRevoked.ToString());
            Assert.Equal("2", retiredRevoked.Path);

            // Revoking the key the tree is signed with: the phone and a fresh device refuse channels.json.
            var second = await SigningFingerprintAsync(server);
            await DeviceFleet.VerbAsync(server, "revoke-key", second);
            foreach (var request in new[] { update, Download(Stable, "mako", 1, "2") })
            {
                var refused = await DeviceClient.RunAsync(server, request);
                Assert.False(refused.Passed, refused.ToString());
                Assert.Contains("SignatureError", refused.Verdict + refused.Log);
                Assert.Null(refused.Path);
            }

            // A new signing key brings every device back.
            await DeviceFleet.VerbAsync(server, "rotate-key", "image-signing");
            var recovered = await DeviceClient.RunAsync(server, update);
            Assert.True(recovered.Passed, recovered.ToString());
            Assert.Equal("2", recovered.Path);
        }
        finally
        {
            Directory.Delete(phone, recursive: true);
        }
    }

    private static async Task<string> SigningFingerprintAsync(ServerProcess server)
    {
        var keys = System.Text.Json.Nodes.JsonNode.Parse((await DeviceFleet.VerbAsync(server, "list-keys", "--json")).Stdout)!;
        return keys["keys"]!.AsArray().Single(k => k!["name"]!.GetValue<string>() == "image-signing")!["fingerprint"]!.GetValue<string>();
    }

    private static async Task AutomaticChannelAsync(DeviceFleet fleet)
    {
        var first = await PassesAsync(fleet, Download("auto", "mako", 0, "1"));
        Assert.True(first.FormatsSystem);
        Assert.Equal(await fleet.FilesOfAsync("auto", "mako", 1), first.Updates);

        fleet.CdImage.AddBuild("20261126");
        var job = await fleet.PostAsync(fleet.Publisher, "/channels/auto/import?wait=true");
        Assert.Equal("succeeded", job["state"]!.GetValue<string>());

        var second = await PassesAsync(fleet, Download("auto", "mako", 1, "2") with { Filter = "delta" });
        Assert.False(second.FormatsSystem);
        Assert.Equal(await fleet.FilesOfAsync("auto", "mako", 2, deltaBase: 1), second.Updates);
        Assert.Contains(".delta-", second.Updates[0]);
    }
}
