namespace SystemImage.Core.Classic;

/// <summary>What <c>adopt-tree</c> is asked to take over.</summary>
/// <param name="Root">The classic server's directory (holding <c>etc/config</c> and <c>www/</c>).</param>
/// <param name="Config">Its configuration, when not <c>etc/config</c> under the root.</param>
/// <param name="Keys">Its key store (GnuPG homes or exported keys), when not the config's <c>gpg_key_path</c>.</param>
/// <param name="Merge">Adopt beside the channels this server already has (never replacing one); refused without it when there are any.</param>
public sealed record AdoptionRequest(string Root, string? Config = null, string? Keys = null, bool Merge = false);

/// <summary>Where an adoption is: a stage and how much of it is done (files or bytes).</summary>
public sealed record AdoptionProgress(string Stage, long Done, long Total);

/// <summary>What an adoption would take over, and every reason it cannot (it is all or nothing).</summary>
/// <param name="Problems">Why the installation cannot be adopted as it is; empty when it can.</param>
/// <param name="Channels">The channels to adopt (the config's and channels.json's).</param>
/// <param name="Kept">Channels of the classic tree that this server already has: merging keeps this server's.</param>
/// <param name="Devices">Devices with an index of their own.</param>
/// <param name="Images">Full images and deltas over every device.</param>
/// <param name="Files">Files copied byte for byte (pool files, version tarballs, keyrings, sidecars, each with its signature).</param>
/// <param name="Bytes">Their size.</param>
/// <param name="Keys">The keys to sign with from then on: name and fingerprint.</param>
public sealed record AdoptionPlan(
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Channels,
    IReadOnlyList<string> Kept,
    int Devices,
    int Images,
    int Files,
    long Bytes,
    IReadOnlyList<string> Keys)
{
    public bool CanAdopt => Problems.Count == 0;

    /// <summary>One line: what is (or would be) adopted.</summary>
    public string Summary =>
        $"{Channels.Count} channel(s) ({string.Join(", ", Channels.Take(10))}{(Channels.Count > 10 ? ", …" : "")}), {Devices} device(s), {Images} image(s), {Files} file(s) of {Bytes:N0} bytes"
        + (Kept.Count == 0 ? "" : $"; kept this server's {string.Join(", ", Kept)}");
}
