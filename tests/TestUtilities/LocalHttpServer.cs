using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SystemImage.TestUtilities;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port, for tests of HTTP clients: each connection carries one
/// GET or HEAD and is closed after the answer. Answers come from <see cref="Set"/> (exact paths) or the fallback
/// handler; anything else is 404. Counts requests per path.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Reply> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly Func<string, Reply?>? _fallback;
    private readonly Task _accepting;

    public LocalHttpServer(Func<string, Reply?>? fallback = null)
    {
        _fallback = fallback;
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>E.g. <c>http://127.0.0.1:43123</c> (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>Serves a whole directory: each request path maps to the file under <paramref name="root"/>.</summary>
    public static LocalHttpServer ForDirectory(string root, Func<string, byte[], byte[]>? rewrite = null) => new(path =>
    {
        var file = Path.GetFullPath(Path.Combine(root, Uri.UnescapeDataString(path).TrimStart('/')));
        if (!file.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(file);
        return Reply.Ok(rewrite is null ? bytes : rewrite(path, bytes));
    });

    public string Url(string path) => BaseUrl + path;

    /// <summary>Answers GET/HEAD <paramref name="path"/> with <paramref name="reply"/> from now on.</summary>
    public void Set(string path, Reply reply) => _routes[path] = reply;

    public void Set(string path, byte[] body) => Set(path, Reply.Ok(body));

    public void Set(string path, string body) => Set(path, Reply.Ok(Encoding.UTF8.GetBytes(body)));

    /// <summary>How many requests <paramref name="path"/> got.</summary>
    public int Requests(string path) => _requests.GetValueOrDefault(path);

    /// <summary>A URL on 127.0.0.1 where nothing listens (a port that was free a moment ago).</summary>
    public static string UnreachableUrl(string path)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}{path}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var requestLine = head.Split("\r\n")[0].Split(' ');
                if (requestLine.Length < 2)
                {
                    return;
                }

                var method = requestLine[0];
                var path = requestLine[1].Split('?')[0];
                _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
                var reply = _routes.GetValueOrDefault(path) ?? _fallback?.Invoke(path) ?? Reply.Status(404);
                await WriteAsync(stream, method == "HEAD", reply);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (or the test ended); nothing to answer.
            }
        }
    }

    private async Task WriteAsync(NetworkStream stream, bool headOnly, Reply reply)
    {
        var header = new StringBuilder($"HTTP/1.1 {reply.StatusCode} {(HttpStatusCode)reply.StatusCode}\r\n");
        if (!reply.OmitLength)
        {
            header.Append($"Content-Length: {reply.DeclaredLength ?? reply.Body.Length}\r\n");
        }

        header.Append("Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()), _stop.Token);
        await stream.FlushAsync(_stop.Token);
        if (reply.Stall)
        {
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }

        if (!headOnly)
        {
            await stream.WriteAsync(reply.Body, _stop.Token);
        }

        await stream.FlushAsync(_stop.Token);
        stream.Socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var buffer = new byte[1];
        while (bytes.Count < 65536 && await stream.ReadAsync(buffer) == 1)
        {
            bytes.Add(buffer[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    /// <summary>One answer: a status and a body, optionally with a wrong or missing Content-Length, or stalling after the headers.</summary>
    public sealed record Reply(int StatusCode, byte[] Body)
    {
        /// <summary>The Content-Length sent instead of the body's length.</summary>
        public long? DeclaredLength { get; init; }

        /// <summary>Send no Content-Length: the body ends when the connection closes.</summary>
        public bool OmitLength { get; init; }

        /// <summary>Send the headers, then nothing until the server stops.</summary>
        public bool Stall { get; init; }

        public static Reply Ok(byte[] body) => new(200, body);

        public static Reply Status(int code) => new(code, Encoding.UTF8.GetBytes($"status {code}\n"));
    }
}
