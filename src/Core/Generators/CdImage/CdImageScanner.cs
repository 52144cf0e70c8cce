using System.Text.RegularExpressions;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>Finds the newest build of a cdimage tree that has a given file (SPEC §5, <c>cdimage-*</c> generators).</summary>
internal static partial class CdImageScanner
{
    public const string Checksums = "SHA256SUMS";

    public const string MarkedGood = ".marked_good";

    /// <summary>
    /// The newest build directory under <paramref name="root"/> with <c>SHA256SUMS</c>, <paramref name="fileName"/> and,
    /// when <paramref name="goodOnly"/>, <c>.marked_good</c>; null with the reason when there is none. Entries that are
    /// not build directories (<c>current</c> and <c>pending</c> links, files) are ignored.
    /// </summary>
    /// <exception cref="GeneratorException">The tree cannot be read, or the chosen build's SHA256SUMS does not list the file.</exception>
    public static (CdImageBuild? Build, string? Reason) FindNewest(string root, string fileName, bool goodOnly)
    {
        try
        {
            if (!Directory.Exists(root))
            {
                return (null, $"the cdimage tree {root} does not exist");
            }

            var builds = new DirectoryInfo(root).EnumerateDirectories()
                .Select(d => d.Name)
                .Where(BuildName.IsBuild)
                .OrderDescending(BuildName.Comparer)
                .ToList();
            if (builds.Count == 0)
            {
                return (null, $"the cdimage tree {root} has no build directories");
            }

            foreach (var build in builds)
            {
                var directory = Path.Combine(root, build);
                var file = Path.Combine(directory, fileName);
                var sums = Path.Combine(directory, Checksums);
                if (File.Exists(file) && File.Exists(sums) && (!goodOnly || File.Exists(Path.Combine(directory, MarkedGood))))
                {
                    var sha256 = ChecksumOf(sums, fileName)
                        ?? throw new GeneratorException($"build {build}: {Checksums} does not list {fileName}");
                    return (new CdImageBuild(build, file, sha256), null);
                }
            }

            var needs = goodOnly ? $"{fileName}, {Checksums} and {MarkedGood}" : $"{fileName} and {Checksums}";
            return (null, $"none of the {builds.Count} build(s) under {root} (newest {builds[0]}) has {needs}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GeneratorException($"cannot read the cdimage tree {root}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>The lowercase SHA-256 that a <c>sha256sum</c> output file gives for <paramref name="fileName"/>, or null.</summary>
    public static string? ChecksumOf(string sumsPath, string fileName)
    {
        foreach (var line in File.ReadLines(sumsPath))
        {
            // "<hash>  <name>" (text mode) or "<hash> *<name>" (binary mode).
            var match = SumsLine().Match(line.TrimEnd('\r'));
            if (match.Success && match.Groups["name"].Value is var name && (name == fileName || name == "./" + fileName))
            {
                return match.Groups["hash"].Value.ToLowerInvariant();
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?<hash>[0-9a-fA-F]{64}) [ *](?<name>.+)\z")]
    private static partial Regex SumsLine();
}
