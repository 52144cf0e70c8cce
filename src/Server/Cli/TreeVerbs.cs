using System.CommandLine;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Cli;

/// <summary>Tree maintenance verbs: check-tree, cleanup-tree, re-sign.</summary>
internal static class TreeVerbs
{
    public static IEnumerable<Command> Create()
    {
        var check = Verb.Create("check-tree", "List files the database references that are missing, and orphaned files", Verb.Json);
        check.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var result = await s.GetRequiredService<TreeMaintenance>().CheckAsync(token);
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(result);
            }
            else
            {
                foreach (var path in result.Missing)
                {
                    Console.Out.WriteLine($"missing  {path}");
                }

                foreach (var path in result.Orphaned)
                {
                    Console.Out.WriteLine($"orphaned {path}");
                }

                Console.Out.WriteLine($"{result.Missing.Count} missing, {result.Orphaned.Count} orphaned");
            }

            return result.Missing.Count == 0 ? 0 : Verb.Fail($"{result.Missing.Count} referenced file(s) are missing from the tree.");
        }, ct));

        var cleanup = Verb.Create("cleanup-tree", "Remove orphaned files that no index references");
        cleanup.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var removed = await s.GetRequiredService<TreeMaintenance>().CleanupAsync(Actor.CommandLine(), token);
            Console.Out.WriteLine($"Removed {removed.Count} orphaned file(s).");
            return 0;
        }, ct));

        var resign = Verb.Create("re-sign", "Re-sign every index and current file (after an image-signing key rotation)");
        resign.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) => s.GetRequiredService<TreeMaintenance>().ResignAsync(actor, token), ct));

        return [check, cleanup, resign];
    }
}
