using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using Xunit;
using Xunit.Abstractions;

namespace SystemImage.Server.Tests;

/// <summary>A 300 MB build uploaded to the real server process: it streams to disk, so the server's peak memory stays low.</summary>
public sealed class LargeUploadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long BuildBytes = 300L * 1000 * 1000;
    private const long MaxPeakBytes = 300L * 1024 * 1024;

    // Compression speed is not what this test is about: the fastest preset keeps it short.
    private readonly ServerProcess _server = new() { Environment = { ["SystemImage__Xz__Preset"] = "0" } };

    public Task InitializeAsync() => _server.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A300MegabyteUploadKeepsTheServerUnder300MegabytesOfMemory()
    {
        Assert.Equal(0, (await _server.RunVerbAsync("create-channel", "big")).ExitCode);
        Assert.Equal(0, (await _server.RunVerbAsync("create-device", "big", "mako")).ExitCode);
        var secret = (await _server.RunVerbAsync("tokens", "create", "uploader", "--role", "publisher")).Stdout.Trim().Split('\n')[^1].Trim();
        var build = Path.Combine(_server.DataDir, "rootfs.tar");
        WriteBuild(build);

        using var client = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var form = new MultipartFormDataContent();
        form.Add(new StreamContent(File.OpenRead(build), 1 << 20), "ubuntu", "rootfs.tar");
        using var response = await client.PostAsync(new Uri("/api/v1/channels/big/devices/mako/images", UriKind.Relative), form);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var peak = PeakWorkingSet(_server.ProcessId!.Value);
        output.WriteLine($"server peak working set after a {new FileInfo(build).Length / 1e6:F0} MB upload: {peak / (1024.0 * 1024):F0} MiB (limit {MaxPeakBytes / (1024 * 1024)} MiB)");
        Assert.True(peak < MaxPeakBytes, $"peak working set {peak / (1024 * 1024)} MiB");
    }

    /// <summary>A tar of three 100 MB files of pseudo-random bytes, written in 1 MiB steps.</summary>
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
                    random.NextBytes(chunk);
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
