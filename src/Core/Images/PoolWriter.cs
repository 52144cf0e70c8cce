using System.Text.Json.Nodes;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images;

/// <summary>Stages a file of a change with its signature, its <c>.json</c> sidecar and the sidecar's signature (SPEC §2, §5).</summary>
public sealed class PoolWriter(OpenPgpSigner signer)
{
    /// <summary>The sidecar path of <c>/pool/x.tar.xz</c> is <c>/pool/x.json</c>.</summary>
    public static string SidecarOf(string path) =>
        (path.EndsWith(".tar.xz", StringComparison.Ordinal) ? path[..^".tar.xz".Length] : path) + ".json";

    /// <summary>Signs <paramref name="file"/> where it is, then moves it into the change's staging with its sidecar.</summary>
    public void StageFile(StagedFiles staged, string treePath, string file, JsonObject sidecar)
    {
        byte[] signature;
        using (var data = File.OpenRead(file))
        using (var armored = new MemoryStream())
        {
            signer.SignDetached(data, armored, KeyNames.ImageSigning);
            signature = armored.ToArray();
        }

        staged.StageFile(treePath, file);
        staged.Stage(TreeLayout.Signature(treePath), signature);
        StageSidecar(staged, treePath, sidecar);
    }

    public void StageBytes(StagedFiles staged, string treePath, byte[] content, JsonObject sidecar)
    {
        staged.Stage(treePath, content);
        staged.Stage(TreeLayout.Signature(treePath), signer.SignDetached(content, KeyNames.ImageSigning));
        StageSidecar(staged, treePath, sidecar);
    }

    /// <summary>Stages the signed <c>.json</c> sidecar of <paramref name="treePath"/> alone (the file itself is staged otherwise).</summary>
    public void StageSidecar(StagedFiles staged, string treePath, JsonObject sidecar)
    {
        var json = CanonicalJson.Serialize(sidecar);
        var path = SidecarOf(treePath);
        staged.Stage(path, json);
        staged.Stage(TreeLayout.Signature(path), signer.SignDetached(json, KeyNames.ImageSigning));
    }
}
