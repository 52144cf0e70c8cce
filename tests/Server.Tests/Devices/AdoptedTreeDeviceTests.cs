using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// The done-when of adopt-tree, judged by the real device client: phones on the classic fixture's build 2, trusting only
/// the classic archive-master keyring, update to the build our server imports next, through a delta from their build.
/// </summary>
public sealed class AdoptedTreeDeviceTests : IAsyncLifetime
{
    private readonly ServerProcess _server = new();
    private readonly ClassicFixture _classic = ClassicFixture.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _classic.Dispose();
    }

    [DeviceFact]
    public async Task ADeviceOnTheClassicBuildUpdatesThroughADeltaToTheNextBuildWeImport()
    {
        Assert.True((await _server.RunVerbAsync("adopt-tree", _classic.Path)) is { ExitCode: 0 } adopted, "adopt-tree failed");
        WriteCdImageBuild("20240103");
        var imported = await _server.RunVerbAsync("import-images");
        Assert.True(imported.ExitCode == 0, imported.Stdout + imported.Stderr);
        Assert.Contains("Imported testing: flo version 3, mako version 3.", imported.Stdout);
        await _server.StartAsync();

        foreach (var device in new[] { "mako", "flo" })
        {
            var run = await DeviceClient.RunAsync(_server, new ClientRequest("testing", device, 2, "download")
            {
                ArchiveMaster = _classic.ArchiveMasterKeyring,
                ExpectPath = "3",
                Filter = "delta",
            });
            Assert.True(run.Passed, $"{device}: {run.Verdict}\n{run.Stdout}\n{run.Log}");
            Assert.Contains(run.Updates, file => file.Contains(".delta-ubuntu-", StringComparison.Ordinal));
        }
    }

    /// <summary>A new cdimage build beside the fixture's two: build 2's rootfs with one file changed and one added.</summary>
    private void WriteCdImageBuild(string serial)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_classic.Path, "cdimage", serial)).FullName;
        var previous = Path.Combine(_classic.Path, "cdimage", "20240102", "xenial-preinstalled-touch-armhf.tar.gz");
        var tarball = Path.Combine(directory, "xenial-preinstalled-touch-armhf.tar.gz");
        using (var input = new TarReader(new GZipStream(File.OpenRead(previous), CompressionMode.Decompress)))
        using (var output = new TarWriter(new GZipStream(File.Create(tarball), CompressionLevel.Fastest), TarEntryFormat.Pax))
        {
            while (input.GetNextEntry(copyData: true) is { } entry)
            {
                if (entry.Name.TrimStart('.', '/') == "etc/anchor-release")
                {
                    entry.DataStream = new MemoryStream("3\n"u8.ToArray());
                }

                output.WriteEntry(entry);
            }

            output.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "usr/share/anchor/blob-three.txt") { DataStream = new MemoryStream("build three\n"u8.ToArray()) });
        }

        File.WriteAllText(Path.Combine(directory, "SHA256SUMS"),
            $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tarball)))}  xenial-preinstalled-touch-armhf.tar.gz\n");
    }
}
