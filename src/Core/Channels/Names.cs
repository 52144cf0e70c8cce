using System.Buffers;

namespace SystemImage.Core.Channels;

/// <summary>Validation of channel, device and part names (SPEC §6). Each method returns an error message or null.</summary>
public static class Names
{
    /// <summary>First path segments that belong to the server itself, not to the tree of channels.</summary>
    public static readonly IReadOnlySet<string> ReservedFirstSegments = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "api", "admin", "gpg", "pool", "_blazor", "_framework", "_content", "hangfire", "health", "metrics", "openapi", "channels.json",
        "channels.json.asc",
    };

    /// <summary>
    /// Endings of the files the server writes into the tree (channels.json, index.json, signatures, keyrings, version
    /// tarballs and their sidecars): a channel segment or a device named like one would make a directory where the
    /// server writes, or a reader expects, a file of that name.
    /// </summary>
    public static readonly IReadOnlyList<string> ReservedEndings = [".json", ".asc", ".tar.xz"];

    private const int MaxChannelLength = 200;
    private const int MaxSegmentLength = 64;
    private static readonly SearchValues<char> SegmentChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+~-");

    public static string? ValidateChannel(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A channel name is required.";
        }

        if (name.Length > MaxChannelLength)
        {
            return $"Channel name '{Printable(name)}' is longer than {MaxChannelLength} characters.";
        }

        var segments = name.Split('/');
        foreach (var segment in segments)
        {
            if (SegmentError(segment) is { } error)
            {
                return $"Invalid channel name '{Printable(name)}': {error}";
            }
        }

        if (ReservedFirstSegments.Contains(segments[0]))
        {
            return $"Invalid channel name '{name}': '{segments[0]}' is reserved by the server and cannot start a channel name.";
        }

        return segments.Select(FileNameError).FirstOrDefault(e => e is not null) is { } fileName
            ? $"Invalid channel name '{name}': {fileName}"
            : null;
    }

    public static string? ValidateDevice(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A device name is required.";
        }

        if (name.Contains('/'))
        {
            return $"Invalid device name '{Printable(name)}': a device name cannot contain '/'.";
        }

        return (SegmentError(name) ?? FileNameError(name)) is { } error ? $"Invalid device name '{Printable(name)}': {error}" : null;
    }

    /// <summary>
    /// Why a channel already in the database (made before these rules, or written to the database by hand) cannot be
    /// changed or published to under its <paramref name="name"/>, or null; the way out is renaming or removing it.
    /// </summary>
    public static string? RefuseStoredChannel(string name) =>
        ValidateChannel(name) is { } error ? $"{error} Rename or remove channel '{Printable(name)}' first." : null;

    /// <summary>As <see cref="RefuseStoredChannel"/> for a device of a channel.</summary>
    public static string? RefuseStoredDevice(string channel, string device) =>
        RefuseStoredChannel(channel)
        ?? (ValidateDevice(device) is { } error ? $"{error} Remove device '{Printable(device)}' of channel '{Printable(channel)}' first." : null);

    /// <summary>Part names such as <c>ubuntu</c>, <c>device</c>, <c>custom</c>: <c>[a-z0-9][a-z0-9_-]*</c>.</summary>
    public static string? ValidatePart(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxSegmentLength
            || !(char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
            || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')))
        {
            return $"Invalid part name '{Printable(name ?? "")}': use lowercase letters, digits, '_' and '-', starting with a letter or digit.";
        }

        return null;
    }

    private static string? SegmentError(string segment)
    {
        if (segment.Length == 0)
        {
            return "empty path segment (leading, trailing or doubled '/').";
        }

        if (segment is "." or "..")
        {
            return "'.' and '..' are not allowed as path segments.";
        }

        if (segment[0] == '.')
        {
            return "a path segment cannot start with '.' (such files are never served).";
        }

        if (segment.Length > MaxSegmentLength)
        {
            return $"a path segment is longer than {MaxSegmentLength} characters.";
        }

        if (segment.Any(char.IsControl))
        {
            return "control characters are not allowed.";
        }

        var bad = segment.AsSpan().IndexOfAnyExcept(SegmentChars);
        return bad >= 0 ? $"character '{segment[bad]}' is not allowed (use letters, digits, '.', '_', '+', '~' and '-')." : null;
    }

    /// <summary>Why a (valid) path segment would be taken for one of the server's files, or null.</summary>
    private static string? FileNameError(string segment) =>
        ReservedEndings.FirstOrDefault(e => segment.EndsWith(e, StringComparison.OrdinalIgnoreCase)) is { } ending
            ? $"'{segment}' ends in '{ending}', which is kept for the server's own files ({string.Join(", ", ReservedEndings)})."
            : null;

    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    /// <summary>Names for a message or an audit summary: comma-separated, or <c>none</c>.</summary>
    public static string List(IEnumerable<string> names)
    {
        var joined = string.Join(", ", names);
        return joined.Length == 0 ? "none" : joined;
    }
}
