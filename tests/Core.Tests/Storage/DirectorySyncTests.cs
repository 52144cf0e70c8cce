using Cpu = System.Runtime.InteropServices.Architecture;
using SystemImage.Core.Storage;
using Xunit;

namespace SystemImage.Core.Tests.Storage;

public sealed class DirectorySyncTests
{
    public sealed class DirectoryFlag
    {
        // The kernel's uapi headers: asm-generic/fcntl.h (0200000) unless arch/<arch>/include/uapi/asm/fcntl.h overrides it.
        [Theory]
        [InlineData(Cpu.X64, 0x10000)]
        [InlineData(Cpu.X86, 0x10000)]
        [InlineData(Cpu.RiscV64, 0x10000)]
        [InlineData(Cpu.LoongArch64, 0x10000)]
        [InlineData(Cpu.S390x, 0x10000)]
        [InlineData(Cpu.Arm64, 0x4000)]
        [InlineData(Cpu.Arm, 0x4000)]
        [InlineData(Cpu.Armv6, 0x4000)]
        [InlineData(Cpu.Ppc64le, 0x4000)]
        public void IsTheLinuxValueOfTheArchitecture(Cpu architecture, int expected) =>
            Assert.Equal(expected, DirectorySync.DirectoryFlag(architecture));

        [Fact]
        public void IsNeverTheArmValueOfODirect() =>
            Assert.NotEqual(0x10000, DirectorySync.DirectoryFlag(Cpu.Arm64));

        [Fact]
        public void IsNoFlagOnAnArchitectureWithoutLinux() =>
            Assert.Equal(0, DirectorySync.DirectoryFlag(Cpu.Wasm));
    }

    public sealed class Flush : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("dirsync-").FullName;

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        [Fact]
        public void SyncsADirectory() => DirectorySync.Flush(_directory);

        [Fact]
        public void RefusesAPathThatIsNotADirectoryOnLinux()
        {
            var file = Path.Combine(_directory, "file");
            File.WriteAllText(file, "x");

            if (OperatingSystem.IsLinux())
            {
                // ENOTDIR proves the flag this process passes really is O_DIRECTORY (on ARM the x86 value is O_DIRECT).
                Assert.Throws<IOException>(() => DirectorySync.Flush(file));
            }
        }
    }
}
