using System.Globalization;
using System.Text.RegularExpressions;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Accessibility;

/// <summary>WCAG 2.2 (1.4.11, 2.4.13): the focus outline in the dark top bar has at least 3:1 contrast against the bar's background.</summary>
public sealed partial class FocusContrastTests
{
    private static readonly string Css = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Admin.Ui", "wwwroot", "admin.css"));

    [Fact]
    public void TheTopBarFocusOutlineStandsOutFromTheTopBar()
    {
        var background = Color(Declaration(".topbar", "background"));
        var outline = Color(Declaration(".topbar a:focus-visible, .topbar button:focus-visible", "outline"));

        var ratio = Contrast(outline, background);

        Assert.True(ratio >= 3, $"The top bar's focus outline has {ratio:0.00}:1 contrast against its background; at least 3:1 is needed.");
    }

    [Theory]
    [InlineData("#000000", "#ffffff", 21)]
    [InlineData("#2456a6", "#1d2430", 2.19)]
    [InlineData("#767676", "#ffffff", 4.54)]
    public void ContrastFollowsTheWcagFormula(string a, string b, double expected) =>
        Assert.Equal(expected, Contrast(Color(a), Color(b)), 2);

    /// <summary>The value of <paramref name="property"/> in the last rule whose selector is exactly <paramref name="selector"/>.</summary>
    private static string Declaration(string selector, string property)
    {
        var rules = RuleRegex().Matches(Css).Where(m => m.Groups["selector"].Value.Trim() == selector).ToList();
        Assert.True(rules.Count > 0, $"admin.css has no rule for '{selector}'.");
        var value = rules.Select(r => Regex.Match(r.Groups["body"].Value, $@"(?:^|;)\s*{Regex.Escape(property)}\s*:\s*(?<value>[^;]+)"))
            .LastOrDefault(m => m.Success)?.Groups["value"].Value.Trim();
        Assert.True(value is not null, $"'{selector}' sets no {property}.");
        return value;
    }

    /// <summary>The colour in a declaration value: a hex colour, or a custom property (var(--x)) resolved from :root.</summary>
    private static (double R, double G, double B) Color(string value)
    {
        if (Regex.Match(value, @"var\((?<name>--[\w-]+)\)") is { Success: true } variable)
        {
            var definition = Regex.Match(Css, $@"{Regex.Escape(variable.Groups["name"].Value)}\s*:\s*(?<value>#[0-9a-fA-F]{{3,6}})");
            Assert.True(definition.Success, $"{variable.Groups["name"].Value} is not defined as a hex colour.");
            return Color(definition.Groups["value"].Value);
        }

        var hex = Regex.Match(value, "#(?<hex>[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\\b");
        Assert.True(hex.Success, $"'{value}' names no colour.");
        var digits = hex.Groups["hex"].Value;
        if (digits.Length == 3)
        {
            digits = string.Concat(digits.Select(c => $"{c}{c}"));
        }

        double Channel(int i) => int.Parse(digits.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
        return (Channel(0), Channel(1), Channel(2));
    }

    // See: https://www.w3.org/TR/WCAG22/#dfn-relative-luminance and #dfn-contrast-ratio
    private static double Contrast((double R, double G, double B) a, (double R, double G, double B) b)
    {
        static double Linear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        static double Luminance((double R, double G, double B) c) => (0.2126 * Linear(c.R)) + (0.7152 * Linear(c.G)) + (0.0722 * Linear(c.B));
        var (light, dark) = (Math.Max(Luminance(a), Luminance(b)), Math.Min(Luminance(a), Luminance(b)));
        return (light + 0.05) / (dark + 0.05);
    }

    [GeneratedRegex(@"(?<selector>[^{}]+)\{(?<body>[^{}]*)\}")]
    private static partial Regex RuleRegex();
}
