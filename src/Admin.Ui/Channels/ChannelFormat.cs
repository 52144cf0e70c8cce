using System.Globalization;
using SystemImage.Core.Channels;

namespace SystemImage.Admin.Ui.Channels;

/// <summary>How the channel pages write times and states, and which channels the overview's filter keeps.</summary>
internal static class ChannelFormat
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The import state words of a channel: <c>running</c>, <c>queued</c>, <c>paused</c>, or null.</summary>
    public static string? ImportState(ChannelOverview channel) => channel.ActiveImport is { } run
        ? run.State == Core.Persistence.Entities.ImportRunState.Running ? "running" : "queued"
        : channel.ImportPaused ? "paused" : null;

    /// <summary>Whether the filter text is in the channel's name, kind, target, hidden flag or import state.</summary>
    public static bool Matches(ChannelOverview channel, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return true;
        }

        var text = string.Join(' ', channel.Name, channel.Kind, channel.Alias, channel.Redirect, channel.Hidden ? "hidden" : null, ImportState(channel));
        return filter.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(word => text.Contains(word, StringComparison.OrdinalIgnoreCase));
    }
}
