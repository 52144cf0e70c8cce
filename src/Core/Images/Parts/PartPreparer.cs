using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Compression;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// Turns an uploaded part file (.tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2) into a pool-ready .tar.xz in one
/// streaming pass over the input: the tar is validated entry by entry while it is recompressed (or, for .tar.xz, kept
/// as is), and both the input and the output are hashed on the way. Memory stays flat whatever the file size. Bad
/// input is refused with a one-line reason in <see cref="PartResult.Error"/> and leaves nothing behind; only
/// infrastructure failures throw.
/// </summary>
public sealed class PartPreparer(IOptions<XzOptions> xz, IOptions<ArchiveLimitsOptions> limits, ILogger<PartPreparer> logger)
{
    /// <summary>The formats a part may come in, for messages: "must end in …", "the file is not …".</summary>
    public const string AcceptedFormats = ".tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2";

    /// <summary>
    /// How far a decoder reads on after the tar it decodes was refused, to find corrupt data behind a broken header:
    /// beyond the end of the bzip2 block being read (blocks hold 900 kB before bzip2's first run-length step) and of a
    /// gzip or zstd file of a few MB. An xz block or a large gzip or zstd file may end further on; then the tar's
    /// reason stands.
    /// </summary>
    private const long ReadOnAfterRefusal = 16 << 20;

    // A dot name with ".tmp-" is what TreeBatch.IsTemporary recognises, so a crash leftover in the tree gets cleaned up.
    private const string TempMarker = TreeBatch.TempMarker;

    /// <summary>The file name endings that announce a compression, as GNU tar reads them.</summary>
    private static readonly (string Ending, PartCompression Compression)[] Endings =
    [
        (".tar", PartCompression.Tar),
        (".tar.gz", PartCompression.Gzip),
        (".tgz", PartCompression.Gzip),
        (".tar.xz", PartCompression.Xz),
        (".tar.zst", PartCompression.Zstd),
        (".tzst", PartCompression.Zstd),
        (".tar.bz2", PartCompression.Bzip2),
        (".tbz2", PartCompression.Bzip2),
        (".tbz", PartCompression.Bzip2),
    ];

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

    /// <summary>
    /// The compression a file name announces: <c>.tar</c>, <c>.tar.gz</c> or <c>.tgz</c>, <c>.tar.xz</c>, <c>.tar.zst</c>
    /// or <c>.tzst</c>, <c>.tar.bz2</c>, <c>.tbz2</c> or <c>.tbz</c> (in any case); null for anything else.
    /// </summary>
    public static PartCompression? CompressionFromFileName(string fileName) => EndingOrNull(fileName)?.Compression;

    /// <summary>The ending of <paramref name="fileName"/> that announces its compression, in lower case (<c>.tar.zst</c>); null when it has none.</summary>
    public static string? FileNameEndingOrNull(string fileName) => EndingOrNull(fileName)?.Ending;

    private static (string Ending, PartCompression Compression)? EndingOrNull(string fileName)
    {
        foreach (var ending in Endings)
        {
            if (fileName.EndsWith(ending.Ending, StringComparison.OrdinalIgnoreCase))
            {
                return ending;
            }
        }

        return null;
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
    /// The tar's size, so xz can split it across the cores: a .tar's length, a .tar.gz's ISIZE trailer (the size
    /// modulo 4 GiB), or the size a .tar.zst's first frame declares. The last two describe only the last or first
    /// member or frame of several, so they are taken only when not smaller than the compressed file (a wrapped ISIZE
    /// is not).
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
            case PartCompression.Zstd:
                var header = new byte[ZstdDecoderStream.MaxFrameHeaderSize];
                file.Position = 0;
                var length = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
                return ZstdDecoderStream.ContentSizeOrNull(header.AsSpan(0, length)) is { } declared && declared >= file.Length ? declared : null;
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
            ?? throw new PartRefusedException($"the file is not a {AcceptedFormats}: it starts with neither a tar header nor the gzip, xz, zstd or bzip2 magic bytes");
        if (announced is { } expected && expected != detected)
        {
            throw new PartRefusedException($"announced {PartSniffer.Extension(expected)} but the file is {PartSniffer.Describe(detected)}");
        }

        return detected;
    }

    /// <summary>
    /// .tar, .tar.gz, .tar.zst and .tar.bz2: the tar bytes the validator reads are teed into the .xz encoder, so the
    /// output holds exactly the input tar.
    /// </summary>
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
            await using var decoder = DecoderOrNull(input, compression);
            using var tee = new TeeReadStream(decoder ?? input, encoder);
            entries = await ValidateTarAsync(tee, decoder, manifest, cancellationToken);
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
            entries = await ValidateTarAsync(decoder, decoder, manifest, cancellationToken);
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

    /// <summary>
    /// Validates the tar that <paramref name="tar"/> reads. When the tar is refused, the compressed data may be what is
    /// wrong: gzip, xz, zstd and bzip2 check their data only at the end of a member, block or frame, after handing out
    /// its bytes, so a flipped bit shows first as a broken tar header. <paramref name="decoder"/> then reads on, at most
    /// <see cref="ReadOnAfterRefusal"/> bytes, so that a corrupt input is refused as corrupt, naming its compression.
    /// </summary>
    private async Task<int> ValidateTarAsync(Stream tar, Stream? decoder, TarManifestBuilder manifest, CancellationToken cancellationToken)
    {
        try
        {
            return await TarValidator.ValidateAsync(tar, manifest, limits.Value.MaxEntriesPerPart, cancellationToken);
        }
        catch (PartRefusedException) when (decoder is not null)
        {
            await ReadOnAsync(decoder, cancellationToken);
            throw;
        }
    }

    /// <summary>Reads <paramref name="decoder"/> on, to its end or for <see cref="ReadOnAfterRefusal"/> bytes; throws what it throws.</summary>
    private static async Task ReadOnAsync(Stream decoder, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var total = 0L;
            int read;
            while (total < ReadOnAfterRefusal && (read = await decoder.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The decompressing stream over <paramref name="input"/> for <paramref name="compression"/>; null for a plain tar.</summary>
    private static Stream? DecoderOrNull(Stream input, PartCompression compression) => compression switch
    {
        PartCompression.Tar => null,
        PartCompression.Gzip => new GzipDecoderStream(input, leaveOpen: true),
        PartCompression.Zstd => new ZstdDecoderStream(input, leaveOpen: true),
        PartCompression.Bzip2 => new Bzip2DecoderStream(input, leaveOpen: true),

        // A .tar.xz is never recompressed (see StoreAsIsAsync).
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };

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

        // The decoders' words for truncated or corrupt .gz/.xz/.zst/.bz2 data, made to read like the other reasons.
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
