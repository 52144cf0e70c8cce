using System.Diagnostics;
using SystemImage.Core.Channels;
using SystemImage.Core.Compression;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Keyrings and version tarballs (a few KiB) are compressed with a dictionary that fits them, not preset 9's 64 MiB.</summary>
public sealed class SmallFileXzTests
{
    private const long LargestFittingDictionary = 1 << 20;

    [Fact]
    public void SettingsAreASingleThreadedPresetWithASmallDictionary()
    {
        Assert.InRange(SmallFileXz.Settings.Preset, 0, 6);
        Assert.InRange(XzSettings.DictionarySize(SmallFileXz.Settings.Preset), 64 << 10, LargestFittingDictionary);
        Assert.Equal(1, SmallFileXz.Settings.Threads);
        Assert.False(SmallFileXz.Settings.Extreme);
    }

    [Fact]
    public async Task PublishedKeyringsAndDeviceKeyringsUseTheSmallFileDictionaryAndDecodeWithXz()
    {
        await using var data = await TestDataDirectory.CreateAsync();
        var actor = new Actor("tester", "cli");
        Assert.True((await data.Get<ChannelService>().CreateAsync("stable", hidden: false, actor, CancellationToken.None)).Succeeded);
        Assert.True((await data.Get<DeviceService>().CreateAsync("stable", "mako", withKeyring: true, actor, CancellationToken.None)).Succeeded);

        foreach (var path in new[] { "/gpg/archive-master.tar.xz", "/gpg/image-master.tar.xz", "/gpg/image-signing.tar.xz", "/gpg/blacklist.tar.xz", "/stable/mako/device.tar.xz" })
        {
            var file = data.File(path);
            Assert.True(DictionarySize(File.ReadAllBytes(file)) <= LargestFittingDictionary, path);
            AssertXzAccepts(file);
        }
    }

    [Fact]
    public void VersionTarballsUseTheSmallFileDictionaryAndDecodeWithXz()
    {
        var bytes = VersionTarball.Build(new VersionInfo("stable", "mako", 3, "version=3", null, "example.com", "80", "disabled"));
        var file = Path.Combine(Path.GetTempPath(), $"version-{Guid.NewGuid():N}.tar.xz");
        File.WriteAllBytes(file, bytes);
        try
        {
            Assert.True(DictionarySize(bytes) <= LargestFittingDictionary);
            AssertXzAccepts(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void TheSameInputGivesTheSameBytes()
    {
        var info = new VersionInfo("stable", "mako", 3, "version=3", null, "example.com", "80", "disabled");
        Assert.Equal(VersionTarball.Build(info), VersionTarball.Build(info));
    }

    /// <summary>The LZMA2 dictionary size recorded in the first block header of an .xz file (xz file format 1.2, §3.1 and §5.3.1).</summary>
    private static long DictionarySize(byte[] xz)
    {
        var position = 12; // stream header
        var headerEnd = position + (xz[position] + 1) * 4;
        var flags = xz[position + 1];
        position += 2;
        if ((flags & 0x40) != 0)
        {
            ReadVli(xz, ref position); // compressed size
        }

        if ((flags & 0x80) != 0)
        {
            ReadVli(xz, ref position); // uncompressed size
        }

        for (var filter = 0; filter <= (flags & 3); filter++)
        {
            var id = ReadVli(xz, ref position);
            var propertiesSize = (int)ReadVli(xz, ref position);
            if (id == 0x21)
            {
                var bits = xz[position] & 0x3F;
                return bits == 40 ? uint.MaxValue : (2L | (bits & 1)) << (bits / 2 + 11);
            }

            position += propertiesSize;
            Assert.True(position < headerEnd);
        }

        throw new InvalidDataException("no LZMA2 filter in the first block header");
    }

    private static long ReadVli(byte[] bytes, ref int position)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static void AssertXzAccepts(string file)
    {
        using var xz = Process.Start(new ProcessStartInfo(Tools.Require("xz"), ["-t", file]) { RedirectStandardError = true })!;
        var error = xz.StandardError.ReadToEnd();
        xz.WaitForExit();
        Assert.True(xz.ExitCode == 0, $"xz -t {file}: {error}");
    }
}
