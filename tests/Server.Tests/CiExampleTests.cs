using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>docs/ci-example.sh, run with bash and curl against a real server: upload, promote, phase, import and poll.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class CiExampleTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    [Fact]
    public async Task TheDocumentedCiJobWorks()
    {
        var bash = Tools.Require("bash");
        Tools.Require("curl");
        Tools.Require("jq");
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        foreach (var channel in new[] { "ci/devel", "ci/stable", "ci-auto" })
        {
            (await admin.PostAsJsonAsync("/api/v1/channels", new { name = channel })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"/api/v1/channels/{Uri.EscapeDataString(channel)}/devices", new { name = "mako" })).EnsureSuccessStatusCode();
        }

        var inputs = Path.Combine(server.DataDir, "inputs", "ci-auto");
        Directory.CreateDirectory(inputs);
        SimpleTarball.WriteBuild(Path.Combine(inputs, "all.tar.gz"), 5);
        (await admin.PutAsJsonAsync("/api/v1/channels/ci-auto/config", new
        {
            type = "auto",
            files = new object[] { new { name = "ubuntu", generator = TarballDirectoryGenerator.GeneratorName, arguments = new[] { inputs } }, new { name = "version", generator = "version" } },
        })).EnsureSuccessStatusCode();
        var (_, _, secret) = await server.Get<SystemImage.Core.Security.TokenService>().CreateAsync("ci", Role.Publisher, null, new("tests", "cli"), CancellationToken.None);
        var rootfs = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs.tar.gz"), 1);

        var script = Path.Combine(RepositoryRoot.Path, "docs", "ci-example.sh");
        var info = new ProcessStartInfo(bash) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.Environment["SI_URL"] = server.BaseAddress.ToString().TrimEnd('/');
        info.Environment["SI_TOKEN"] = secret!;
        info.Environment["CHANNEL"] = "ci/devel";
        info.Environment["DEVICE"] = "mako";
        info.Environment["PROMOTE_TO"] = "ci/stable";
        info.Environment["ROOTFS"] = rootfs;
        info.Environment["PERCENT"] = "25";
        info.Environment["IMPORT_CHANNEL"] = "ci-auto";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains("version 1 phased at 25 %", await stdout);
        Assert.Contains("succeeded", await stdout);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/ci/stable/mako/index.json", UriKind.Relative)))!;
        Assert.Equal(25, index["images"]![0]!["phased-percentage"]!.GetValue<int>());
    }
}
