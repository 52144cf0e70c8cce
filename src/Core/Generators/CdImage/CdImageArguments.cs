using System.Text.RegularExpressions;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// The arguments and options the cdimage generators share: <c>path;series</c> and <c>product=…,import=any|good</c>.
/// A product is any lowercase name (<c>touch</c>, <c>pd</c>, <c>core</c>, <c>desktop</c>…): it is part of the file
/// name, and only <c>touch</c>/<c>pd</c> (Android links) and <c>core</c> (<c>writable</c>) change the re-pack.
/// </summary>
/// <param name="Path">The absolute path of the cdimage tree whose subdirectories are the builds.</param>
/// <param name="Series">The series in the file names, e.g. <c>vivid</c>.</param>
/// <param name="Product">The product in the file names; default <c>touch</c>.</param>
/// <param name="GoodOnly">True with <c>import=good</c>: only builds marked good (<c>.marked_good</c>) qualify.</param>
internal sealed partial record CdImageArguments(string Path, string Series, string Product, bool GoodOnly)
{
    public const string DefaultProduct = "touch";

    private static readonly string[] KnownOptions = ["import", "product"];

    /// <summary>The file of the build for <paramref name="architecture"/>, e.g. <c>vivid-preinstalled-touch-armhf.device.tar.gz</c>.</summary>
    public string FileName(string architecture, string suffix) => $"{Series}-preinstalled-{Product}-{architecture}{suffix}";

    /// <summary>A one-line reason why <paramref name="file"/> is not a valid cdimage entry, or null.</summary>
    public static string? Validate(ImportFile file)
    {
        if (file.Arguments.Count != 2)
        {
            return $"{file.Generator} takes 2 arguments, the path of a cdimage tree and a series (path;series), not {file.Arguments.Count}";
        }

        var (path, series) = (file.Arguments[0], file.Arguments[1]);
        if (!System.IO.Path.IsPathFullyQualified(path) || path.Any(char.IsControl))
        {
            return $"the cdimage path '{Shown(path)}' is not an absolute path";
        }

        if (!SeriesPattern().IsMatch(series))
        {
            return $"the series '{Shown(series)}' is not a series name (lowercase letters, digits, '.' and '-', e.g. vivid)";
        }

        if (file.Options.Keys.FirstOrDefault(k => !KnownOptions.Contains(k)) is { } unknown)
        {
            return $"unknown option '{Shown(unknown)}' (known: {string.Join(", ", KnownOptions)})";
        }

        if (file.Options.TryGetValue("product", out var product) && !ProductPattern().IsMatch(product))
        {
            return $"the product '{Shown(product)}' is not a product name (lowercase letters, digits and '-', e.g. touch, pd, core)";
        }

        return file.Options.TryGetValue("import", out var import) && import is not ("any" or "good")
            ? $"import must be 'any' or 'good', not '{Shown(import)}'"
            : null;
    }

    /// <summary>The arguments of a valid entry.</summary>
    /// <exception cref="GeneratorException">The entry is not valid (a configuration saved before validation existed).</exception>
    public static CdImageArguments Parse(ImportFile file)
    {
        if (Validate(file) is { } error)
        {
            throw new GeneratorException(error);
        }

        return new CdImageArguments(
            file.Arguments[0],
            file.Arguments[1],
            file.Options.GetValueOrDefault("product") ?? DefaultProduct,
            file.Options.GetValueOrDefault("import") == "good");
    }

    private static string Shown(string value) => new(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]*\z")]
    private static partial Regex SeriesPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex ProductPattern();
}
