using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SystemImage.Core.Configuration;
using SystemImage.Core.Diagnostics;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Signing;
using SystemImage.Core.Tests.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Diagnostics;

public sealed class SystemImageMetricsTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestMeterFactory _meters = new();
    private readonly MeasurementRecorder _recorder;
    private readonly KeyStore _keys;
    private readonly SystemImageMetrics _metrics;

    public SystemImageMetricsTests()
    {
        _recorder = new MeasurementRecorder(_meters);
        _keys = new KeyStore(_data.Combine("secrets"), Options.Create(new SigningOptions()), new KeyGenerator(TimeProvider.System), NullLogger<KeyStore>.Instance);
        var tree = new TreeSizeCache(Options.Create(new SystemImageOptions { PublishRoot = _data.Combine("www") }), _time);
        _metrics = new SystemImageMetrics(_meters, tree, _keys, _time);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _meters.Dispose();
        _keys.Dispose();
        _data.Dispose();
    }

    private static ImportOutcome Outcome(OperationResult result, params int?[] versions) =>
        new(result, [.. versions.Select((v, i) => new DeviceImport($"device{i}", v, [], "message"))], TimeSpan.Zero);

    [Fact]
    public void APublishRecordsItsDurationInSecondsAndTheFilesItWrote()
    {
        _metrics.RecordPublish(7, TimeSpan.FromMilliseconds(1500));

        Assert.Equal(1.5, Assert.Single(_recorder.Of("publish_duration_seconds")).Value);
        Assert.Equal(7, Assert.Single(_recorder.Of("publish_files_written")).Value);
    }

    [Theory]
    [InlineData(OperationStatus.Success, 5, "published")]
    [InlineData(OperationStatus.Success, null, "nothing_new")]
    [InlineData(OperationStatus.Conflict, null, "refused")]
    public async Task AnImportRecordsItsDurationByChannelAndOutcome(OperationStatus status, int? version, string expected)
    {
        var outcome = Outcome(new OperationResult(status, "message"), null, version);

        var returned = await _metrics.MeasureImportAsync("stable", () =>
        {
            _time.Advance(TimeSpan.FromSeconds(42));
            return Task.FromResult(outcome);
        });

        Assert.Same(outcome, returned);
        var (seconds, tags) = Assert.Single(_recorder.Of("import_duration_seconds"));
        Assert.Equal(42, seconds);
        Assert.Equal(new Dictionary<string, object?> { ["channel"] = "stable", ["outcome"] = expected }, tags);
    }

    [Fact]
    public async Task AnImportThatThrowsIsRecordedAsFailedAndStillThrows()
    {
        await Assert.ThrowsAsync<IOException>(() => _metrics.MeasureImportAsync("stable", () => throw new IOException("disk full")));

        var (_, tags) = Assert.Single(_recorder.Of("import_duration_seconds"));
        Assert.Equal(("stable", "failed"), (tags["channel"], tags["outcome"]));
    }

    [Fact]
    public async Task AnUnknownChannelNameDoesNotBecomeALabelValue()
    {
        await _metrics.MeasureImportAsync("made-up-by-a-caller", () => Task.FromResult(Outcome(OperationResult.NotFound("no such channel"))));

        var (_, tags) = Assert.Single(_recorder.Of("import_duration_seconds"));
        Assert.Equal(("", "refused"), (tags["channel"], tags["outcome"]));
    }

    [Fact]
    public void TheTreeGaugesReportTheSizeOfThePublishRoot()
    {
        Directory.CreateDirectory(_data.Combine("www", "stable"));
        File.WriteAllBytes(_data.Combine("www", "stable", "index.json"), new byte[120]);
        File.WriteAllBytes(_data.Combine("www", "channels.json"), new byte[30]);

        _recorder.Observe();

        Assert.Equal(150, Assert.Single(_recorder.Of("tree_size_bytes")).Value);
        Assert.Equal(2, Assert.Single(_recorder.Of("tree_files")).Value);
    }

    [Fact]
    public void TheKeyExpiryGaugeReportsDaysLeftForEachKeyThatExpires()
    {
        TestKeys.CopyTo(_keys.SecretsDir);
        _time.Advance(TimeSpan.FromDays(30));

        _recorder.Observe();

        var days = _recorder.Of("signing_key_expiry_days").ToDictionary(m => (string)m.Tags["key"]!, m => m.Value);
        // Test keys use the default lifetimes: image-signing 730 days, device-signing 31, the others never expire.
        Assert.Equal([KeyNames.DeviceSigning, KeyNames.ImageSigning], days.Keys.Order());
        Assert.InRange(days[KeyNames.ImageSigning], 699, 700.01);
        Assert.InRange(days[KeyNames.DeviceSigning], 0, 1.01);
    }

    [Fact]
    public void TheKeyExpiryGaugeIsEmptyWhileThereAreNoKeys()
    {
        _recorder.Observe();

        Assert.Empty(_recorder.Of("signing_key_expiry_days"));
    }
}
