using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images;

/// <summary>
/// Writes a channel/device/version's <c>version-N.tar.xz</c> (with signature and sidecar) when it is missing or
/// differs, and describes it as the image file devices apply last. Used when an image is composed, when a
/// channel is renamed and when an alias is synced or re-targeted, so channel.ini always names the right channel.
/// </summary>
public sealed class VersionTarballWriter(PoolWriter pool, IOptions<SystemImageOptions> options)
{
    /// <summary>Stages the tarball in <paramref name="db"/>'s change unless the tree (or the change) already has these bytes.</summary>
    public ImageFile Ensure(SystemImageDbContext db, string channel, string device, int version, string versionDetail, string? channelTarget, int order)
    {
        var settings = options.Value;
        var info = new VersionInfo(channel, device, version, versionDetail, channelTarget, settings.PublicHost, settings.PublicHttpPort, settings.PublicHttpsPort);
        var bytes = VersionTarball.Build(info);
        var path = TreeLayout.VersionTarball(channel, device, version);
        var staged = db.StagedFiles;
        var full = staged.PathOf(path);
        var current = File.Exists(full) && File.Exists(staged.PathOf(TreeLayout.Signature(path))) && File.Exists(staged.PathOf(PoolWriter.SidecarOf(path)))
            && File.ReadAllBytes(full).AsSpan().SequenceEqual(bytes);
        if (!current)
        {
            pool.StageBytes(staged, path, bytes, JsonNode.Parse(VersionTarball.Sidecar(info))!.AsObject());
        }

        return new ImageFile
        {
            Order = order,
            PartName = ImageComposer.VersionPart,
            Path = path,
            Signature = TreeLayout.Signature(path),
            Checksum = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Size = bytes.Length,
        };
    }
}
