using System.CommandLine;
using System.Globalization;
using SystemImage.Core.Audit;

namespace SystemImage.Server.Cli;

/// <summary>The <c>audit</c> verb: the audit log, newest first, searched by the database like the API's <c>GET /audit</c>.</summary>
internal static class AuditVerbs
{
    public static IEnumerable<Command> Create()
    {
        var channel = new Option<string?>("--channel") { Description = "Only entries about this channel" };
        var device = new Option<string?>("--device") { Description = "Only entries about this device (of --channel, or of any channel)" };
        var search = new Option<string?>("--search", "-s") { Description = "Words every entry contains (any case) in its actor, action, target or change text" };
        var since = new Option<string?>("--since") { Description = "Only entries at or after this UTC time, e.g. 2026-11-26T10:00:00Z" };
        var before = new Option<long?>("--before") { Description = "The next page: entries older than the entry with this id" };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many entries (1-1000)", DefaultValueFactory = _ => 50 };
        var audit = Verb.Create("audit", "List audit entries, newest first", channel, device, search, since, before, limit, Verb.Json);
        audit.SetAction((parse, ct) =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return Task.FromResult(Verb.Usage($"--since must be a date and time such as 2026-11-26T10:00:00Z, not '{text}'."));
                }

                from = parsed;
            }

            var query = new AuditSearch
            {
                Channel = parse.GetValue(channel),
                Device = parse.GetValue(device),
                Text = parse.GetValue(search),
                Since = from,
                Before = parse.GetValue(before),
                Limit = parse.GetValue(limit),
            };
            if (query.Validate() is { } invalid)
            {
                return Task.FromResult(Verb.Usage(invalid));
            }

            return Verb.RunAsync(parse, async (s, token) =>
            {
                var page = await s.GetRequiredService<AuditQueries>().SearchAsync(query, token);
                if (parse.GetValue(Verb.Json))
                {
                    Verb.WriteJson(page);
                    return 0;
                }

                foreach (var entry in page.Entries)
                {
                    Console.Out.WriteLine(string.Create(
                        CultureInfo.InvariantCulture, $"{entry.Id,6} {entry.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} {entry.Actor} ({entry.Surface}) {entry.Action} {entry.Target}: {entry.Detail ?? "-"}"));
                }

                Console.Out.WriteLine(page.Next is { } next
                    ? $"{page.Entries.Count} entries; more with --before {next}"
                    : $"{page.Entries.Count} entries");
                return 0;
            }, ct);
        });
        return [audit];
    }
}
