using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SystemImage.Server.Tests;

/// <summary>
/// A multipart body of <c>count</c> text fields of <c>fieldBytes</c> each, generated as it is sent (never held whole),
/// counting what actually went out, so a test can tell how early the server answered.
/// </summary>
internal sealed class ManyFieldsContent : HttpContent
{
    private const string Boundary = "many-fields-boundary";
    private readonly int _count;
    private readonly byte[] _value;

    public ManyFieldsContent(int count, int fieldBytes)
    {
        _count = count;
        _value = Encoding.ASCII.GetBytes(new string('v', fieldBytes));
        Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
    }

    public long Length => (long)_count * (Head(0).Length + _value.Length + 2) + Tail.Length;

    public long BytesSent { get; private set; }

    private static byte[] Tail => Encoding.ASCII.GetBytes($"--{Boundary}--\r\n");

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        try
        {
            for (var i = 0; i < _count; i++)
            {
                await WriteAsync(stream, Head(i));
                await WriteAsync(stream, _value);
                await WriteAsync(stream, "\r\n"u8.ToArray());
            }

            await WriteAsync(stream, Tail);
        }
        catch (IOException)
        {
            // The server answered and closed the connection before taking the rest; that is the point.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }

    // Every field name has the same length, so the body's length is easy to tell.
    private static byte[] Head(int i) => Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"field{i:D5}\"\r\n\r\n");

    private async Task WriteAsync(Stream stream, byte[] bytes)
    {
        await stream.WriteAsync(bytes);
        BytesSent += bytes.Length;
    }
}
