using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Compression;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// Turns an uploaded part file (.tar, .tar.gz or .tar.xz) into a pool-ready .tar.xz in one streaming pass over the
/// input: the tar is validated entry by entry while it is recompressed (or, for .tar.xz, kept as is), and both the
/// input and the output are hashed on the way. Memory stays flat whatever the file size. Bad input is refused with
/// a one-line reason in <see cref="PartResult.Error"/> and leaves nothing behind; only infrastructure failures throw.
/// </summary>
public sealed class PartPreparer(IOptions<XzOptions> xz, IOptions<ArchiveLimitsOptions> limits, ILogger<PartPreparer> logger)
{
    // A dot name with ".tmp-" is what TreeBatch.IsTemporary recognises, so a crash leftover in the tree gets cleaned up.
    private const string TempMarker = TreeBatch.TempMarker;

    /// <summary>When false, a .tar.xz input is always copied byte by byte, never linked or reflinked; lets tests cover the copy.</summary>
    internal bool LinkInputs { get; init; } = true;

    /// <summary>
    /// Validates <paramref name="inputPath"/> and writes the .tar.xz into <paramref name="workDirectory"/> under a
    /// temporary name, which the caller then renames into the pool. The output is always the server's own file, mode
    /// 0644: a .tar.xz input is hard-linked only when <paramref name="owned"/> says the input is the server's own
    /// scratch file (an upload it received, a download it made); anyone else's file (an operator's build) is
    /// reflinked where the filesystem can, or else copied as it is read, so changing it later cannot change the pool.
    /// </summary>
    /// <param name="inputPath">The uploaded file.</param>
    /// <param name="announced">The compression the client announced (see <see cref="CompressionFromFileName"/>); null to detect it.</param>
    /// <param name="workDirectory">Where the output goes; created if missing. Best on the pool's filesystem.</param>
    /// <param name="cancellationToken">Cancelling deletes the output and throws <see cref="OperationCanceledException"/>.</param>
    /// <param name="progress">Told how many bytes of the input have been read, as the work goes on.</param>
    /// <param name="owned">The input is the server's own scratch file, which nobody else writes (see above).</param>
    public async Task<PartResult> PrepareAsync(
        string inputPath, PartCompression? announced, string workDirectory, CancellationToken cancellationToken, IProgress<long>? progress = null, bool owned = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var input = new FileInfo(inputPath);
        logger.LogInformation("Preparing part {Input}: {InputBytes} bytes, announced {Announced}",
            input.Name, input.Length, announced is { } a ? PartSniffer.Extension(a) : "nothing");
        Directory.CreateDirectory(workDirectory);
        var outputPath = Path.Combine(workDirectory, $".part.tar.xz{TempMarker}{Guid.NewGuid():N}");
        try
        {
            var part = await PrepareCoreAsync(inputPath, announced, outputPath, owned, progress, cancellationToken);
            PublicFile.MakeReadable(outputPath);
            var seconds = clock.Elapsed.TotalSeconds;
            logger.LogInformation(
                "Prepared part {Input} ({SourceSha256}): {Compression} {InputBytes} bytes to {OutputBytes} bytes, {Entries} entries, stored as is: {StoredAsIs}, in {Seconds:F1} s ({MegabytesPerSecond:F1} MB/s)",
                input.Name, part.SourceSha256, part.InputCompression, input.Length, part.Size, part.Entries, part.StoredAsIs,
                seconds, input.Length / 1e6 / Math.Max(seconds, 1e-3));
            return new PartResult(part, null);
        }
        catch (Exception ex) when (RefusalOrNull(ex) is { } reason)
        {
            DeleteIfExists(outputPath);
            // Bad input, which the caller reports (a 400, a verb's one-line error): not a warning about the server.
            logger.LogInformation("Refused part {Input} after {Seconds:F1} s: {Reason}", input.Name, clock.Elapsed.TotalSeconds, reason);
            return new PartResult(null, reason);
        }
        catch
        {
            DeleteIfExists(outputPath);
            throw;
        }
    }

    /// <summary>The compression a file name announces: <c>.tar</c>, <c>.tar.gz</c> or <c>.tgz</c>, <c>.tar.xz</c>; null for anything else.</summary>
    public static PartCompression? CompressionFromFileName(string fileName)
    {
        bool EndsWith(string suffix) => fileName.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        return EndsWith(".tar.gz") || EndsWith(".tgz") ? PartCompression.Gzip
            : EndsWith(".tar.xz") ? PartCompression.Xz
            : EndsWith(".tar") ? PartCompression.Tar
            : null;
    }

    private async Task<PreparedPart> PrepareCoreAsync(
        string inputPath, PartCompression? announced, string outputPath, bool owned, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        PartCompression compression;
        long? tarSize;
        await using (var probe = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            compression = await DetectAsync(probe, announced, cancellationToken);
            tarSize = await EstimateTarSizeAsync(probe, compression, cancellationToken);
        }

        // A .tar.xz is stored as it is: linked when it is ours, else a reflink (then validated from the copy, so what is
        // stored is exactly what was checked), else copied while it is read.
        var copied = compression == PartCompression.Xz && LinkInputs
            && (owned ? FileLinks.TryHardLink(inputPath, outputPath) : FileLinks.TryReflink(inputPath, outputPath));
        await using var file = new FileStream(copied ? outputPath : inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var input = new HashingReadStream(file, progress);
        return compression == PartCompression.Xz
            ? await StoreAsIsAsync(input, outputPath, copied, cancellationToken)
            : await RecompressAsync(input, compression, outputPath, tarSize, cancellationToken);
    }

    /// <summary>
    /// The tar's size, so xz can split it across the cores: a .tar's length, or a .tar.gz's ISIZE trailer (the size
    /// modulo 4 GiB; taken only when it is not smaller than the compressed file, which a wrapped value would be).
    /// </summary>
    private static async Task<long?> EstimateTarSizeAsync(FileStream file, PartCompression compression, CancellationToken cancellationToken)
    {
        switch (compression)
        {
            case PartCompression.Tar:
                return file.Length;
            case PartCompression.Gzip when file.Length > 18:
                var trailer = new byte[4];
                file.Position = file.Length - 4;
                await file.ReadExactlyAsync(trailer, cancellationToken);
                var size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
                return size >= file.Length ? size : null;
            default:
                return null;
        }
    }

    private static async Task<PartCompression> DetectAsync(FileStream file, PartCompression? announced, CancellationToken cancellationToken)
    {
        var head = new byte[PartSniffer.HeadSize];
        var length = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (length == 0)
        {
            throw new PartRefusedException("the file is empty");
        }

        var detected = PartSniffer.Detect(head.AsSpan(0, length))
            ?? throw new PartRefusedException("the file is not a .tar, .tar.gz or .tar.xz: it starts with neither a tar header nor the gzip or xz magic bytes");
        if (announced is { } expected && expected != detected)
        {
            throw new PartRefusedException($"announced {PartSniffer.Extension(expected)} but the file is {PartSniffer.Describe(detected)}");
        }

        return detected;
    }

    /// <summary>.tar and .tar.gz: the tar bytes the validator reads are teed into the .xz encoder, so the output holds exactly the input tar.</summary>
    private async Task<PreparedPart> RecompressAsync(
        HashingReadStream input, PartCompression compression, string outputPath, long? tarSize, CancellationToken cancellationToken)
    {
        await using var output = CreateOutput(outputPath);
        using var hashedOutput = new HashingWriteStream(output);
        var encoder = new XzEncoderStream(hashedOutput, xz.Value.ToSettings().ForInputSize(tarSize), leaveOpen: true);
        using var manifest = NewManifest(outputPath);
        int entries;
        try
        {
            await using var gzip = compression == PartCompression.Gzip ? new GzipDecoderStream(input, leaveOpen: true) : null;
            using var tee = new TeeReadStream(gzip ?? (Stream)input, encoder);
            entries = await TarValidator.ValidateAsync(tee, manifest, limits.Value.MaxEntriesPerPart, cancellationToken);
            await tee.FlushSinkAsync(cancellationToken);
            await encoder.CompleteAsync(cancellationToken);
        }
        catch
        {
            encoder.Abandon();
            throw;
        }

        await encoder.DisposeAsync();
        await SyncAsync(output, cancellationToken);
        return new PreparedPart(input.Sha256Hex(), outputPath, hashedOutput.Sha256Hex(), hashedOutput.BytesWritten, compression, StoredAsIs: false, entries)
        {
            Manifest = manifest.Build(),
        };
    }

    /// <summary>.tar.xz: decoded only to validate; the output is the input itself, already linked or reflinked, or copied as it is read.</summary>
    private async Task<PreparedPart> StoreAsIsAsync(HashingReadStream input, string outputPath, bool linked, CancellationToken cancellationToken)
    {
        await using var copy = linked ? null : CreateOutput(outputPath);
        using var tee = copy is null ? null : new TeeReadStream(input, copy);
        using var manifest = NewManifest(outputPath);
        int entries;
        await using (var decoder = new XzDecoderStream(tee ?? (Stream)input, leaveOpen: true, threads: xz.Value.Threads))
        {
            entries = await TarValidator.ValidateAsync(decoder, manifest, limits.Value.MaxEntriesPerPart, cancellationToken);
        }

        if (tee is not null && copy is not null)
        {
            await tee.FlushSinkAsync(cancellationToken);
            await SyncAsync(copy, cancellationToken);
        }
        else
        {
            using var handle = File.OpenHandle(outputPath);
            RandomAccess.FlushToDisk(handle);
        }

        var sha256 = input.Sha256Hex();
        return new PreparedPart(sha256, outputPath, sha256, input.BytesRead, PartCompression.Xz, StoredAsIs: true, entries)
        {
            Manifest = manifest.Build(),
        };
    }

    /// <summary>The entries' manifest goes to a file beside the output, written as the tar is read, never held in memory.</summary>
    private static TarManifestBuilder NewManifest(string outputPath) => new(outputPath + ".manifest");

    private static FileStream CreateOutput(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);

    private static async Task SyncAsync(FileStream output, CancellationToken cancellationToken)
    {
        await output.FlushAsync(cancellationToken);
        output.Flush(flushToDisk: true);
    }

    /// <summary>The one-line reason for refusing the input, or null when <paramref name="ex"/> is not about the input.</summary>
    private static string? RefusalOrNull(Exception ex) => ex switch
    {
        PartRefusedException => ex.Message,

        // The decoders' words for truncated or corrupt .gz/.xz data, made to read like the other reasons.
        InvalidDataException => OneLine(ex.Message),
        _ => null,
    };

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return line.Length == 0 ? line : string.Concat(char.ToLowerInvariant(line[0]).ToString(), line.AsSpan(1));
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
