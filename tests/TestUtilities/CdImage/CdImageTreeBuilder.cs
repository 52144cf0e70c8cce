namespace SystemImage.TestUtilities.CdImage;

/// <summary>
/// Configures a seeded cdimage tree (see <see cref="CdImageTree"/>): which series and architectures each build has
/// files for, the product, and how large and how different from build to build the rootfs is. Small by default so
/// tests stay fast. The same seed and settings always give the same bytes.
/// </summary>
public sealed class CdImageTreeBuilder(int seed)
{
    private string[] _series = ["vivid"];
    private string[] _architectures = ["armhf"];
    private string _product = "touch";
    private int _rootfsEntries = 120;
    private long _rootfsSize = 64 << 10;
    private string _namePrefix = "";
    private double _changeShare = 0.1;

    /// <summary>The series every build has files for. Default <c>vivid</c>.</summary>
    public CdImageTreeBuilder WithSeries(params string[] series)
    {
        _series = series;
        return this;
    }

    /// <summary>The architectures every build has files for. Default <c>armhf</c>.</summary>
    public CdImageTreeBuilder WithArchitectures(params string[] architectures)
    {
        _architectures = architectures;
        return this;
    }

    /// <summary>The product in the file names. Default <c>touch</c>.</summary>
    public CdImageTreeBuilder WithProduct(string product)
    {
        _product = product;
        return this;
    }

    /// <summary>About how many entries and bytes the rootfs has. Default 120 entries, 64 KiB.</summary>
    public CdImageTreeBuilder WithRootfs(int entries, long totalSize)
    {
        _rootfsEntries = entries;
        _rootfsSize = totalSize;
        return this;
    }

    /// <summary>Prefix of every entry name in the rootfs tarballs; <c>./</c> also adds a root entry, as <c>tar -C dir .</c> does. Default none.</summary>
    public CdImageTreeBuilder WithNamePrefix(string prefix)
    {
        _namePrefix = prefix;
        return this;
    }

    /// <summary>The share (0–1) of files a new build changes. Default 0.1.</summary>
    public CdImageTreeBuilder WithChangeShare(double share)
    {
        _changeShare = share;
        return this;
    }

    /// <summary>Creates <paramref name="directory"/> (with a stray file that is not a build) and returns the tree, still without builds.</summary>
    public CdImageTree Build(string directory) =>
        new(directory, new CdImageTreeSettings(seed, _series, _architectures, _product, _rootfsEntries, _rootfsSize, _namePrefix, _changeShare));
}
