using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;

namespace SystemImage.Core.Generators;

/// <summary>
/// Another system-image server's tree, read over HTTP(S) through <see cref="HttpFetcher"/> and trusted only as far as
/// its signatures verify. From the configured keyring it walks the key hierarchy as devices do (SPEC §2):
/// archive-master vouches for <c>gpg/image-master.tar.xz</c>, image-master for <c>gpg/image-signing.tar.xz</c> and the
/// optional <c>gpg/blacklist.tar.xz</c>, image-signing for channels.json, indexes and files (and a device keyring).
/// </summary>
internal sealed class RemoteServer(HttpFetcher fetcher, Uri baseUrl, TimeProvider time)
{
    private const long MaxJson = 64L << 20;
    private const long MaxSignature = 64L << 10;
    private const long MaxKeyring = 1L << 20;

    /// <summary>The URL of a tree path such as <c>/stable/mako/index.json</c>; refuses paths that are not plain tree paths.</summary>
    public Uri UrlOf(string treePath)
    {
        var segments = treePath.Split('/');
        if (!treePath.StartsWith('/') || segments.Skip(1).Any(s => s is "" or "." or ".." || !s.All(IsPathChar)))
        {
            throw new GeneratorException($"the remote tree names an unsafe path '{string.Concat(treePath.Take(200).Where(c => !char.IsControl(c)))}'");
        }

        return new Uri(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + treePath, UriKind.Absolute);
    }

    /// <summary>The bytes of <paramref name="treePath"/>, after checking its signature <paramref name="signaturePath"/> against <paramref name="keys"/>.</summary>
    public async Task<byte[]> GetVerifiedAsync(string treePath, string signaturePath, TrustedKeys keys, CancellationToken cancellationToken, long maxBytes = MaxJson)
    {
        var data = await fetcher.GetBytesAsync(UrlOf(treePath), maxBytes, cancellationToken);
        var signature = await GetSignatureAsync(signaturePath, cancellationToken);
        var check = OpenPgpVerifier.Verify(data, signature, keys, time.GetUtcNow());
        return check.IsValid ? data : throw new GeneratorException($"the remote {treePath} failed signature verification: {check.Error}");
    }

    /// <summary>The armored signature at <paramref name="signaturePath"/>.</summary>
    public Task<byte[]> GetSignatureAsync(string signaturePath, CancellationToken cancellationToken) =>
        fetcher.GetBytesAsync(UrlOf(signaturePath), MaxSignature, cancellationToken);

    /// <summary>The keys channels.json must be signed with, reached from <paramref name="configured"/> down the hierarchy, minus the blacklist.</summary>
    public async Task<TrustedKeys> ImageSigningKeysAsync(TrustedKeys configured, CancellationToken cancellationToken)
    {
        var keys = configured;
        TrustedKeys? blacklist = null;
        while (keys.Type is KeyNames.ArchiveMaster or KeyNames.ImageMaster)
        {
            var next = keys.Type == KeyNames.ArchiveMaster ? KeyNames.ImageMaster : KeyNames.ImageSigning;
            if (keys.Type == KeyNames.ImageMaster)
            {
                blacklist = await BlacklistOrNullAsync(keys, cancellationToken);
            }

            keys = await KeyringAsync(TreeLayout.Keyring(next), TreeLayout.Signature(TreeLayout.Keyring(next)), next, keys, null, cancellationToken);
        }

        if (keys.Type is not (null or KeyNames.ImageSigning))
        {
            throw new GeneratorException(
                $"a {keys.Type} keyring cannot vouch for the remote channels.json; configure the remote's archive-master, image-master or image-signing keyring");
        }

        return blacklist is null ? keys : keys.Except(blacklist);
    }

    /// <summary>A keyring tarball of the remote tree, verified with <paramref name="signer"/> and checked for type, expiry and model.</summary>
    public async Task<TrustedKeys> KeyringAsync(
        string treePath, string signaturePath, string type, TrustedKeys signer, string? model, CancellationToken cancellationToken)
    {
        var bytes = await GetVerifiedAsync(treePath, signaturePath, signer, cancellationToken, MaxKeyring);
        return Checked(Parse(bytes, treePath), treePath, type, model);
    }

    /// <summary>
    /// <paramref name="keys"/> when they are a usable <paramref name="type"/> keyring (unexpired; for the model, if it
    /// names one); otherwise a <see cref="GeneratorException"/> naming <paramref name="what"/>.
    /// </summary>
    public TrustedKeys Checked(TrustedKeys keys, string what, string? type, string? model)
    {
        if (type is not null && keys.Type != type)
        {
            throw new GeneratorException($"{what} is a '{keys.Type ?? "plain"}' keyring, not '{type}'");
        }

        if (keys.Expiry is { } expiry && expiry <= time.GetUtcNow())
        {
            throw new GeneratorException($"{what} expired on {expiry:yyyy-MM-dd HH:mm:ss} UTC");
        }

        if (model is not null && keys.Model is { } restricted && restricted != model)
        {
            throw new GeneratorException($"{what} is for device '{restricted}', not '{model}'");
        }

        return keys;
    }

    private async Task<TrustedKeys?> BlacklistOrNullAsync(TrustedKeys imageMaster, CancellationToken cancellationToken)
    {
        var path = TreeLayout.Keyring(KeyNames.Blacklist);
        var bytes = await fetcher.GetBytesOrNullAsync(UrlOf(path), MaxKeyring, cancellationToken);
        if (bytes is null)
        {
            return null;
        }

        var signature = await GetSignatureAsync(TreeLayout.Signature(path), cancellationToken);
        var check = OpenPgpVerifier.Verify(bytes, signature, imageMaster, time.GetUtcNow());
        return check.IsValid
            ? Checked(Parse(bytes, path), path, KeyNames.Blacklist, null)
            : throw new GeneratorException($"the remote {path} failed signature verification: {check.Error}");
    }

    private static TrustedKeys Parse(byte[] tarXz, string what)
    {
        try
        {
            return TrustedKeys.FromKeyringTarXz(tarXz);
        }
        catch (InvalidDataException e)
        {
            throw new GeneratorException($"the remote {what}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    private static bool IsPathChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '~' or '-';
}
