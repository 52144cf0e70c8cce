using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;

namespace SystemImage.Core.Generators;

/// <summary>
/// The HTTP client of the generators that download (http, remote-system-image): one shared connection pool, the
/// connect timeout, total timeout and size limit of <see cref="ImportOptions"/>. Every failure to fetch (unreachable
/// host, HTTP error status, timeout, a body over the limit, a connection cut short) is a
/// <see cref="GeneratorException"/> with a one-line reason; cancelling the caller's token still throws
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class HttpFetcher : IDisposable
{
    private const int BufferSize = 128 * 1024;
    private readonly HttpClient _client;
    private readonly ImportOptions _options;

    public HttpFetcher(IOptions<ImportOptions> options)
    {
        _options = options.Value;
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(_options.HttpConnectTimeoutSeconds),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        })
        {
            // Each request gets the total timeout through its own token, so a slow body is covered too.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("systemimage-importer/1.0");
    }

    /// <summary>The largest download allowed (<see cref="ImportOptions.HttpMaxBytes"/>).</summary>
    public long MaxBytes => _options.HttpMaxBytes;

    /// <summary>The body of <paramref name="url"/>, at most <paramref name="maxBytes"/> bytes (and never more than <see cref="MaxBytes"/>).</summary>
    public async Task<byte[]> GetBytesAsync(Uri url, long maxBytes, CancellationToken cancellationToken) =>
        await GetBytesOrNullAsync(url, maxBytes, notFoundIsNull: false, cancellationToken) ?? [];

    /// <summary>As <see cref="GetBytesAsync"/>, but a 404 gives null (for optional files such as a blacklist).</summary>
    public Task<byte[]?> GetBytesOrNullAsync(Uri url, long maxBytes, CancellationToken cancellationToken) =>
        GetBytesOrNullAsync(url, maxBytes, notFoundIsNull: true, cancellationToken);

    /// <summary>
    /// Streams <paramref name="url"/> into the new file <paramref name="destination"/>, hashing it on the way. On any
    /// failure the file is deleted.
    /// </summary>
    /// <param name="url">What to download.</param>
    /// <param name="destination">The file to create; must not exist.</param>
    /// <param name="maxBytes">Refused when larger (also capped at <see cref="MaxBytes"/>).</param>
    /// <param name="progress">Called with the bytes done so far and the announced size, at most once per MiB.</param>
    /// <param name="cancellationToken">Stops the download.</param>
    public async Task<DownloadedFile> DownloadAsync(Uri url, string destination, long maxBytes, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            await using var owned = file;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var size = await FetchAsync(url, Math.Min(maxBytes, MaxBytes), notFoundIsNull: false, async (chunk, ct) =>
            {
                hash.AppendData(chunk.Span);
                await file.WriteAsync(chunk, ct);
            }, progress, cancellationToken);
            await file.FlushAsync(cancellationToken);
            return new DownloadedFile(destination, size ?? 0, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            File.Delete(destination);
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<byte[]?> GetBytesOrNullAsync(Uri url, long maxBytes, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var size = await FetchAsync(url, Math.Min(maxBytes, MaxBytes), notFoundIsNull, (chunk, ct) =>
        {
            buffer.Write(chunk.Span);
            return ValueTask.CompletedTask;
        }, null, cancellationToken);
        return size is null ? null : buffer.ToArray();
    }

    /// <summary>GETs <paramref name="url"/> and hands its body to <paramref name="sink"/>; returns its size, or null for a tolerated 404.</summary>
    private async Task<long?> FetchAsync(
        Uri url,
        long maxBytes,
        bool notFoundIsNull,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink,
        Action<long, long?>? progress,
        CancellationToken cancellationToken)
    {
        var shown = HttpUrls.Redact(url);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(TimeSpan.FromSeconds(_options.HttpTotalTimeoutSeconds));
        var token = total.Token;
        var done = 0L;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new GeneratorException($"GET {shown}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
            }

            var announced = response.Content.Headers.ContentLength;
            if (announced > maxBytes)
            {
                throw new GeneratorException($"GET {shown}: the server announces {announced} bytes, more than the limit of {maxBytes} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(token);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var reported = 0L;
                progress?.Invoke(0, announced);
                int read;
                while ((read = await ReadAsync(body, buffer, token)) > 0)
                {
                    done += read;
                    if (done > maxBytes)
                    {
                        throw new GeneratorException($"GET {shown}: aborted after {done} bytes, more than the limit of {maxBytes} bytes");
                    }

                    await sink(buffer.AsMemory(0, read), token);
                    if (progress is not null && done - reported >= 1 << 20)
                    {
                        progress(done, announced);
                        reported = done;
                    }
                }

                progress?.Invoke(done, announced);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return done;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GeneratorException(total.IsCancellationRequested
                ? $"GET {shown}: timed out after {_options.HttpTotalTimeoutSeconds} s ({done} bytes received)"
                : $"GET {shown}: could not connect within {_options.HttpConnectTimeoutSeconds} s");
        }
        catch (HttpRequestException e)
        {
            throw new GeneratorException($"GET {shown}: {OneLine(e)}", e);
        }

        async ValueTask<int> ReadAsync(Stream body, byte[] buffer, CancellationToken token)
        {
            try
            {
                return await body.ReadAsync(buffer.AsMemory(0, BufferSize), token);
            }
            catch (IOException e)
            {
                throw new GeneratorException($"GET {shown}: the connection failed after {done} bytes: {OneLine(e)}", e);
            }
        }
    }

    private static string OneLine(Exception e) =>
        (e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message)
        .ReplaceLineEndings(" ");
}
