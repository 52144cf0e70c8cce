using System.Globalization;
using System.Text.RegularExpressions;

namespace SystemImage.Server.Tests;

/// <summary>The samples of a Prometheus text exposition, parsed just enough for assertions.</summary>
public sealed partial class PrometheusText(string text)
{
    public string Text { get; } = text;

    public IReadOnlyList<Sample> Samples { get; } = Parse(text);

    /// <summary>Samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Of(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels, or null when there is none.</summary>
    public double? ValueOrNull(string name, params (string Name, string Value)[] labels) =>
        Of(name, labels).SingleOrDefault()?.Value;

    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    /// <summary>One line: a metric name, its labels and its value.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
