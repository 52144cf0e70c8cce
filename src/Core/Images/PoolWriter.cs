using System.Text.Json.Nodes;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images;

/// <summary>Stages a file with its signature, its <c>.json</c> sidecar and the sidecar's signature (SPEC §2, §5).</summary>
public sealed class PoolWriter(OpenPgpSigner signer)
{
    /// <summary>The sidecar path of <c>/pool/x.tar.xz</c> is <c>/pool/x.json</c>.</summary>
    public static string SidecarOf(string path) =>
        (path.EndsWith(".tar.xz", StringComparison.Ordinal) ? path[..^".tar.xz".Length] : path) + ".json";

    /// <summary>Signs <paramref name="file"/> where it is, then moves it into the batch with its sidecar.</summary>
    public void StageFile(TreeBatch batch, string treePath, string file, JsonObject sidecar)
    {
        byte[] signature;
        using (var data = File.OpenRead(file))
        using (var armored = new MemoryStream())
        {
            signer.SignDetached(data, armored, KeyNames.ImageSigning);
            signature = armored.ToArray();
        }

        batch.StageExisting(treePath, file);
        batch.Stage(TreeLayout.Signature(treePath), signature);
        StageSidecar(batch, treePath, sidecar);
    }

    public void StageBytes(TreeBatch batch, string treePath, byte[] content, JsonObject sidecar)
    {
        batch.Stage(treePath, content);
        batch.Stage(TreeLayout.Signature(treePath), signer.SignDetached(content, KeyNames.ImageSigning));
        StageSidecar(batch, treePath, sidecar);
    }

    private void StageSidecar(TreeBatch batch, string treePath, JsonObject sidecar)
    {
        var json = CanonicalJson.Serialize(sidecar);
        var path = SidecarOf(treePath);
        batch.Stage(path, json);
        batch.Stage(TreeLayout.Signature(path), signer.SignDetached(json, KeyNames.ImageSigning));
    }
}
