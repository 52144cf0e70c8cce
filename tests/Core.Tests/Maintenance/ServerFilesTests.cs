using SystemImage.Core.Maintenance;
using Xunit;

namespace SystemImage.Core.Tests.Maintenance;

public sealed class ServerFilesTests
{
    private const string Hash = "abababababababababababababababababababababababababababababababab";

    public sealed class IsServerFile
    {
        [Theory]
        [InlineData("/channels.json")]
        [InlineData("/channels.json.asc")]
        [InlineData("/gpg/archive-master.tar.xz")]
        [InlineData("/gpg/blacklist.tar.xz.asc")]
        [InlineData("/pool/ubuntu-" + Hash + ".tar.xz")]
        [InlineData("/pool/ubuntu-" + Hash + ".tar.xz.asc")]
        [InlineData("/pool/ubuntu-" + Hash + ".json")]
        [InlineData("/pool/ubuntu-" + Hash + ".json.asc")]
        [InlineData("/pool/device-" + Hash + ".delta-device-" + Hash + ".tar.xz")]
        [InlineData("/pool/device-" + Hash + ".delta-device-" + Hash + ".json.asc")]
        [InlineData("/stable/mako/index.json")]
        [InlineData("/ubuntu-touch/rc/mako/index.json.asc")]
        [InlineData("/stable/mako/device.tar.xz")]
        [InlineData("/stable/mako/version-12.tar.xz.asc")]
        [InlineData("/stable/mako/version-12.json")]
        public void IsTrueForNamesTheServerWrites(string path) => Assert.True(ServerFiles.IsServerFile(path));

        [Theory]
        [InlineData("/robots.txt")]
        [InlineData("/README")]
        [InlineData("/index.json")]
        [InlineData("/favicon.ico")]
        [InlineData("/.well-known/acme-challenge/token")]
        [InlineData("/pool/README")]
        [InlineData("/pool/stray.tar.xz")]
        [InlineData("/pool/ubuntu-" + Hash + ".tar.gz")]
        [InlineData("/pool/sub/ubuntu-" + Hash + ".tar.xz")]
        [InlineData("/gpg/README.md")]
        [InlineData("/gpg/keys/archive-master.tar.xz")]
        [InlineData("/stable/index.json")]
        [InlineData("/stable/mako/notes.txt")]
        [InlineData("/stable/mako/version-x.tar.xz")]
        [InlineData("/stable/.git/index.json")]
        public void IsFalseForAnythingElse(string path) => Assert.False(ServerFiles.IsServerFile(path));
    }

    public sealed class IsServerTemporary
    {
        [Fact]
        public void IsTrueForABatchTemporaryAndAHealthProbe()
        {
            Assert.True(ServerFiles.IsServerTemporary($".index.json.tmp-{Guid.NewGuid():N}"));
            Assert.True(ServerFiles.IsServerTemporary($".health-{Guid.NewGuid():N}"));
        }

        [Theory]
        [InlineData(".htaccess")]
        [InlineData(".well-known")]
        [InlineData(".health-check")]
        public void IsFalseForOtherDotFiles(string name) => Assert.False(ServerFiles.IsServerTemporary(name));
    }
}
