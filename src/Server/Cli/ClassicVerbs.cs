using System.CommandLine;
using SystemImage.Core.Classic;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Cli;

/// <summary>adopt-tree: take over a classic system-image installation.</summary>
internal static class ClassicVerbs
{
    public static IEnumerable<Command> Create()
    {
        var root = new Argument<string>("CLASSIC_ROOT") { Description = "The classic server's directory (holding etc/config and www/)" };
        var config = new Option<string?>("--config") { Description = "Its configuration file (default: CLASSIC_ROOT/etc/config)" };
        var keys = new Option<string?>("--keys") { Description = "Its key store: a GnuPG home per key, or exported <name>.sec files (default: the config's gpg_key_path)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check everything and list what would be adopted and every problem; change nothing" };
        var merge = new Option<bool>("--merge") { Description = "Adopt beside this server's channels (needs the same keys; an existing channel is never replaced)" };
        var adopt = Verb.Create("adopt-tree", "Take over a classic installation: its channels, images, files (byte for byte) and keys", root, config, keys, dryRun, merge, Verb.Json);
        adopt.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var request = new AdoptionRequest(parse.GetRequiredValue(root), parse.GetValue(config), parse.GetValue(keys), parse.GetValue(merge));
            var adoption = s.GetRequiredService<TreeAdoption>();
            var progress = new ConsoleProgress();
            if (parse.GetValue(dryRun))
            {
                var plan = await adoption.PlanAsync(request, progress, token);
                return Print(plan, parse.GetValue(Verb.Json), plan.CanAdopt ? $"Would adopt {plan.Summary}." : TreeAdoption.Refusal(plan));
            }

            var (result, adopted) = await adoption.AdoptAsync(request, Actor.CommandLine(), progress, token);
            return Print(adopted, parse.GetValue(Verb.Json), result.Message, result.Succeeded);
        }, ct, generateDevelopmentKeys: true));
        return [adopt];
    }

    private static int Print(AdoptionPlan plan, bool json, string outcome, bool? succeeded = null)
    {
        var ok = succeeded ?? plan.CanAdopt;
        if (json)
        {
            Verb.WriteJson(new { plan.Problems, plan.Channels, plan.Kept, plan.Devices, plan.Images, plan.Files, plan.Bytes, plan.Keys, Adoptable = plan.CanAdopt, Outcome = outcome });
            return ok ? 0 : 1;
        }

        foreach (var problem in plan.Problems)
        {
            Console.Out.WriteLine($"problem  {problem}");
        }

        foreach (var key in plan.Keys)
        {
            Console.Out.WriteLine($"key      {key}");
        }

        return ok ? Verb.Report(OperationResult.Ok(outcome)) : Verb.Fail(outcome);
    }

    /// <summary>Progress on stderr, a line per stage and per tenth of it, so a long adoption shows it is moving.</summary>
    private sealed class ConsoleProgress : IProgress<AdoptionProgress>
    {
        private readonly Lock _gate = new();
        private string? _stage;
        private long _shownTenth = -1;

        public void Report(AdoptionProgress value)
        {
            lock (_gate)
            {
                var tenth = value.Total > 0 ? value.Done * 10 / value.Total : 0;
                if (value.Stage == _stage && tenth == _shownTenth)
                {
                    return;
                }

                _stage = value.Stage;
                _shownTenth = tenth;
                Console.Error.WriteLine(value.Total > 0 ? $"{value.Stage}: {tenth * 10}% ({value.Done:N0} of {value.Total:N0})" : $"{value.Stage}…");
            }
        }
    }
}
