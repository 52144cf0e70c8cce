using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SystemImage.Core.Compression;
using SystemImage.Core.Images.Parts;

// Usage: PartsBench <input> <output.tar.xz> <level> <block-size> [threads]
//   input: a .tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2, as its name says.
//   level: a preset 0-9, optionally followed by "e" for extreme (e.g. 6e), as xz's -6e.
// Runs PartPreparer.PrepareAsync once and prints "<seconds> <output bytes> <entries>" (startup excluded).
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: PartsBench <input> <output.tar.xz> <level> <block-size> [threads]");
    return 2;
}

var level = args[2];
var options = new XzOptions
{
    Preset = int.Parse(level.TrimEnd('e'), CultureInfo.InvariantCulture),
    Extreme = level.EndsWith('e'),
    BlockSize = long.Parse(args[3], CultureInfo.InvariantCulture),
    Threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0,
};
var preparer = new PartPreparer(Options.Create(options), Options.Create(new ArchiveLimitsOptions()), NullLogger<PartPreparer>.Instance);
var work = Path.GetDirectoryName(Path.GetFullPath(args[1]))!;

var clock = Stopwatch.StartNew();
var result = await preparer.PrepareAsync(args[0], PartPreparer.CompressionFromFileName(args[0]), work, CancellationToken.None);
var seconds = clock.Elapsed.TotalSeconds;
if (result.Part is not { } part)
{
    Console.Error.WriteLine($"refused: {result.Error}");
    return 1;
}

File.Move(part.OutputPath, args[1], overwrite: true);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F3} {part.Size} {part.Entries}"));
return 0;
