using System.CommandLine;
using SystemImage.Core.Operations;
using SystemImage.Core.Signing;

namespace SystemImage.Server.Cli;

/// <summary>Key verbs: generate-keys, rotate-key, revoke-key, list-keys.</summary>
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

        var list = Verb.Create("list-keys", "List the signing keys with fingerprints and expiry, and the revoked keys of the blacklist", Verb.Json);
        list.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var store = s.GetRequiredService<KeyStore>();
            var keys = KeyNames.All.Select(store.Describe).ToList();
            var revoked = await s.GetRequiredService<KeyRevocation>().ListAsync(token);
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(new { keys, revoked });
                return 0;
            }

            foreach (var key in keys)
            {
                Console.Out.WriteLine($"{key.Name,-15} {key.Fingerprint} {key.Bits} bits, {(key.Expiry is { } e ? $"expires {e:yyyy-MM-dd} ({(e - DateTimeOffset.UtcNow).TotalDays:F0} days)" : "no expiry")}");
            }

            Console.Out.WriteLine(revoked.Count == 0 ? "blacklist       no revoked keys" : $"blacklist       {revoked.Count} revoked key(s):");
            foreach (var key in revoked)
            {
                Console.Out.WriteLine($"  {key.Fingerprint} {key.Label}, revoked {key.RevokedAt:yyyy-MM-dd HH:mm} UTC by {key.RevokedBy}{(key.Reason is null ? "" : $": {key.Reason}")}");
            }

            return 0;
        }, ct));

        return [generate, rotate, Revoke(), list];
    }

    private static Command Revoke()
    {
        var fingerprint = new Argument<string[]>("FINGERPRINT")
        {
            Description = "The primary key's fingerprint: 40 hex digits, spaces allowed (as gpg --fingerprint prints it)",
            Arity = ArgumentArity.OneOrMore,
        };
        var file = new Option<FileInfo?>("--file") { Description = "The key's public key (gpg --export output, binary or armored), for a key the server does not hold" };
        var reason = new Option<string?>("--reason") { Description = "Why the key is revoked, kept with the revocation" };
        var revoke = Verb.Create("revoke-key", "Put a key on the blacklist (gpg/blacklist.tar.xz): devices then refuse everything it signs", fingerprint, file, reason);
        revoke.SetAction((parse, ct) => Verb.RunOperationAsync(parse, async (s, actor, token) =>
        {
            byte[]? publicKey = null;
            if (parse.GetValue(file) is { } path)
            {
                if (!path.Exists)
                {
                    return OperationResult.Invalid($"{path.FullName} does not exist.");
                }

                publicKey = await File.ReadAllBytesAsync(path.FullName, token);
            }

            var fingerprintText = string.Join(' ', parse.GetRequiredValue(fingerprint));
            var (result, _) = await s.GetRequiredService<KeyRevocation>().RevokeAsync(fingerprintText, publicKey, parse.GetValue(reason), actor, token);
            return result;
        }, ct));
        return revoke;
    }
}
