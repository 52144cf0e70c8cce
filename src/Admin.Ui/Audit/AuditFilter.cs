using System.Globalization;
using SystemImage.Core.Audit;

namespace SystemImage.Admin.Ui.Audit;

/// <summary>What the audit page searches for; it lives in the page's address (<c>?channel=&amp;device=&amp;q=&amp;since=</c>).</summary>
/// <param name="Channel">A channel name, or empty for every entry.</param>
/// <param name="Device">A device name, or empty.</param>
/// <param name="Text">Words every entry contains (any case) in its actor, action, target or change text.</param>
/// <param name="Since">Only entries at or after this time.</param>
public sealed record AuditFilter(string Channel, string Device, string Text, DateTimeOffset? Since)
{
    public static AuditFilter None { get; } = new("", "", "", null);

    public bool IsEmpty => Channel.Length == 0 && Device.Length == 0 && string.IsNullOrWhiteSpace(Text) && Since is null;

    /// <summary>The first page of this search, <paramref name="pageSize"/> entries long.</summary>
    public AuditSearch ToSearch(int pageSize) => new()
    {
        Channel = Channel.Length == 0 ? null : Channel,
        Device = Device.Length == 0 ? null : Device,
        Text = string.IsNullOrWhiteSpace(Text) ? null : Text,
        Since = Since,
        Limit = pageSize,
    };

    /// <summary>The audit page's address for this search; empty parts are left out.</summary>
    public string ToUrl()
    {
        var query = new (string Name, string Value)[]
            {
                ("channel", Channel), ("device", Device), ("q", Text.Trim()),
                ("since", Since?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? ""),
            }
            .Where(p => p.Value.Length > 0)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}");
        return AdminRoutes.Audit + (query.Any() ? "?" + string.Join('&', query) : "");
    }

    /// <summary>Reads the time of a <c>since</c> query value or form field (UTC when it names no offset), or null.</summary>
    public static DateTimeOffset? ParseSince(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
}
