using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>How runs are named in their records, messages and the audit log.</summary>
internal static class RunText
{
    /// <summary>An actor as runs record it: <c>alice (ui)</c>.</summary>
    public static string Name(Actor actor) => $"{actor.Name} ({actor.Surface})";

    /// <summary>What a run does, in a few words: "the import of devel", "the re-sign of the tree".</summary>
    public static string Describe(ImportRun run) => run.Kind switch
    {
        ImportRun.ImportKind => $"the import of {run.Channel}",
        ImportRun.ResignKind => "the re-sign of the tree",
        _ => run.Trigger,
    };

    /// <summary>A state in words: <c>cancelled</c>, <c>nothing new</c>.</summary>
    public static string State(ImportRunState state) => state == ImportRunState.NothingNew ? "nothing new" : state.ToString().ToLowerInvariant();
}
