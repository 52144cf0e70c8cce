using System.Formats.Tar;
using SystemImage.Core.Generators;
using SystemImage.TestUtilities.CdImage;
using SystemImage.TestUtilities.Rootfs;
using Xunit;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary>The exact content of the pool file <c>cdimage-ubuntu</c> makes (SPEC §5).</summary>
public sealed class CdImageRepackTests
{
    private const string Build = CdImageFixture.Build1;
    private static readonly UnixFileMode Mode755 = RootfsEntry.Octal("755");
    private static readonly UnixFileMode Mode777 = RootfsEntry.Octal("777");
    private static readonly UnixFileMode Mode444 = RootfsEntry.Octal("444");

    [Theory]
    [InlineData("touch", null)]
    [InlineData("pd", "pd")]
    [InlineData("core", "core")]
    [InlineData("desktop", "desktop")]
    public async Task PrefixesEveryEntryDropsSwapAndMtabAndAddsTheProductsEntries(string product, string? option)
    {
        await using var fixture = await CdImageFixture.CreateAsync(seed: 3, configure: b => b.WithProduct(product));
        var source = TarListing.Read(new MemoryStream(fixture.Tree.TarOf(Build, "vivid", "armhf", CdImagePart.Rootfs)));

        var output = await RepackAsync(fixture, option is null ? [] : [("product", option)]);

        var kept = source.Where(i => i.Name is not ("SWAP.swap" or "etc/mtab")).ToList();
        Assert.Equal(source.Count - 2, kept.Count);
        var expected = kept.Select(i => i with
        {
            Name = "system/" + i.Name,
            LinkName = i.Type == TarEntryType.HardLink ? "system/" + i.LinkName : i.LinkName,
        }).Concat(Additions(product, source.Max(i => i.Modified)));
        Assert.Equal(expected, output);
    }

    [Fact]
    public async Task KeepsEveryKindOfEntryWithItsMetadata()
    {
        await using var fixture = await CdImageFixture.CreateAsync(seed: 5, configure: b => b.WithRootfs(400, 200_000));
        var tree = fixture.Tree.Content(Build, "vivid", "armhf", CdImagePart.Rootfs);

        var output = (await RepackAsync(fixture)).ToDictionary(i => i.Name.TrimEnd('/'));

        foreach (var entry in tree.Entries.Where(e => e.Path is not ("SWAP.swap" or "etc/mtab")))
        {
            var item = output["system/" + entry.Path];
            Assert.Equal(entry.Type, item.Type);
            if (entry.Type == TarEntryType.HardLink)
            {
                Assert.Equal("system/" + entry.LinkTarget, item.LinkName);
                Assert.Equal(TarEntryType.RegularFile, output[item.LinkName].Type);
                continue;
            }

            Assert.Equal((entry.Mode, entry.Uid, entry.Gid, entry.UserName, entry.GroupName), (item.Mode, item.Uid, item.Gid, item.UserName, item.GroupName));
            Assert.Equal(entry.ModificationTime, item.Modified);
            Assert.Equal((entry.DeviceMajor, entry.DeviceMinor), (item.DeviceMajor, item.DeviceMinor));
            if (entry.Type == TarEntryType.SymbolicLink)
            {
                Assert.Equal(entry.LinkTarget, item.LinkName);
            }
        }

        // The fixture's tree has all of these, so the checks above covered them.
        Assert.Contains(output.Values, i => i.Type == TarEntryType.HardLink);
        Assert.Contains(output.Values, i => i.Type == TarEntryType.CharacterDevice && i.DeviceMajor == 1 && i.DeviceMinor == 3);
        Assert.Contains(output.Values, i => i.Type == TarEntryType.BlockDevice);
        Assert.Contains(output.Values, i => i.Type == TarEntryType.Fifo);
        Assert.Contains(output.Values, i => i.Name.Length > 255);
        Assert.Contains(output.Values, i => i.Mode.HasFlag(UnixFileMode.SetUser));
        Assert.Contains(output.Values, i => i.Type == TarEntryType.SymbolicLink && i.LinkName.StartsWith('/'));
        Assert.All(output.Keys, name => Assert.StartsWith("system/", name));
    }

    [Fact]
    public async Task NormalisesDotSlashNamesAndMakesTheRootEntryTheSystemDirectory()
    {
        await using var fixture = await CdImageFixture.CreateAsync(seed: 7, configure: b => b.WithNamePrefix("./"));
        var source = TarListing.Read(new MemoryStream(fixture.Tree.TarOf(Build, "vivid", "armhf", CdImagePart.Rootfs)));
        Assert.Equal("./", source[0].Name);

        var output = await RepackAsync(fixture);

        Assert.Equal("system/", output[0].Name);
        Assert.Equal(TarEntryType.Directory, output[0].Type);
        Assert.DoesNotContain(output, i => i.Name.Contains("./", StringComparison.Ordinal) || i.LinkName.StartsWith("system/.", StringComparison.Ordinal));
        Assert.DoesNotContain(output, i => i.Name is "system/SWAP.swap");
        Assert.Single(output, i => i.Name == "system/etc/mtab");
        Assert.Equal(
            source.Where(i => i.Type == TarEntryType.HardLink).Select(i => "system/" + i.LinkName[2..]),
            output.Where(i => i.Type == TarEntryType.HardLink).Select(i => i.LinkName));
    }

    [Fact]
    public async Task SourceEntriesThatAnAdditionReplacesAreLeftOutWithHardLinksToDroppedFiles()
    {
        await using var fixture = await CdImageFixture.CreateAsync();
        var tree = fixture.Tree.Content(Build, "vivid", "armhf", CdImagePart.Rootfs).With(
            RootfsEntry.Directory("android", "700"),
            RootfsEntry.File("cache", "a file where the link goes\n"),
            RootfsEntry.HardLink("usr/share/swap-link", "SWAP.swap"),
            RootfsEntry.HardLink("usr/share/cache-link", "cache"));
        fixture.Tree.Replace(Build, "vivid", "armhf", CdImagePart.Rootfs, tree);

        var output = await RepackAsync(fixture);

        Assert.Equal(TarEntryType.Directory, Assert.Single(output, i => i.Name == "system/android/").Type);
        Assert.Equal(Mode755, Assert.Single(output, i => i.Name == "system/android/").Mode);
        Assert.Equal("/android/cache", Assert.Single(output, i => i.Name == "system/cache").LinkName);
        Assert.DoesNotContain(output, i => i.Name.EndsWith("-link", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASourceEntryBelowAnAddedSymlinkFails()
    {
        await using var fixture = await CdImageFixture.CreateAsync();
        var tree = fixture.Tree.Content(Build, "vivid", "armhf", CdImagePart.Rootfs).With(
            RootfsEntry.Directory("persist"), RootfsEntry.File("persist/state", "x\n"));
        fixture.Tree.Replace(Build, "vivid", "armhf", CdImagePart.Rootfs, tree);

        var error = await Assert.ThrowsAsync<GeneratorException>(() => RepackAsync(fixture));

        Assert.Equal("rootfs entry 'persist/state' lies below 'persist', which the re-pack makes a symlink", error.Message);
        Assert.Empty(fixture.WorkLeftovers());
    }

    [Fact]
    public async Task ReportsProgressUpToTheSourceSize()
    {
        await using var fixture = await CdImageFixture.CreateAsync();

        await RepackAsync(fixture);

        var size = new FileInfo(fixture.Tree.PathOf(Build, "vivid", "armhf", CdImagePart.Rootfs)).Length;
        Assert.Equal(("mako", "ubuntu", size, size), fixture.Reporter.ProgressReports[^1]);
        Assert.All(fixture.Reporter.ProgressReports, p => Assert.Equal(size, p.Total));
    }

    [Fact]
    public async Task TheSidecarRecordsTheSourceAndBuild()
    {
        await using var fixture = await CdImageFixture.CreateAsync();
        var session = fixture.NewSession();
        var file = (await fixture.GenerateAsync(fixture.Entry("cdimage-ubuntu", "rootfs"), session: session, version: 4))!;
        await fixture.CommitAsync(session, file);

        var sidecar = TestUtilities.TreeAssert.ReadJson(fixture.Data, file.Path[..^".tar.xz".Length] + ".json");

        var sha256 = fixture.Tree.Sha256Of(Build, "vivid", "armhf", CdImagePart.Rootfs);
        Assert.Equal("cdimage-ubuntu", sidecar["generator"]!.GetValue<string>());
        Assert.Equal("ubuntu=" + Build, sidecar["version_detail"]!.GetValue<string>());
        Assert.Equal(4, sidecar["version"]!.GetValue<int>());
        Assert.Equal(fixture.Tree.PathOf(Build, "vivid", "armhf", CdImagePart.Rootfs), sidecar["source"]!.GetValue<string>());
        Assert.Equal(sha256, sidecar["source_sha256"]!.GetValue<string>());
        Assert.Equal(file.Checksum, sidecar["checksum"]!.GetValue<string>());
        Assert.Equal("rootfs", file.PartName);
        TestUtilities.TreeAssert.Exists(fixture.Data, file.Path + ".asc");
    }

    /// <summary>Runs cdimage-ubuntu for mako, publishes the file and reads it back.</summary>
    private static async Task<List<TarItem>> RepackAsync(CdImageFixture fixture, params (string, string)[] options)
    {
        var session = fixture.NewSession();
        var file = await fixture.GenerateAsync(fixture.Entry("cdimage-ubuntu", "ubuntu", options), session: session);
        Assert.NotNull(file);
        await fixture.CommitAsync(session, file);
        return TarListing.ReadTarXz(fixture.Data.File(file.Path));
    }

    private static IEnumerable<TarItem> Additions(string product, DateTimeOffset time)
    {
        TarItem Directory(string name) => new(name + "/", TarEntryType.Directory, Mode755, 0, 0, "root", "root", time, "", 0, 0, Empty);
        TarItem Link(string name, string target, UnixFileMode mode) => new(name, TarEntryType.SymbolicLink, mode, 0, 0, "root", "root", time, target, 0, 0, Empty);

        if (product is "touch" or "pd")
        {
            yield return Directory("system/android");
            foreach (var name in new[] { "cache", "data", "factory", "firmware", "persist", "system", "odm" })
            {
                yield return Link($"system/{name}", $"/android/{name}", Mode777);
            }

            yield return Link("system/vendor", "/android/system/vendor", Mode777);
        }

        yield return Directory(product == "core" ? "system/writable" : "system/userdata");
        yield return Link("system/etc/mtab", "/proc/mounts", Mode444);
        yield return Directory("system/lib/modules");
    }

    private static readonly string Empty = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Array.Empty<byte>()));
}
