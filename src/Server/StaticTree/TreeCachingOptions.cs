using System.ComponentModel.DataAnnotations;

namespace SystemImage.Server.StaticTree;

/// <summary>
/// How long caches in front of the tree (a CDN, a mirror's proxy, the device's own HTTP stack) may keep its files. Pool
/// images and deltas are content-addressed and never rewritten, so they may be kept for good; everything else
/// (channels.json, index.json, keyrings, version tarballs, every signature) changes in place and is revalidated with
/// its entity tag or modification time, which the server answers with 304 when nothing changed.
/// </summary>
public sealed class TreeCachingOptions
{
    public const string SectionName = "SystemImage:Caching";

    /// <summary>Seconds a cache may keep a pool image or delta (<c>/pool/*.tar.xz</c>), sent as <c>immutable</c>. Default one year; 0 makes them revalidate like the rest.</summary>
    [Range(0, int.MaxValue)]
    public int PoolMaxAgeSeconds { get; set; } = 31_536_000;

    /// <summary>
    /// Seconds a cache may serve everything else before revalidating it: how late a device behind a CDN can see a
    /// promotion. Default 60; 0 means every use is revalidated (<c>no-cache</c>).
    /// </summary>
    [Range(0, int.MaxValue)]
    public int IndexMaxAgeSeconds { get; set; } = 60;
}
