using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Signing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// Checks the tree's detached signatures with the server's own public keys: <c>F.asc</c> is good when the key that
/// signs F (<see cref="TreeLayout.SignerOf"/>) made it over F's bytes. Content equal and a signature present is not
/// enough: a crash between renaming a file and its signature leaves the old signature beside new bytes. Files are
/// streamed, never loaded whole.
/// </summary>
public sealed class TreeSignatures(KeyStore keys, IOptions<SystemImageOptions> options)
{
    // Whether a key has expired is list-keys' business: signing again with the same key would not change it.
    private static readonly DateTimeOffset IgnoringExpiry = DateTimeOffset.MinValue;
    private const long MaxSignatureLength = 64 * 1024;

    private string Root => options.Value.PublishRootFullPath;

    /// <summary>True when the published signature of <paramref name="path"/> verifies over <paramref name="content"/>.</summary>
    public bool Verifies(string path, ReadOnlySpan<byte> content) =>
        ReadSignature(path) is { Signature: { } signature } && OpenPgpVerifier.Verify(content, signature, Trusted(path), IgnoringExpiry).IsValid;

    /// <summary>Why the published signature of <paramref name="path"/> does not verify over the published file, or null when it does.</summary>
    public async Task<BadSignature?> CheckOrNullAsync(string path, CancellationToken cancellationToken)
    {
        var (signature, problem) = ReadSignature(path);
        if (signature is null)
        {
            return new BadSignature(TreeLayout.Signature(path), problem!);
        }

        try
        {
            await using var data = new FileStream(
                TreePath.Resolve(Root, path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
            var check = await OpenPgpVerifier.VerifyAsync(data, signature, Trusted(path), IgnoringExpiry, cancellationToken);
            return check.IsValid ? null : new BadSignature(TreeLayout.Signature(path), check.Error!);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new BadSignature(TreeLayout.Signature(path), "the signed file is missing");
        }
    }

    /// <summary>The signatures of <paramref name="paths"/> (signed files) that do not verify, checked one file per core at a time.</summary>
    public async Task<IReadOnlyList<BadSignature>> FindBadAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var bad = new ConcurrentBag<BadSignature>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(paths, parallel, async (path, token) =>
        {
            if (await CheckOrNullAsync(path, token) is { } problem)
            {
                bad.Add(problem);
            }
        });
        return [.. bad.OrderBy(b => b.Path, StringComparer.Ordinal)];
    }

    private (byte[]? Signature, string? Problem) ReadSignature(string path)
    {
        var full = TreePath.Resolve(Root, TreeLayout.Signature(path));
        try
        {
            using var handle = File.OpenHandle(full);
            var length = RandomAccess.GetLength(handle);
            if (length > MaxSignatureLength)
            {
                return (null, $"the signature is {length} bytes long, not a detached signature");
            }

            var bytes = new byte[length];
            var read = 0;
            while (read < bytes.Length && RandomAccess.Read(handle, bytes.AsSpan(read), read) is var n and > 0)
            {
                read += n;
            }

            return (bytes[..read], null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, "the signature is missing");
        }
    }

    private TrustedKeys Trusted(string path) => new([keys.GetPublicKeyRing(TreeLayout.SignerOf(path)).GetPublicKey()]);
}
