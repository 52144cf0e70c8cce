using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Admin.Ui.Jobs;

/// <summary>The choices of the jobs page's filters and what each one selects.</summary>
public static class JobFilters
{
    /// <summary>No filter.</summary>
    public const string All = "";

    /// <summary>The channel choice for tree-wide jobs (not a valid channel name, so it cannot clash with one).</summary>
    public const string TreeWide = "(tree-wide)";

    /// <summary>State choices: value and label.</summary>
    public static IReadOnlyList<(string Value, string Label)> States { get; } =
    [
        (All, "Any state"),
        ("active", "Queued or running"),
        ("succeeded", "Succeeded"),
        ("nothing-new", "Nothing new"),
        ("failed", "Failed"),
        ("cancelled", "Cancelled"),
        ("skipped", "Skipped"),
    ];

    /// <summary>The channel to ask for: null for every job, empty for tree-wide jobs.</summary>
    public static string? ChannelOf(string choice) => choice switch
    {
        All => null,
        TreeWide => "",
        _ => choice,
    };

    public static IReadOnlyCollection<ImportRunState>? StatesOf(string choice) => choice switch
    {
        "active" => [ImportRunState.Queued, ImportRunState.Running],
        "succeeded" => [ImportRunState.Succeeded],
        "nothing-new" => [ImportRunState.NothingNew],
        "failed" => [ImportRunState.Failed],
        "cancelled" => [ImportRunState.Cancelled],
        "skipped" => [ImportRunState.Skipped],
        _ => null,
    };
}
