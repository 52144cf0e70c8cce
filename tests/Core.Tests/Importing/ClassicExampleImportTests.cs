using SystemImage.Core.Importing;
using SystemImage.TestUtilities;
using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

/// <summary>The importer issue's working INI example, imported and then run against a cdimage fixture and a local HTTP server.</summary>
public sealed class ClassicExampleImportTests : IAsyncLifetime
{
    private const string Proposed = "ubuntu-touch/rc-proposed/ubuntu";
    private ImportFixture _f = null!;
    private LocalHttpServer _http = null!;
    private CdImageTree _cdimage = null!;

    public async Task InitializeAsync()
    {
        _f = await ImportFixture.CreateAsync();
        _http = new LocalHttpServer();
        _cdimage = new CdImageTreeBuilder(seed: 2015).Build(Path.Combine(_f.Data.Path, "cdimage")).AddBuild("20261120");
        foreach (var device in new[] { "krillin", "vegetahd", "arale" })
        {
            PublishHttpBuild(device, 101);
        }
    }

    public async Task DisposeAsync()
    {
        await _http.DisposeAsync();
        await _f.DisposeAsync();
    }

    [Fact]
    public async Task ImportsTheExampleAndRunsIt()
    {
        var ini = ClassicIniConfigTests.Example
            .Replace("/srv/cdimage/ubuntu-touch-custom", _cdimage.Root, StringComparison.Ordinal)
            .Replace("/srv/cdimage/ubuntu-touch", _cdimage.Root, StringComparison.Ordinal)
            .Replace("http://127.0.0.1:8080", _http.BaseUrl.TrimEnd('/'), StringComparison.Ordinal);
        var configured = (await _f.Data.Get<ImporterConfigService>().ImportIniAsync(ini, ImportFixture.Tester, CancellationToken.None)).Result;
        Assert.True(configured.Succeeded, configured.Message);
        foreach (var device in new[] { "arale", "krillin", "mako", "vegetahd" })
        {
            Assert.True((await _f.Data.Get<SystemImage.Core.Channels.DeviceService>().CreateAsync(Proposed, device, false, ImportFixture.Tester, CancellationToken.None)).Succeeded);
        }

        var first = await _f.ImportAsync(Proposed);

        Assert.Equal([1, 1, 1, 1], first.Devices.Select(d => d.Version));
        Assert.Equal("ubuntu=20261120,device=101,custom=20261120,version=1", Detail("krillin"));
        Assert.Equal("ubuntu=20261120,device=20261120,custom=20261120,version=1", Detail("mako"));
        Assert.Equal(4, Files("krillin").Count);

        var before = _f.Snapshot();
        Assert.False((await _f.ImportAsync(Proposed)).Published);
        Assert.Equal(before, _f.Snapshot());
        Assert.Equal(1, _http.Requests("/krillin/device.tar.xz"));

        PublishHttpBuild("krillin", 102);
        var second = await _f.ImportAsync(Proposed);

        Assert.Equal(["krillin"], second.Devices.Where(d => d.Version == 2).Select(d => d.Device));
        Assert.Equal(["delta 1-2", "full 1", "full 2"], _f.Entries(Proposed, "krillin").Order());
        Assert.Equal("ubuntu=20261120,device=102,custom=20261120,version=2", Detail("krillin"));
    }

    private void PublishHttpBuild(string device, int build)
    {
        _http.Set($"/{device}/device.tar.xz", TarXz.Build(build));
        _http.Set($"/{device}/build", $"{build}\n");
    }

    private string Detail(string device) =>
        _f.Images(Proposed, device).Last(i => i!["type"]!.GetValue<string>() == "full")!["version_detail"]!.GetValue<string>();

    private System.Text.Json.Nodes.JsonArray Files(string device) =>
        _f.Images(Proposed, device).Last(i => i!["type"]!.GetValue<string>() == "full")!["files"]!.AsArray();
}
