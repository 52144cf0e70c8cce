using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>
/// A server with something of everything on its pages, made through Core: a manual channel whose device has several
/// full images with deltas, a description with a translation, a tag and a phased latest version; an automatic channel
/// with its importer configuration and one finished import; an alias, a redirect and a hidden channel; users of each role.
/// </summary>
internal static class SampleReleases
{
    public const string Password = "correct horse battery staple";
    public const string Stable = "ubuntu-touch/stable";
    public const string Devel = "ubuntu-touch/devel";
    public const string Candidate = "ubuntu-touch/candidate";
    public const string Device = "mako";

    private static readonly Actor Tester = new("ci", "api");

    /// <summary>Fills the server; returns the id of the finished import run.</summary>
    public static async Task<int> CreateAsync(InProcessServer server)
    {
        var users = server.Get<UserService>();
        foreach (var (name, role) in new[] { ("alice", Role.Admin), ("paul", Role.Publisher), ("vera", Role.Viewer) })
        {
            Assert.True((await users.AddAsync(name, role, Password, new Actor("tests", "cli"), CancellationToken.None)).Succeeded);
        }

        var channels = server.Get<ChannelService>();
        var devices = server.Get<DeviceService>();
        Ok(await channels.CreateAsync(Stable, false, Tester, CancellationToken.None));
        Ok(await devices.CreateAsync(Stable, Device, false, Tester, CancellationToken.None));
        Ok(await devices.CreateAsync(Stable, "flo", false, Tester, CancellationToken.None));
        var images = server.Get<ImageService>();
        string[] descriptions = ["First stable release", "Camera fixes", "Battery and Wi-Fi fixes"];
        for (var build = 1; build <= descriptions.Length; build++)
        {
            var file = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, $"sample-{build}.tar.gz"), build, files: 60);
            Ok(await images.PublishAsync(
                new PublishImageRequest(Stable, Device, [new PartInput("ubuntu", file)]) { Description = descriptions[build - 1] }, Tester, CancellationToken.None));
        }

        Ok(await server.Get<ImageEditor>().SetDescriptionAsync(
            Stable, Device, 3, descriptions[2], new Dictionary<string, string> { ["de"] = "Akku- und WLAN-Korrekturen" }, Tester, CancellationToken.None));
        Ok(await server.Get<ImageCopyService>().TagAsync(Stable, Device, 3, "OTA-5", Tester, CancellationToken.None));
        Ok(await server.Get<ImageEditor>().SetPhasedPercentageAsync(Stable, Device, 4, 50, Tester, CancellationToken.None));

        await server.CreateAutoChannelAsync(Devel, "0 */6 * * *");
        var (queued, runId, _) = await server.Get<IBackgroundJobs>().ImportNowAsync(Devel, Tester, CancellationToken.None);
        Ok(queued);
        var runs = server.Get<ImportRuns>();
        Assert.True(await InProcessServer.EventuallyAsync(async () => (await runs.GetAsync(runId!.Value, CancellationToken.None))?.State == ImportRunState.Succeeded, seconds: 60));

        Ok(await channels.CreateAliasAsync(Candidate, Stable, Tester, CancellationToken.None));
        Ok(await channels.CreateRedirectAsync("stable", Stable, Tester, CancellationToken.None));
        Ok(await channels.CreateAsync("ubuntu-touch/testing", true, Tester, CancellationToken.None));
        return runId!.Value;
    }

    private static void Ok(OperationResult result) => Assert.True(result.Succeeded, result.Message);
}
