using System.CommandLine;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Cli;

/// <summary>Key verbs: generate-keys, rotate-key, list-keys.</summary>
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
        var name = new Argument<string>("KEY") { Description = "image-signing or device-signing" };
        var rotate = Verb.Create("rotate-key", "Replace image-signing or device-signing with a new key and re-sign everything it signed", name);
        rotate.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<KeyService>().RotateAsync(parse.GetRequiredValue(name), actor, token), ct));

        var list = Verb.Create("list-keys", "List the signing keys with fingerprints and expiry", Verb.Json);
        list.SetAction((parse, ct) => Verb.RunAsync(parse, (s, _) =>
        {
            var store = s.GetRequiredService<SystemImage.Core.Signing.KeyStore>();
            var keys = SystemImage.Core.Signing.KeyNames.All.Select(store.Describe).ToList();
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(keys);
                return Task.FromResult(0);
            }

            foreach (var key in keys)
            {
                Console.Out.WriteLine($"{key.Name,-15} {key.Fingerprint} {key.Bits} bits, {(key.Expiry is { } e ? $"expires {e:yyyy-MM-dd} ({(e - DateTimeOffset.UtcNow).TotalDays:F0} days)" : "no expiry")}");
            }

            return Task.FromResult(0);
        }, ct));
        return [generate, rotate, list];
    }
}
