using Microsoft.Extensions.Options;

namespace SystemImage.Server.StaticTree;

/// <summary>The <c>Cache-Control</c> of each tree file (see <see cref="TreeCachingOptions"/>), made once.</summary>
internal sealed class TreeCaching(IOptions<TreeCachingOptions> options)
{
    private readonly string _immutable = options.Value.PoolMaxAgeSeconds > 0
        ? $"public, max-age={options.Value.PoolMaxAgeSeconds}, immutable"
        : Revalidated(options.Value.IndexMaxAgeSeconds);

    private readonly string _revalidated = Revalidated(options.Value.IndexMaxAgeSeconds);

    /// <summary>
    /// The header for the file at <paramref name="path"/>: only pool images and deltas are immutable; their signatures
    /// are rewritten by a re-sign or key rotation, and their sidecars are not something a device reads.
    /// </summary>
    public string For(string path) =>
        path.StartsWith("/pool/", StringComparison.Ordinal) && path.EndsWith(".tar.xz", StringComparison.Ordinal) && path.IndexOf('/', 6) < 0
            ? _immutable
            : _revalidated;

    private static string Revalidated(int maxAge) => maxAge > 0 ? $"public, max-age={maxAge}, must-revalidate" : "public, no-cache";
}
