// Publishing benchmark: 200 channels x 20 devices (4,000 index.json) from an empty tree, then single
// changes (hide a channel, add a device) with that tree in place. Prints figures against the targets.
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SystemImage.Core;
using SystemImage.Core.Channels;
using SystemImage.Core.Hosting;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

var channels = int.Parse(Environment.GetEnvironmentVariable("CHANNELS") ?? "200");
var devicesPerChannel = int.Parse(Environment.GetEnvironmentVariable("DEVICES") ?? "20");
var dataDir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "si-publish-bench");
if (Directory.Exists(dataDir))
{
    Directory.Delete(dataDir, recursive: true);
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection([new("SystemImage:DataDir", dataDir)]);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSystemImageCore(builder.Configuration);
using var host = builder.Build();
var services = host.Services;
await services.GetRequiredService<DataDirectory>().PrepareAsync(CancellationToken.None);

// Seed the database directly: the benchmark measures publishing, not 4,000 separate operations.
await using (var db = await services.GetRequiredService<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
{
    for (var c = 0; c < channels; c++)
    {
        var channel = new Channel { Name = $"ubuntu-touch/channel-{c:D3}", CreatedAt = DateTimeOffset.UtcNow };
        for (var d = 0; d < devicesPerChannel; d++)
        {
            channel.Devices.Add(new Device { Name = $"device-{d:D2}", CreatedAt = DateTimeOffset.UtcNow });
        }

        db.Channels.Add(channel);
    }

    await db.SaveChangesAsync();
}

var publisher = services.GetRequiredService<TreePublisher>();
var publishLock = services.GetRequiredService<PublishLock>();
var clock = Stopwatch.StartNew();
PublishReport report;
await using (await publishLock.AcquireAsync(CancellationToken.None))
{
    report = await publisher.PublishAsync(PublishRequest.All, CancellationToken.None);
}

var full = clock.Elapsed;
Console.WriteLine($"full publish: {channels} channels x {devicesPerChannel} devices, {report.Written} files written in {full.TotalSeconds:F2} s (target < 10 s, ratio {full.TotalSeconds / 10:F2})");

var actor = new Actor("bench", "cli");
var channelService = services.GetRequiredService<ChannelService>();
var deviceService = services.GetRequiredService<DeviceService>();
var hide = new List<double>();
var add = new List<double>();
for (var i = 0; i < 7; i++)
{
    clock.Restart();
    var hidden = await channelService.SetHiddenAsync($"ubuntu-touch/channel-{i:D3}", true, actor, CancellationToken.None);
    hide.Add(clock.Elapsed.TotalMilliseconds);
    clock.Restart();
    var added = await deviceService.CreateAsync($"ubuntu-touch/channel-{i:D3}", "new-device", false, actor, CancellationToken.None);
    add.Add(clock.Elapsed.TotalMilliseconds);
    if (!hidden.Succeeded || !added.Succeeded)
    {
        Console.Error.WriteLine($"operation failed: {hidden.Message} / {added.Message}");
        return 1;
    }
}

// The first round warms up JIT and the database; the median of the rest is the figure.
var hideMs = Median(hide.Skip(1));
var addMs = Median(add.Skip(1));
Console.WriteLine($"hide a channel, published and signed: {hideMs:F1} ms median (target < 100 ms, ratio {hideMs / 100:F2})");
Console.WriteLine($"add a device, published and signed:   {addMs:F1} ms median (target < 100 ms, ratio {addMs / 100:F2})");
var ok = full.TotalSeconds < 10 && hideMs < 100 && addMs < 100;
Console.WriteLine(ok ? "publish benchmark: PASS" : "publish benchmark: FAIL");
return ok ? 0 : 1;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}
