using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Adoption;

/// <summary>
/// Counts the downloads in an nginx <c>combined</c> access log (plain or <c>.gz</c>) of a server that serves the tree
/// itself, by the same rules as the server's own counting: a GET answered 200 whose body was the whole file, or a 206
/// whose body was the whole file (a log does not say which range a piece was, so a resumed download's last piece cannot
/// be told from another piece), of an index.json, a version tarball or a pool tarball.
/// <para>
/// Reading a log again counts nothing twice: a log is known by its first line (the hash of it, with the time of its
/// first request); what was read of it (the number of lines and the hash of the last one) is kept in the same
/// transaction as its counts, and the next read skips those lines, so a log that has grown since, or its rotated and
/// gzipped copy, adds only its new lines.
/// </para>
/// </summary>
public sealed class AccessLogIngest(
    IDbContextFactory<SystemImageDbContext> dbFactory, DownloadTargets targets, DownloadStore store, IOptions<SystemImageOptions> options, TimeProvider time)
{
    /// <summary>Reads <paramref name="file"/>; <paramref name="pathPrefix"/> is the URL path the tree is served under in the log (e.g. <c>/images</c>).</summary>
    public async Task<IngestResult> IngestAsync(string file, string? pathPrefix, CancellationToken cancellationToken)
    {
        var prefix = string.IsNullOrEmpty(pathPrefix) ? "" : "/" + pathPrefix.Trim('/');
        await using var input = OpenLog(file);
        using var reader = new StreamReader(input, Encoding.UTF8);
        var first = await reader.ReadLineAsync(cancellationToken);
        if (first is null)
        {
            return new IngestResult(0, 0, 0);
        }

        var firstHash = Hash(first);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var known = await db.IngestedLogs.AsNoTracking().FirstOrDefaultAsync(l => l.FirstLineHash == firstHash, cancellationToken);

        var counts = new Dictionary<(long Hour, string Path), long>();
        long lineNumber = 0;
        long skipped = 0;
        var lastHash = firstHash;
        for (var line = first; line is not null; line = await reader.ReadLineAsync(cancellationToken))
        {
            lineNumber++;
            lastHash = Hash(line);
            if (known is not null && lineNumber <= known.Lines)
            {
                skipped++;
                if (lineNumber == known.Lines && lastHash != known.LastLineHash)
                {
                    throw new InvalidOperationException(
                        $"{Path.GetFileName(file)} starts like a log read before ({known.FileName}) but differs at line {lineNumber}; nothing counted.");
                }

                continue;
            }

            if (Countable(AccessLogLine.ParseOrNull(line), prefix) is { } download)
            {
                var key = (DownloadStore.HourOf(download.At), download.Path);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        if (known is not null && lineNumber <= known.Lines)
        {
            return new IngestResult(lineNumber, skipped, 0);
        }

        var resolved = await targets.ResolveAsync(counts.Keys.Select(k => k.Path).Distinct(), cancellationToken);
        var totals = new Dictionary<(long Hour, DownloadTarget Target), long>();
        foreach (var ((hour, path), count) in counts)
        {
            foreach (var target in resolved.GetValueOrDefault(path) ?? [])
            {
                totals[(hour, target)] = totals.GetValueOrDefault((hour, target)) + count;
            }
        }

        var lines = lineNumber;
        await store.AddAsync(
            [.. totals.Select(t => (DateTimeOffset.FromUnixTimeSeconds(t.Key.Hour), t.Key.Target, t.Value))],
            cancellationToken,
            async context =>
            {
                var log = await context.IngestedLogs.FirstOrDefaultAsync(l => l.FirstLineHash == firstHash, cancellationToken);
                if (log is null)
                {
                    log = new IngestedLog { FirstLineHash = firstHash, LastLineHash = lastHash };
                    context.IngestedLogs.Add(log);
                }

                log.Lines = lines;
                log.LastLineHash = lastHash;
                log.FileName = Path.GetFileName(file);
                log.IngestedAt = time.GetUtcNow();
            });
        return new IngestResult(lineNumber, skipped, totals.Values.Sum());
    }

    private AccessLogLine? Countable(AccessLogLine? line, string prefix)
    {
        if (line is not { Method: "GET", Status: 200 or 206 } || !line.Path.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var path = line.Path[prefix.Length..];
        if (!DownloadCounter.IsCounted(path) || path.Contains("/../", StringComparison.Ordinal))
        {
            return null;
        }

        // index.json changes with every publish: any 200 of it is a check-in. Other files never change once published.
        if (path.EndsWith("/index.json", StringComparison.Ordinal))
        {
            return line.Status == 200 ? line with { Path = path } : null;
        }

        var onDisk = new FileInfo(Path.Combine(options.Value.PublishRootFullPath, path.TrimStart('/')));
        return onDisk.Exists && line.BodyBytes == onDisk.Length ? line with { Path = path } : null;
    }

    private static Stream OpenLog(string file)
    {
        var stream = File.OpenRead(file);
        Span<byte> magic = stackalloc byte[2];
        var read = stream.Read(magic);
        stream.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    private static string Hash(string line) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(line)));
}
