using System.Net;
using System.Net.Http.Json;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>POST /api/v1/adopt-tree on a server with no channel yet, over a copy of the classic fixture.</summary>
public sealed class AdoptTreeApiTests(InProcessServer server) : IClassFixture<InProcessServer>, IDisposable
{
    private readonly ClassicFixture _classic = ClassicFixture.Create();

    [Fact]
    public async Task ADryRunAnswersThePlanAndAnAdoptionRunsAsAJobThatPublishesTheClassicChannels()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin, "migrator");

        var plan = await ApiClient.JsonAsync(admin.PostAsJsonAsync("/api/v1/adopt-tree", new { root = _classic.Path, dryRun = true }));
        Assert.True(plan["canAdopt"]!.GetValue<bool>(), plan.ToJsonString());
        Assert.Equal((2, 6), (plan["devices"]!.GetValue<int>(), plan["images"]!.GetValue<int>()));

        var missingRoot = await admin.PostAsJsonAsync("/api/v1/adopt-tree", new { root = " " });
        Assert.Equal(HttpStatusCode.BadRequest, missingRoot.StatusCode);

        var queued = await admin.PostAsJsonAsync("/api/v1/adopt-tree", new { root = _classic.Path });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var job = (await ApiClient.JsonAsync(Task.FromResult(queued)))["jobId"]!.GetValue<int>();
        Assert.Equal($"/api/v1/jobs/{job}", queued.Headers.Location!.OriginalString);
        ImportRunState state = default;
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
        {
            state = (await server.Get<SystemImage.Core.Importing.ImportRuns>().GetAsync(job, default))!.State;
            return state is not (ImportRunState.Queued or ImportRunState.Running);
        }, 60), $"job {job} is still {state}");
        Assert.True(state == ImportRunState.Succeeded, $"job {job} {state}: {await admin.GetStringAsync(new Uri($"/api/v1/jobs/{job}", UriKind.Relative))}");

        var channels = await ApiClient.JsonAsync(admin.GetAsync(new Uri("/api/v1/channels", UriKind.Relative)));
        Assert.Equal(["testing"], channels.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("3FD6ECCED7146ADEA4F171915B6F9F755DECE667", server.Get<KeyStore>().Describe(KeyNames.ImageSigning).Fingerprint);
        Assert.Equal(File.ReadAllBytes(_classic.File("/testing/flo/device.tar.xz")), await server.Http.GetByteArrayAsync(new Uri("/testing/flo/device.tar.xz", UriKind.Relative)));
    }

    public void Dispose() => _classic.Dispose();
}
