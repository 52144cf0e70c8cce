using System.Globalization;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Admin.Ui.Jobs;

/// <summary>How jobs read on the pages: state names and styles, byte counts.</summary>
public static class JobText
{
    /// <summary>The state as the API names it (<c>nothing-new</c> reads "nothing new").</summary>
    public static string State(ImportRunState state) => state == ImportRunState.NothingNew ? "nothing new" : state.ToString().ToLowerInvariant();

    /// <summary>The badge style of a state.</summary>
    public static string StateClass(ImportRunState state) => state switch
    {
        ImportRunState.Queued => "queued",
        ImportRunState.Running => "running",
        ImportRunState.Succeeded => "ok",
        ImportRunState.Failed or ImportRunState.Cancelled => "failed",
        _ => "paused",
    };

    public static bool IsActive(ImportRunState state) => state is ImportRunState.Queued or ImportRunState.Running;

    /// <summary>What a job is about: its channel, or for tree-wide jobs what it does.</summary>
    public static string Subject(ImportRun run) => run.Kind switch
    {
        ImportRun.ImportKind => run.Channel,
        ImportRun.ResignKind => "the whole tree",
        _ => run.Trigger,
    };

    /// <summary>A byte count for people: 512 B, 12.3 MB.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    /// <summary>Done out of total as a whole percentage (0–100), or null when the total is unknown.</summary>
    public static int? Percent(long done, long? total) =>
        total is > 0 ? (int)Math.Clamp(done * 100 / total.Value, 0, 100) : null;
}
