using System.Formats.Tar;
using System.Net;
using SystemImage.Core.Compression;
using Xunit;
using Xunit.Abstractions;

namespace SystemImage.Server.Tests;

/// <summary>
/// Large and hostile uploads to the real server process: a 300 MB build streams to disk, a few MB of .tar.xz holding two
/// million empty files is refused at the entry limit, and thousands of 64 KiB fields are refused at the field limit;
/// each time the server's peak memory stays low.
/// </summary>
public sealed class LargeUploadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long BuildBytes = 300L * 1000 * 1000;
    private const long MaxPeakBytes = 300L * 1024 * 1024;

    // Compression speed is not what this test is about: the fastest preset (ServerProcess's) keeps it short.
    private readonly ServerProcess _server = new();

    public Task InitializeAsync() => _server.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A300MegabyteUploadKeepsTheServerUnder300MegabytesOfMemory()
    {
        var secret = await SetUpAsync();
        var build = Path.Combine(_server.DataDir, "rootfs.tar");
        WriteBuild(build);

        using var client = _server.TokenClient(secret, TimeSpan.FromMinutes(5));
        using var form = new MultipartFormDataContent();
        form.Add(new StreamContent(File.OpenRead(build), 1 << 20), "ubuntu", "rootfs.tar");
        using var response = await client.PostAsync(new Uri("/api/v1/channels/big/devices/mako/images", UriKind.Relative), form);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var peak = PeakWorkingSet(_server.ProcessId!.Value);
        output.WriteLine($"server peak working set after a {new FileInfo(build).Length / 1e6:F0} MB upload: {peak / (1024.0 * 1024):F0} MiB (limit {MaxPeakBytes / (1024 * 1024)} MiB)");
        Assert.True(peak < MaxPeakBytes, $"peak working set {peak / (1024 * 1024)} MiB");
    }

    [Fact]
    public async Task AFewMegabytesOfTarXzHoldingTwoMillionEmptyFilesIsRefusedWithoutTheServerGrowing()
    {
        var secret = await SetUpAsync();
        var build = Path.Combine(_server.DataDir, "many.tar.xz");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        WriteEmptyFiles(build, 2_000_000);
        output.WriteLine($"{new FileInfo(build).Length / 1e6:F1} MB of .tar.xz written in {clock.Elapsed.TotalSeconds:F0} s");
        clock.Restart();

        using var client = Client(secret);
        using var form = new MultipartFormDataContent();
        form.Add(new StreamContent(File.OpenRead(build), 1 << 20), "ubuntu", "rootfs.tar.xz");
        using var response = await client.PostAsync(new Uri("/api/v1/channels/big/devices/mako/images", UriKind.Relative), form);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Contains("more than 1000000 entries, the most one part may have (SystemImage:Limits:MaxEntriesPerPart)", body);
        output.WriteLine($"refused in {clock.Elapsed.TotalSeconds:F0} s");

        // Reading a million tar headers makes garbage the GC takes back as it goes (before the entry limit, the entries
        // were kept: 1.4 GB); a little more room than for one large file.
        AssertPeakBelow(MaxPeakBytes + (100L << 20), "refusing two million entries");
    }

    [Fact]
    public async Task FourThousandEightHundredFieldsOf64KiBAreRefusedEarlyWithoutTheServerGrowing()
    {
        var secret = await SetUpAsync();
        using var client = Client(secret);
        using var content = new ManyFieldsContent(4_800, 64 << 10);

        using var response = await client.PostAsync(new Uri("/api/v1/channels/big/devices/mako/images", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Contains("'field00000' is not a field of an upload", body);
        output.WriteLine($"the client sent {content.BytesSent / 1e6:F1} MB of {content.Length / 1e6:F0} MB before the answer");
        AssertPeakBelow(MaxPeakBytes, "refusing 4,800 fields");
    }

    private async Task<string> SetUpAsync()
    {
        Assert.Equal(0, (await _server.RunVerbAsync("create-channel", "big")).ExitCode);
        Assert.Equal(0, (await _server.RunVerbAsync("create-device", "big", "mako")).ExitCode);
        return await _server.CreateTokenAsync("uploader", "publisher");
    }

    private HttpClient Client(string secret) => _server.TokenClient(secret, TimeSpan.FromMinutes(5));

    private void AssertPeakBelow(long limit, string what)
    {
        var peak = PeakWorkingSet(_server.ProcessId!.Value);
        output.WriteLine($"server peak working set after {what}: {peak / (1024.0 * 1024):F0} MiB (limit {limit / (1024 * 1024)} MiB)");
        Assert.True(peak < limit, $"peak working set {peak / (1024 * 1024)} MiB");
    }

    /// <summary>A .tar.xz of <paramref name="count"/> empty files with short names: a few MB for a GiB of tar headers.</summary>
    private static void WriteEmptyFiles(string path, int count)
    {
        using var file = File.Create(path);
        using (var xz = new XzEncoderStream(file, new XzSettings { Preset = 1, Threads = 2 }, leaveOpen: true))
        using (var writer = new TarWriter(xz, TarEntryFormat.Gnu, leaveOpen: true))
        {
            for (var i = 0; i < count; i++)
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, $"system/e/{i / 1000:D4}/{i % 1000:D3}")
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                });
            }
        }
    }

    /// <summary>
    /// A tar of three 100 MB files, written in 1 MiB steps: each step is a fresh 64 KiB of pseudo-random bytes
    /// repeated 16 times. The server holds 300 MB of upload; its .xz is about 19 MB and takes about 2 s to make, where
    /// 300 MB of noise took about 25 s of compression this test is not about.
    /// </summary>
    private static void WriteBuild(string path)
    {
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Gnu);
        var random = new Random(300);
        for (var i = 0; i < 3; i++)
        {
            var data = Path.Combine(Path.GetDirectoryName(path)!, $"blob-{i}");
            using (var blob = File.Create(data))
            {
                var chunk = new byte[1 << 20];
                for (long written = 0; written < BuildBytes / 3; written += chunk.Length)
                {
                    random.NextBytes(chunk.AsSpan(0, 64 << 10));
                    for (var copy = 64 << 10; copy < chunk.Length; copy += 64 << 10)
                    {
                        chunk.AsSpan(0, 64 << 10).CopyTo(chunk.AsSpan(copy));
                    }

                    blob.Write(chunk, 0, (int)Math.Min(chunk.Length, BuildBytes / 3 - written));
                }
            }

            writer.WriteEntry(data, $"system/usr/lib/blob-{i}");
            File.Delete(data);
        }
    }

    /// <summary>VmHWM of the process: the most resident memory it ever had.</summary>
    private static long PeakWorkingSet(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
