using SystemImage.Core.Operations;

namespace SystemImage.Core.Importing;

/// <summary>The outcome of reading a classic INI configuration.</summary>
/// <param name="Result">Success, or why nothing was changed (or where it stopped).</param>
/// <param name="Channels">The channels the INI configured, in its order.</param>
/// <param name="Created">Those of them that did not exist before.</param>
public sealed record IniImport(OperationResult Result, IReadOnlyList<string> Channels, IReadOnlyList<string> Created)
{
    public static IniImport Refused(OperationResult result) => new(result, [], []);
}
