using System.Globalization;

namespace SystemImage.Core.Rollouts;

/// <summary>A step as written when a rollout starts: the percentage, and how long after the start it comes due.</summary>
public sealed record RolloutStepSpec(int Percentage, TimeSpan After)
{
    /// <summary>Most steps one rollout may have.</summary>
    public const int MaxSteps = 20;

    /// <summary>Longest a rollout may last.</summary>
    public static readonly TimeSpan MaxAfter = TimeSpan.FromDays(365);

    /// <summary>Reads <c>10@now,50@+24h,100@+3d</c> (units <c>m</c>, <c>h</c>, <c>d</c>); the error says what is wrong.</summary>
    public static (IReadOnlyList<RolloutStepSpec> Steps, string? Error) Parse(string? text)
    {
        var steps = new List<RolloutStepSpec>();
        var items = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length is 0 or > MaxSteps)
        {
            return ([], $"Give 1 to {MaxSteps} steps as PERCENT@WHEN, e.g. 10@now,50@+24h,100@+72h.");
        }

        foreach (var item in items)
        {
            var parts = item.Split('@', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var percentage) || percentage > 100)
            {
                return ([], $"Step '{item}' is not PERCENT@WHEN with a percentage 0–100 (e.g. 50@+24h).");
            }

            if (ParseAfter(parts[1]) is not { } after)
            {
                return ([], $"Step '{item}': '{parts[1]}' is not 'now' or +N followed by m, h or d (e.g. +24h), at most a year.");
            }

            if (steps.Count > 0 && after < steps[^1].After)
            {
                return ([], $"Step '{item}' comes before the step ahead of it; list the steps in time order.");
            }

            steps.Add(new RolloutStepSpec(percentage, after));
        }

        return (steps, null);
    }

    /// <summary>The steps written back as <see cref="Parse"/> reads them.</summary>
    public static string Format(IEnumerable<RolloutStepSpec> steps) => string.Join(',', steps.Select(s => $"{s.Percentage}@{When(s.After)}"));

    private static string When(TimeSpan after) =>
        after == TimeSpan.Zero ? "now"
        : after.TotalDays == Math.Floor(after.TotalDays) ? $"+{after.TotalDays:0}d"
        : after.TotalHours == Math.Floor(after.TotalHours) ? $"+{after.TotalHours:0}h"
        : $"+{after.TotalMinutes:0}m";

    private static TimeSpan? ParseAfter(string when)
    {
        if (when.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            return TimeSpan.Zero;
        }

        if (when.Length < 3 || when[0] != '+' || !int.TryParse(when.AsSpan(1, when.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        TimeSpan? after = char.ToLowerInvariant(when[^1]) switch
        {
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => null,
        };
        return after <= MaxAfter ? after : null;
    }
}
