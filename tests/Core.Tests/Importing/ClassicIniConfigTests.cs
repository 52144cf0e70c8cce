using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

public sealed class ClassicIniConfigTests
{
    /// <summary>The working example of the importer issue, with fixture paths and URLs filled in.</summary>
    public const string Example = """
        [global]
        channels = ubuntu-touch/rc/ubuntu, ubuntu-touch/rc-proposed/ubuntu, ubuntu-touch/stable/ubuntu
        [channel_ubuntu-touch/rc-proposed/ubuntu]
        type = auto
        versionbase = 1
        fullcount = 15
        deltabase = ubuntu-touch/rc/ubuntu, ubuntu-touch/rc-proposed/ubuntu, ubuntu-touch/stable/ubuntu
        files = ubuntu, device,krillin, device,vegetahd, device,arale, device, custom, version
        file_ubuntu = cdimage-ubuntu;/srv/cdimage/ubuntu-touch;vivid;import=any
        file_custom = cdimage-custom;/srv/cdimage/ubuntu-touch-custom;vivid;import=any
        file_device = cdimage-device;/srv/cdimage/ubuntu-touch;vivid;import=any
        file_device,krillin = http;http://127.0.0.1:8080/krillin/device.tar.xz;name=device,monitor=http://127.0.0.1:8080/krillin/build
        file_device,vegetahd = http;http://127.0.0.1:8080/vegetahd/device.tar.xz;name=device,monitor=http://127.0.0.1:8080/vegetahd/build
        file_device,arale = http;http://127.0.0.1:8080/arale/device.tar.xz;name=device,monitor=http://127.0.0.1:8080/arale/build
        file_version = version
        """;

    [Fact]
    public void ReadsTheWorkingExample()
    {
        var channels = ClassicIniConfig.Parse(Example);

        Assert.Equal(["ubuntu-touch/rc/ubuntu", "ubuntu-touch/rc-proposed/ubuntu", "ubuntu-touch/stable/ubuntu"], channels.Select(c => c.Channel));
        Assert.Equal([ChannelType.Manual, ChannelType.Auto, ChannelType.Manual], channels.Select(c => c.Config.Type));
        var auto = channels[1].Config;
        Assert.Equal((1, 15), (auto.VersionBase, auto.FullCount));
        Assert.Equal(3, auto.DeltaBases.Count);
        Assert.Equal(
            ["ubuntu", "device,krillin", "device,vegetahd", "device,arale", "device", "custom", "version"],
            auto.Files.Select(f => f.Device is null ? f.Name : $"{f.Name},{f.Device}"));
        var ubuntu = auto.Files[0];
        Assert.Equal(("cdimage-ubuntu", "any"), (ubuntu.Generator, ubuntu.Options["import"]));
        Assert.Equal(["/srv/cdimage/ubuntu-touch", "vivid"], ubuntu.Arguments);
        var krillin = auto.Files[1];
        Assert.Equal(["http://127.0.0.1:8080/krillin/device.tar.xz"], krillin.Arguments);
        Assert.Equal("http://127.0.0.1:8080/krillin/build", krillin.Options["monitor"]);
        Assert.Equal("device", krillin.Options["name"]);
        Assert.Equal(("version", 0), (auto.Files[^1].Generator, auto.Files[^1].Arguments.Count));
    }

    [Fact]
    public void GivesEachDeviceItsOverrideInTheGenericEntrysPlace()
    {
        var files = ClassicIniConfig.Parse(Example)[1].Config.Files;

        Assert.Equal(["cdimage-ubuntu", "http", "cdimage-custom", "version"], ImporterConfig.FilesFor(files, "krillin").Select(f => f.Generator));
        Assert.Equal(["cdimage-ubuntu", "cdimage-device", "cdimage-custom", "version"], ImporterConfig.FilesFor(files, "mako").Select(f => f.Generator));
    }

    [Fact]
    public void KeepsAUrlWithAnEqualsSignAsAnArgument()
    {
        var file = ClassicIniConfig.Parse("""
            [global]
            channels = a
            [channel_a]
            type = auto
            files = device, version
            file_device = http;http://example.com/get?file=device.tar.xz
            file_version = version
            schedule = 0 3 * * *
            paused = yes
            """)[0].Config;

        Assert.Equal(["http://example.com/get?file=device.tar.xz"], file.Files[0].Arguments);
        Assert.Empty(file.Files[0].Options);
        Assert.Equal(("0 3 * * *", true), (file.Schedule, file.Paused));
    }

    [Theory]
    [InlineData("[channel_a]\ntype = auto", "[global]")]
    [InlineData("[global]\nchannels = a\n[channel_a]\ntype = sometimes", "line 4: type 'sometimes'")]
    [InlineData("[global]\nchannels = a\n[channel_a]\nfullcount = many", "line 4: fullcount 'many' is not a whole number")]
    [InlineData("[global]\nchannels = a\n[channel_a]\ncolour = blue", "line 4: unknown key 'colour'")]
    [InlineData("[global]\nchannels = a\n[channel_a]\nfiles = ubuntu\n", "no 'file_ubuntu' key")]
    [InlineData("[global]\nchannels = a\n[channel_a]\nfiles = ubuntu\nfile_ubuntu = version\nfile_extra = version", "'file_extra' is not in the 'files' list")]
    [InlineData("[global]\nchannels = a\n[channel_b]\ntype = auto", "[channel_b] is for a channel that [global] channels does not list")]
    [InlineData("[global]\nchannels = a\n[channel_a]\ntype = auto\ntype = manual", "line 5: key 'type' appears twice")]
    [InlineData("[global]\nchannels = a\njust some words", "line 3: 'just some words' is not 'key = value'")]
    public void RefusesBadInputNamingTheLine(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ClassicIniConfig.Parse(text));

        Assert.Contains(expected, error.Message);
    }
}
