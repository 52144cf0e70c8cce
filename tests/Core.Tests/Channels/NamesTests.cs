using SystemImage.Core.Channels;
using Xunit;

namespace SystemImage.Core.Tests.Channels;

public sealed class NamesTests
{
    [Theory]
    [InlineData("stable")]
    [InlineData("ubuntu-touch/rc-proposed/ubuntu")]
    [InlineData("14.09-proposed")]
    [InlineData("devel_customized+x~1")]
    [InlineData("apiary")]
    public void AcceptsOrdinaryChannelNames(string name) => Assert.Null(Names.ValidateChannel(name));

    [Theory]
    [InlineData("api", "reserved")]
    [InlineData("Admin/x", "reserved")]
    [InlineData("health", "reserved")]
    [InlineData("a/../b", "'..'")]
    [InlineData("a/./b", "'.'")]
    [InlineData("a\tb", "control")]
    [InlineData("a/.git", "start with '.'")]
    [InlineData("a\\b", "not allowed")]
    [InlineData("channels.json.asc", "reserved")]
    [InlineData("Channels.JSON", "reserved")]
    [InlineData("pool/stable", "reserved")]
    [InlineData("index.json", "ends in '.json'")]
    [InlineData("stable/version-3.tar.xz", "ends in '.tar.xz'")]
    [InlineData("stable/x.ASC", "ends in '.asc'")]
    [InlineData("blacklist.json/stable", "ends in '.json'")]
    public void RefusesBadChannelNamesSayingWhy(string name, string reason) =>
        Assert.Contains(reason, Names.ValidateChannel(name));

    [Theory]
    [InlineData("mako")]
    [InlineData("generic_amd64")]
    [InlineData("json")]
    [InlineData("x.jsonl")]
    public void AcceptsOrdinaryDeviceNames(string name) => Assert.Null(Names.ValidateDevice(name));

    [Theory]
    [InlineData("index.json", "ends in '.json'")]
    [InlineData("index.json.asc", "ends in '.asc'")]
    [InlineData("device.tar.xz", "ends in '.tar.xz'")]
    [InlineData("version-1.json", "ends in '.json'")]
    [InlineData(".mako", "start with '.'")]
    [InlineData("a/b", "cannot contain '/'")]
    public void RefusesDeviceNamesThatCollideWithTheServersFiles(string name, string reason) =>
        Assert.Contains(reason, Names.ValidateDevice(name));

    [Theory]
    [InlineData("ubuntu")]
    [InlineData("device")]
    [InlineData("custom_2")]
    [InlineData("0day-x")]
    public void AcceptsPartNames(string name) => Assert.Null(Names.ValidatePart(name));

    [Theory]
    [InlineData("")]
    [InlineData("Ubuntu")]
    [InlineData("_x")]
    [InlineData("a.b")]
    [InlineData("a/b")]
    public void RefusesPartNamesOutsideTheAllowedSet(string name) => Assert.NotNull(Names.ValidatePart(name));
}
