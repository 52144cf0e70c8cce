using System.Text.RegularExpressions;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Maintenance;

/// <summary>
/// The names the server writes into the publish root (SPEC §2). A file of any other name or place is foreign: an
/// nginx docroot's robots.txt, a mirror's README, a <c>.well-known/</c> folder. Maintenance reports foreign files
/// and never deletes them.
/// </summary>
internal static partial class ServerFiles
{
    /// <summary>True when the server could have written <paramref name="path"/> (a tree path such as <c>/pool/x.tar.xz</c>).</summary>
    public static bool IsServerFile(string path)
    {
        var segments = path.TrimStart('/').Split('/');
        var name = segments[^1];
        if (segments.Any(s => s.Length == 0 || s.StartsWith('.')))
        {
            return false;
        }

        return segments.Length switch
        {
            1 => name is "channels.json" or "channels.json.asc",
            2 when segments[0] == "gpg" => KeyringName().IsMatch(name),
            2 when segments[0] == "pool" => PoolName().IsMatch(name),
            2 => false,
            _ when segments[0] is "gpg" or "pool" => false,
            _ => DeviceFileName().IsMatch(name),
        };
    }

    /// <summary>True for a dot-prefixed temporary the server writes before renaming (<see cref="TreeBatch"/>) or probes with (/health).</summary>
    public static bool IsServerTemporary(string fileName) =>
        TreeBatch.IsTemporary(fileName) || HealthProbe().IsMatch(fileName);

    // gpg/<keyring>.tar.xz(.asc)
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\.tar\.xz(\.asc)?$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyringName();

    // pool/<part>-<hash>.tar.xz, pool/<part>-<hash>.delta-<part>-<hash>.tar.xz, their .json sidecars, and the signatures of both
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_+-]*-[0-9a-f]{12,}(\.delta-[A-Za-z0-9][A-Za-z0-9_+-]*-[0-9a-f]{12,})?\.(tar\.xz|json)(\.asc)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PoolName();

    // <channel>/<device>/index.json, device.tar.xz, version-N.tar.xz and version-N.json, and their signatures
    [GeneratedRegex(@"^(index\.json|device\.tar\.xz|version-[0-9]+\.(tar\.xz|json))(\.asc)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceFileName();

    [GeneratedRegex(@"^\.health-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex HealthProbe();
}
