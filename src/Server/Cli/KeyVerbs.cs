using System.CommandLine;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Cli;

/// <summary>Key verbs: generate-keys.</summary>
internal static class KeyVerbs
{
    public static IEnumerable<Command> Create()
    {
        var force = new Option<bool>("--force") { Description = "Replace existing keys" };
        var generate = Verb.Create("generate-keys", "Generate the signing key hierarchy and publish its keyrings", force);
        generate.SetAction((parse, ct) => Verb.RunAsync(
            parse,
            async (s, token) => Verb.Report(await s.GetRequiredService<KeyService>().GenerateAsync(parse.GetValue(force), Actor.CommandLine(), token)),
            ct,
            generateDevelopmentKeys: false));
        return [generate];
    }
}
