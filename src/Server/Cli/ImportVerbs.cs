using System.CommandLine;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Server.Cli;

/// <summary>Importer verbs: import-config, show-importer, pause-import, resume-import, import-images, list-imports, cancel-job.</summary>
internal static class ImportVerbs
{
    public static IEnumerable<Command> Create()
    {
        var file = new Argument<string>("FILE.ini") { Description = "Classic importer configuration ([global] channels, [channel_<name>] sections)" };
        var importConfig = Verb.Create("import-config", "Configure channels' importers from a classic INI file", file);
        importConfig.SetAction((parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                return Task.FromResult(Verb.Fail($"{path} does not exist."));
            }

            return Verb.RunOperationAsync(parse, async (s, actor, token) =>
            {
                var result = (await s.GetRequiredService<ImporterConfigService>().ImportIniAsync(await File.ReadAllTextAsync(path, token), actor, token)).Result;
                return result.Succeeded ? result : result with { Message = $"{path}: {result.Message}" };
            }, ct);
        });

        var channel = new Argument<string>("CHANNEL") { Description = "Channel name" };
        var show = Verb.Create("show-importer", "Show a channel's importer configuration and next scheduled runs", channel, Verb.Json);
        show.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var name = parse.GetRequiredValue(channel);
            if (await s.GetRequiredService<ImporterConfigService>().GetAsync(name, token) is not { } config)
            {
                return Verb.Fail($"Channel '{name}' does not exist.");
            }

            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(config);
                return 0;
            }

            Console.Out.WriteLine($"{name}: {config.Type.ToString().ToLowerInvariant()}{(config.Paused ? ", paused" : "")}");
            Console.Out.WriteLine($"  versionbase {config.VersionBase}, fullcount {config.FullCount}, deltabase {(config.DeltaBases.Count == 0 ? name : string.Join(", ", config.DeltaBases))}");
            foreach (var entry in config.Files)
            {
                Console.Out.WriteLine($"  file_{entry.Name}{(entry.Device is null ? "" : $",{entry.Device}")} = {entry.ToIniValue()}");
            }

            if (config.Schedule is { } schedule)
            {
                var next = CronSchedule.Next(schedule, DateTimeOffset.UtcNow, 3);
                Console.Out.WriteLine($"  schedule '{schedule}', next runs (UTC): {string.Join(", ", next.Select(t => t.ToString("yyyy-MM-dd HH:mm")))}");
            }

            return 0;
        }, ct));

        var pause = Verb.Create("pause-import", "Pause a channel's imports (scheduled and on demand)", channel);
        pause.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ImporterConfigService>().SetPausedAsync(parse.GetRequiredValue(channel), true, actor, token), ct));
        var resume = Verb.Create("resume-import", "Resume a channel's imports", channel);
        resume.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ImporterConfigService>().SetPausedAsync(parse.GetRequiredValue(channel), false, actor, token), ct));

        var only = new Option<string?>("--channel") { Description = "Import this channel only (default: every automatic channel that is not paused)" };
        var import = Verb.Create("import-images", "Run the import of automatic channels once, in the foreground", only);
        import.SetAction((parse, ct) => Verb.RunAsync(parse, (s, token) => ImportAsync(s, parse.GetValue(only), token), ct));

        var limit = new Option<int>("--limit") { Description = "How many runs to show (default 20)", DefaultValueFactory = _ => 20 };
        var runsOf = new Option<string?>("--channel") { Description = "Only this channel's runs" };
        var list = Verb.Create("list-imports", "List recent import runs and other background jobs, newest first", runsOf, limit, Verb.Json);
        list.SetAction((parse, ct) => ImportRunQueries.ValidateLimit(parse.GetValue(limit)) is { } badLimit ? Task.FromResult(Verb.Fail(badLimit)) : Verb.RunAsync(parse, async (s, token) =>
        {
            var runs = await s.GetRequiredService<ImportRunQueries>().RecentAsync(parse.GetValue(runsOf), null, parse.GetValue(limit), token);
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(runs);
                return 0;
            }

            foreach (var run in runs)
            {
                var what = run.Kind == Core.Persistence.Entities.ImportRun.ImportKind ? run.Channel : run.Kind;
                Console.Out.WriteLine($"{run.Id,6} {run.QueuedAt:yyyy-MM-dd HH:mm:ss} {what} {run.State.ToString().ToLowerInvariant()} ({run.Trigger}, {run.Actor}): {run.Summary}");
            }

            Console.Out.WriteLine($"{runs.Count} run(s)");
            return 0;
        }, ct));

        var id = new Argument<int>("ID") { Description = "The job's id, as list-imports shows it" };
        var cancel = Verb.Create("cancel-job", "Cancel a queued job (an import, a re-sign, a key rotation) or a running import, here or in the server", id);
        cancel.Aliases.Add("cancel-import");
        cancel.SetAction((parse, ct) => Verb.RunOperationAsync(parse, async (s, actor, token) =>
            (await s.GetRequiredService<ImportRuns>().CancelAsync(parse.GetRequiredValue(id), actor, token)).Result, ct));

        return [importConfig, show, pause, resume, import, list, cancel];
    }

    private static async Task<int> ImportAsync(IServiceProvider services, string? only, CancellationToken cancellationToken)
    {
        var channels = only is null
            ? (await services.GetRequiredService<SystemImage.Core.Channels.ChannelQueries>().ListAsync(cancellationToken))
                .Where(c => c.Type == ChannelType.Auto && !c.ImportPaused).Select(c => c.Name).ToList()
            : [only];
        if (channels.Count == 0)
        {
            Console.Out.WriteLine("No automatic channel to import (or all are paused).");
            return 0;
        }

        var runs = services.GetRequiredService<ImportRuns>();
        var failed = false;
        foreach (var name in channels)
        {
            var runId = await runs.QueueAsync(name, "cli", Actor.CommandLine(), cancellationToken);
            var outcome = await runs.RunAsync(runId, Actor.CommandLine(), cancellationToken, new ConsoleReporter());
            if (outcome.Result.Succeeded)
            {
                Console.Out.WriteLine(outcome.Result.Message);
            }
            else
            {
                Verb.Fail(outcome.Result.Message);
                failed = true;
            }
        }

        return failed ? 1 : 0;
    }

    /// <summary>The import's log on stdout, and its progress on one updating stderr line when stderr is a terminal.</summary>
    private sealed class ConsoleReporter : IImportReporter
    {
        private readonly bool _interactive = !Console.IsErrorRedirected;
        private DateTime _lastProgress;

        public void Log(string message)
        {
            if (_interactive)
            {
                Console.Error.Write("\r\u001b[K");
            }

            Console.Out.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");
        }

        public void Progress(string device, string? file, long bytesDone, long? bytesTotal)
        {
            if (!_interactive || file is null || (DateTime.UtcNow - _lastProgress).TotalMilliseconds < 200)
            {
                return;
            }

            _lastProgress = DateTime.UtcNow;
            var amount = bytesTotal is > 0 ? $"{bytesDone * 100 / bytesTotal.Value}% of {bytesTotal.Value / 1e6:F1} MB" : $"{bytesDone / 1e6:F1} MB";
            Console.Error.Write($"\r\u001b[K{device}: {file} {amount}");
        }
    }
}
