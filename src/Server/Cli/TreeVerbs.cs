using System.CommandLine;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Cli;

/// <summary>Tree maintenance verbs: check-tree, cleanup-tree, re-sign.</summary>
internal static class TreeVerbs
{
    private static readonly Option<bool> Verify = new("--verify")
    {
        Description = "Also check every signature with the server's public keys (reads every file of the tree)",
    };

    public static IEnumerable<Command> Create()
    {
        var check = Verb.Create("check-tree", "List missing, orphaned and foreign files (and with --verify, signatures that do not verify)", Verb.Json, Verify);
        check.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var result = await s.GetRequiredService<TreeMaintenance>().CheckAsync(parse.GetValue(Verify), token);
            var bad = result.BadSignatures ?? [];
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(result);
            }
            else
            {
                Print("missing ", result.Missing);
                Print("orphaned", result.Orphaned);
                Print("foreign ", result.Foreign);
                foreach (var signature in bad)
                {
                    Console.Out.WriteLine($"bad-sig  {signature.Path}: {signature.Reason}");
                }

                var summary = $"{result.Missing.Count} missing, {result.Orphaned.Count} orphaned, {result.Foreign.Count} foreign";
                Console.Out.WriteLine(result.BadSignatures is null ? summary : $"{summary}, {bad.Count} bad signature(s)");
            }

            if (result.Behind > 0)
            {
                return Verb.Fail($"The tree lags the database: {result.Behind} committed change(s) are not published yet (the next change or server start publishes them).");
            }

            return (result.Missing.Count, bad.Count) switch
            {
                (0, 0) => 0,
                (0, var signatures) => Verb.Fail($"{signatures} signature(s) do not verify; restarting the server signs them again."),
                (var missing, _) => Verb.Fail($"{missing} referenced file(s) are missing from the tree."),
            };
        }, ct));

        var cleanup = Verb.Create("cleanup-tree", "Remove orphaned files that no index references (foreign files are listed, never removed)");
        cleanup.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var result = await s.GetRequiredService<TreeMaintenance>().CleanupAsync(Actor.CommandLine(), token);
            Print("foreign ", result.Foreign);
            Console.Out.WriteLine(result.Foreign.Count == 0
                ? $"Removed {result.Removed.Count} orphaned file(s)."
                : $"Removed {result.Removed.Count} orphaned file(s); left {result.Foreign.Count} foreign file(s) or directories.");
            return 0;
        }, ct));

        var resign = Verb.Create("re-sign", "Re-sign every index and current file (after an image-signing key rotation)");
        resign.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) => s.GetRequiredService<TreeMaintenance>().ResignAsync(actor, token), ct));

        return [check, cleanup, resign];
    }

    private static void Print(string label, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            Console.Out.WriteLine($"{label} {path}");
        }
    }
}
