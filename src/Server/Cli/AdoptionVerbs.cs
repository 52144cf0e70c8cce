using System.CommandLine;
using SystemImage.Core.Adoption;

namespace SystemImage.Server.Cli;

/// <summary>Adoption verbs: ingest-access-log.</summary>
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
        return [ingest];
    }
}
