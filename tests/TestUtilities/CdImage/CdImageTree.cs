using System.IO.Compression;
using System.Security.Cryptography;
using SystemImage.TestUtilities.Rootfs;

namespace SystemImage.TestUtilities.CdImage;

/// <summary>
/// A cdimage tree on disk, as the <c>cdimage-*</c> generators read it: one directory per build (<c>20261125</c>,
/// <c>20261125.1</c>…) holding, per series and architecture, a rootfs, a device and a custom <c>.tar.gz</c>, and a
/// <c>SHA256SUMS</c> of them; <c>.marked_good</c> when the build is marked good. Each build's content is the next build
/// (<see cref="RootfsTree.NextBuild"/>) of the newest build before it, so consecutive imports have real deltas. Every
/// rootfs holds a <c>SWAP.swap</c> and an <c>etc/mtab</c>, which the re-pack must drop.
/// </summary>
public sealed class CdImageTree
{
    public const string StrayFile = "README";

    private static readonly DateTimeOffset SwapTime = new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly CdImageTreeSettings _settings;
    private readonly Dictionary<string, Dictionary<(string, string, CdImagePart), RootfsTree>> _builds = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    internal CdImageTree(string root, CdImageTreeSettings settings)
    {
        Root = root;
        _settings = settings;
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, StrayFile), "Not a build.\n");
    }

    /// <summary>The tree's directory, the first argument of a cdimage generator.</summary>
    public string Root { get; }

    public string Product => _settings.Product;

    /// <summary>The build names added so far, in the order they were added.</summary>
    public IReadOnlyList<string> Builds => _order;

    /// <summary>
    /// Adds the build directory <paramref name="name"/> with every file and its SHA256SUMS; its content is the next
    /// build of the last build added (or a fresh tree for the first).
    /// </summary>
    public CdImageTree AddBuild(string name, bool markedGood = false)
    {
        var previous = _order.Count == 0 ? null : _builds[_order[^1]];
        var directory = BuildDirectory(name);
        Directory.CreateDirectory(directory);
        var contents = new Dictionary<(string, string, CdImagePart), RootfsTree>();
        for (var s = 0; s < _settings.Series.Count; s++)
        {
            for (var a = 0; a < _settings.Architectures.Count; a++)
            {
                foreach (var part in Enum.GetValues<CdImagePart>())
                {
                    var key = (_settings.Series[s], _settings.Architectures[a], part);
                    var seed = _settings.Seed + (1000 * s) + (100 * a) + (10 * (int)part) + (10000 * _order.Count);
                    var tree = previous is null ? Fresh(part, seed) : previous[key].NextBuild(seed, _settings.ChangeShare);
                    tree = part == CdImagePart.Rootfs ? WithSwapAndMtab(tree) : tree;
                    contents[key] = tree;
                    WriteTarGz(tree, Path.Combine(directory, FileName(key.Item1, key.Item2, part)), part == CdImagePart.Rootfs ? _settings.NamePrefix : "");
                }
            }
        }

        _builds[name] = contents;
        _order.Add(name);
        WriteSums(directory);
        if (markedGood)
        {
            MarkGood(name);
        }

        return this;
    }

    /// <summary>Marks a build good, as cdimage's <c>.marked_good</c> file does.</summary>
    public CdImageTree MarkGood(string build)
    {
        File.WriteAllText(Path.Combine(BuildDirectory(build), ".marked_good"), "");
        return this;
    }

    /// <summary>Points the symlink <paramref name="link"/> (<c>current</c>, <c>pending</c>) at a build, as cdimage does.</summary>
    public CdImageTree Link(string link, string build)
    {
        var path = Path.Combine(Root, link);
        File.Delete(path);
        File.CreateSymbolicLink(path, build);
        return this;
    }

    public string BuildDirectory(string build) => Path.Combine(Root, build);

    /// <summary>The file name, e.g. <c>vivid-preinstalled-touch-armhf.device.tar.gz</c>.</summary>
    public string FileName(string series, string architecture, CdImagePart part) =>
        $"{series}-preinstalled-{_settings.Product}-{architecture}{part switch { CdImagePart.Device => ".device", CdImagePart.Custom => ".custom", _ => "" }}.tar.gz";

    /// <summary>The full path of a build's file.</summary>
    public string PathOf(string build, string series, string architecture, CdImagePart part) =>
        Path.Combine(BuildDirectory(build), FileName(series, architecture, part));

    /// <summary>The content of a build's file (the rootfs with its SWAP.swap and etc/mtab).</summary>
    public RootfsTree Content(string build, string series, string architecture, CdImagePart part) => _builds[build][(series, architecture, part)];

    /// <summary>The lowercase hex SHA-256 of a build's file.</summary>
    public string Sha256Of(string build, string series, string architecture, CdImagePart part) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(PathOf(build, series, architecture, part))));

    /// <summary>The uncompressed tar of a build's file.</summary>
    public byte[] TarOf(string build, string series, string architecture, CdImagePart part)
    {
        using var file = File.OpenRead(PathOf(build, series, architecture, part));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new MemoryStream();
        gzip.CopyTo(tar);
        return tar.ToArray();
    }

    /// <summary>Replaces a build's file with <paramref name="content"/> and rewrites the build's SHA256SUMS to match.</summary>
    public CdImageTree Replace(string build, string series, string architecture, CdImagePart part, RootfsTree content, string namePrefix = "")
    {
        WriteTarGz(content, PathOf(build, series, architecture, part), namePrefix);
        _builds[build][(series, architecture, part)] = content;
        RewriteSums(build);
        return this;
    }

    /// <summary>Rewrites a build's SHA256SUMS from the files it has now (after a test replaced or removed one).</summary>
    public void RewriteSums(string build) => WriteSums(BuildDirectory(build));

    private RootfsTree Fresh(CdImagePart part, int seed) => part == CdImagePart.Rootfs
        ? new RootfsBuilder(seed).WithEntries(_settings.RootfsEntries).WithTotalSize(_settings.RootfsSize).WithMaxFileSize(16 << 10).Build()
        : new RootfsBuilder(seed).WithEntries(60).WithTotalSize(16 << 10).WithMaxFileSize(4 << 10).Build();

    private static RootfsTree WithSwapAndMtab(RootfsTree tree) => tree.With(
        RootfsEntry.File("SWAP.swap", new byte[4096], "600") with { ModificationTime = SwapTime },
        RootfsEntry.Symlink("etc/mtab", "../proc/self/mounts"));

    private static void WriteTarGz(RootfsTree tree, string path, string namePrefix)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        tree.WriteTar(gzip, namePrefix);
    }

    private static void WriteSums(string directory)
    {
        var lines = Directory.EnumerateFiles(directory, "*.tar.gz")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Select(name => $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, name!))))} *{name}\n");
        File.WriteAllText(Path.Combine(directory, "SHA256SUMS"), string.Concat(lines));
    }
}
