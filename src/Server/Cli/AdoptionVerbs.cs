using System.CommandLine;
using System.Globalization;
using SystemImage.Core.Adoption;

namespace SystemImage.Server.Cli;

/// <summary>Adoption verbs: ingest-access-log, downloads.</summary>
internal static class AdoptionVerbs
{
    private static readonly Argument<string> File = new("FILE") { Description = "An nginx access log in the combined format, plain or .gz" };

    private static readonly Option<string?> ChannelPrefix = new("--channel-prefix")
    {
        Description = "URL path the tree is served under in the log (e.g. /system-image); default: the root",
    };

    public static IEnumerable<Command> Create()
    {
        var ingest = Verb.Create("ingest-access-log", "Count the downloads of an nginx access log (lines already read from it are skipped)", File, ChannelPrefix);
        ingest.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var file = parse.GetValue(File)!;
            if (!System.IO.File.Exists(file))
            {
                return Verb.Fail($"{file}: no such file.");
            }

            var result = await s.GetRequiredService<AccessLogIngest>().IngestAsync(file, parse.GetValue(ChannelPrefix), token);
            Console.Out.WriteLine(
                $"Read {result.Lines} line(s), {result.AlreadyIngested} already ingested before: {result.Counted} download(s) and check-in(s) counted.");
            return 0;
        }, ct));
        var channel = new Argument<string>("CHANNEL") { Description = "Channel name" };
        var device = new Option<string?>("--device") { Description = "Only this device's downloads" };
        var from = new Option<string?>("--from") { Description = $"First UTC day, yyyy-MM-dd (default: {DownloadQueries.DefaultDays} days before --to)" };
        var to = new Option<string?>("--to") { Description = "Last UTC day, yyyy-MM-dd (default: today)" };
        var downloads = Verb.Create("downloads", "Show CHANNEL's downloads and check-ins per version, in all and per day", channel, device, from, to, Verb.Json);
        downloads.SetAction((parse, ct) =>
        {
            if (!DownloadQueries.TryParseDay(parse.GetValue(from), out var first) || !DownloadQueries.TryParseDay(parse.GetValue(to), out var last))
            {
                return Task.FromResult(Verb.Usage("--from and --to are days written yyyy-MM-dd."));
            }

            if (!DownloadQueries.IsSpan(first, last))
            {
                return Task.FromResult(Verb.Usage($"--from must be on or before --to, at most {DownloadQueries.MaxDays} days apart."));
            }

            return Verb.RunAsync(parse, async (s, token) =>
            {
                var name = parse.GetRequiredValue(channel);
                if (await s.GetRequiredService<DownloadQueries>().ForChannelOrNullAsync(name, first, last, parse.GetValue(device), token) is not { } counted)
                {
                    return Verb.Fail($"channel '{name}' does not exist.");
                }

                if (parse.GetValue(Verb.Json))
                {
                    Verb.WriteJson(counted);
                }
                else
                {
                    PrintDownloads(counted, parse.GetValue(device));
                }

                return 0;
            }, ct);
        });
        return [ingest, downloads];
    }

    private static void PrintDownloads(ChannelDownloads counted, string? device)
    {
        var of = device is null ? counted.Channel : $"{device} in {counted.Channel}";
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Downloads of {of} from {counted.From:yyyy-MM-dd} to {counted.To:yyyy-MM-dd} (UTC):"));
        if (counted.Days.Count == 0)
        {
            Console.Out.WriteLine("  none counted");
            return;
        }

        Console.Out.WriteLine($"  {"version",7} {"full",8} {"delta",8} {"check-ins",10}");
        foreach (var version in counted.Days.GroupBy(d => d.Version).OrderByDescending(g => g.Key))
        {
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"  {version.Key,7} {version.Sum(d => d.Full),8} {version.Sum(d => d.Delta),8} {version.Sum(d => d.CheckIns),10}"));
        }

        Console.Out.WriteLine("Per day:");
        foreach (var day in counted.Days)
        {
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"  {day.Day:yyyy-MM-dd} {day.Version,7} {day.Full,8} {day.Delta,8} {day.CheckIns,10}"));
        }
    }
}
