using System.Diagnostics;
using SystemImage.Core.Compression;

// Usage: XzBench compress <input> <output> <preset> <block-size> [threads]
//        XzBench decompress <input> <output> [threads]
// Prints the elapsed seconds of the work itself (startup excluded) on stdout.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: XzBench compress <input> <output> <preset> <block-size> [threads] | decompress <input> <output> [threads]");
    return 2;
}

const int FileBufferSize = 1 << 20;
var clock = Stopwatch.StartNew();
await using (var input = new FileStream(args[1], FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, useAsync: true))
await using (var output = new FileStream(args[2], FileMode.Create, FileAccess.Write, FileShare.None, FileBufferSize, useAsync: true))
{
    switch (args[0])
    {
        case "compress" when args.Length >= 5:
            var settings = new XzSettings
            {
                Preset = int.Parse(args[3]),
                BlockSize = long.Parse(args[4]),
                Threads = args.Length > 5 ? int.Parse(args[5]) : 0,
            };
            await Xz.CompressAsync(input, output, settings, CancellationToken.None);
            break;
        case "decompress":
            await using (var decoder = new XzDecoderStream(input, leaveOpen: true, threads: args.Length > 3 ? int.Parse(args[3]) : 0))
            {
                await decoder.CopyToAsync(output, FileBufferSize);
            }

            break;
        default:
            Console.Error.WriteLine($"unknown or incomplete command: {string.Join(' ', args)}");
            return 2;
    }
}

Console.WriteLine(clock.Elapsed.TotalSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
return 0;
