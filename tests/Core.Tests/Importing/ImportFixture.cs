using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

/// <summary>A data directory with the test generator, directories of input tarballs, and helpers to configure and import.</summary>
internal sealed class ImportFixture : IAsyncDisposable
{
    public static readonly Actor Tester = new("tester", "job");

    private ImportFixture(TestDataDirectory data) => Data = data;

    public TestDataDirectory Data { get; }

    /// <summary>What every import of this fixture reported.</summary>
    public RecordingImportReporter Reporter { get; } = new();

    public IReadOnlyList<string> Log => Reporter.Lines;

    public IReadOnlyList<(string Device, string? File, long Done, long? Total)> Progress => Reporter.ProgressReports;

    /// <param name="settings">Configuration on top of the test defaults.</param>
    /// <param name="services">More services than the test generator, e.g. a fake job queue.</param>
    public static async Task<ImportFixture> CreateAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(await TestDataDirectory.CreateAsync(settings, collection =>
        {
            collection.AddSingleton<IFileGenerator, TarballDirectoryGenerator>();
            services?.Invoke(collection);
        }));

    /// <summary>A directory of inputs for one part, under the data directory.</summary>
    public string Inputs(string part)
    {
        var path = Path.Combine(Data.Path, "inputs", part);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes build <paramref name="build"/> as the part's tarball for <paramref name="device"/> (or every device).</summary>
    public void WriteBuild(string part, int build, string device = "all") =>
        SimpleTarball.WriteBuild(Path.Combine(Inputs(part), $"{device}.tar.gz"), build);

    public static ImportFile File(string name, string generator, params string[] arguments) =>
        new() { Name = name, Generator = generator, Arguments = arguments };

    public async Task CreateAsync(string channel, params string[] devices)
    {
        Assert.True((await Data.Get<ChannelService>().CreateAsync(channel, false, Tester, CancellationToken.None)).Succeeded);
        foreach (var device in devices)
        {
            Assert.True((await Data.Get<DeviceService>().CreateAsync(channel, device, false, Tester, CancellationToken.None)).Succeeded);
        }
    }

    public async Task ConfigureAsync(string channel, ImporterConfig config)
    {
        var result = await Data.Get<ImporterConfigService>().SetAsync(channel, config, Tester, CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);
    }

    /// <summary>The usual auto configuration: ubuntu and device parts from the test generator, then the version tarball.</summary>
    public ImporterConfig Auto(int fullCount = 0, params string[] deltaBases) => new()
    {
        Type = ChannelType.Auto,
        FullCount = fullCount,
        DeltaBases = deltaBases,
        Files =
        [
            File("ubuntu", TarballDirectoryGenerator.GeneratorName, Inputs("ubuntu")),
            File("device", TarballDirectoryGenerator.GeneratorName, Inputs("device")),
            File("version", VersionGenerator.GeneratorName),
        ],
    };

    public async Task<ImportOutcome> ImportAsync(string channel) =>
        await Data.Get<ImportService>().ImportAsync(channel, Tester, Reporter, CancellationToken.None);

    public JsonArray Images(string channel, string device) => TreeAssert.ReadJson(Data, $"/{channel}/{device}/index.json")["images"]!.AsArray();

    public IEnumerable<string> Entries(string channel, string device) =>
        Images(channel, device).Select(i => i!["type"]!.GetValue<string>() == "full" ? $"full {i["version"]}" : $"delta {i["base"]}-{i["version"]}");

    public Dictionary<string, string> Snapshot() => Directory
        .EnumerateFiles(Data.PublishRoot, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(Data.PublishRoot, f), f => Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(f))));

    public ValueTask DisposeAsync() => Data.DisposeAsync();
}
