using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using static System.Net.HttpStatusCode;
using static SystemImage.Server.Tests.RouteWorld;

namespace SystemImage.Server.Tests;

/// <summary>
/// The refusals API.md names, route by route: 400 for invalid input, 404 for an unknown channel, device, image, job,
/// token or key named in the body or query, 409 for conflicts (already exists, an alias or redirect where the
/// operation needs a channel with images, not the latest image, already the latest, an import running, a job that has
/// ended). Unknown path parameters and malformed JSON bodies are generated from <see cref="RouteTable"/> instead of listed here.
/// </summary>
internal static class RouteProblems
{
    private const string Images = "/channels/{c}/devices/{d}/images";
    private const string Other = "ubuntu-touch/rc/ubuntu";

    public static IReadOnlyList<ProblemCase> Cases { get; } =
    [
        new("POST /channels", BadRequest, "no name") { Send = (w, r) => w.Request(r, body: Json(new { hidden = true })), Detail = "'name' is required" },
        new("POST /channels", BadRequest, "both alias and redirect") { Send = (w, r) => w.Request(r, body: Json(new { name = Slashed, alias = Source, redirect = Source })), Detail = "cannot both be given" },
        new("POST /channels", BadRequest, "a reserved name") { Send = (w, r) => w.Request(r, body: Json(new { name = "api/v2" })), Detail = "reserved" },
        new("POST /channels", BadRequest, "the name of a file of the tree root") { Send = (w, r) => w.Request(r, body: Json(new { name = "channels.json.asc" })), Detail = "'channels.json.asc' is reserved" },
        new("POST /channels", BadRequest, "a segment named like a file the server writes") { Send = (w, r) => w.Request(r, body: Json(new { name = "ubuntu-touch/index.json" })), Detail = "ends in '.json'" },
        new("POST /channels", BadRequest, "an alias named like a signature") { Send = (w, r) => w.Request(r, body: Json(new { name = "mirror.asc", alias = Source })), Detail = "ends in '.asc'" },
        new("POST /channels", NotFound, "an unknown alias target") { Send = (w, r) => w.Request(r, body: Json(new { name = Slashed, alias = Nowhere })), Detail = Nowhere },
        new("POST /channels", NotFound, "an unknown redirect target") { Send = (w, r) => w.Request(r, body: Json(new { name = Slashed, redirect = Nowhere })), Detail = Nowhere },
        new("POST /channels", NotFound, "an unknown channel to copy devices from") { Send = (w, r) => w.Request(r, body: Json(new { name = Slashed, copyDevicesFrom = Nowhere })), Detail = Nowhere },
        new("POST /channels", Conflict, "it already exists") { ArrangeAsync = FromSource, Detail = "already exists" },
        new("POST /channels", Conflict, "an alias of an alias")
        {
            ArrangeAsync = async w =>
            {
                await w.ChannelAsync(Source);
                await w.AliasAsync(Other, Source);
            },
            Send = (w, r) => w.Request(r, body: Json(new { name = Slashed, alias = Other })),
            Detail = "itself an alias",
        },
        new("POST /channels", Conflict, "an alias of a redirect")
        {
            ArrangeAsync = RedirectToSource,
            Send = (w, r) => w.Request(r, body: Json(new { name = Other, alias = Slashed })),
            Detail = "is a redirect",
        },
        new("POST /channels", Conflict, "a redirect to a redirect")
        {
            ArrangeAsync = RedirectToSource,
            Send = (w, r) => w.Request(r, body: Json(new { name = Other, redirect = Slashed })),
            Detail = "itself a redirect",
        },
        new("POST /channels", BadRequest, "devices copied into an alias") { Send = (w, r) => w.Request(r, body: Json(new { name = Slashed, alias = Source, copyDevicesFrom = Source })), Detail = "'copyDevicesFrom'" },
        new("POST /channels", BadRequest, "a redirect shown") { Send = (w, r) => w.Request(r, body: Json(new { name = Slashed, redirect = Source, hidden = false })), Detail = "always hidden" },

        new("PATCH /channels/{c}", BadRequest, "an alias pointing at itself") { ArrangeAsync = AliasOfSource, Send = (w, r) => w.Request(r, body: Json(new { alias = Slashed })), Detail = "itself" },
        new("PATCH /channels/{c}", NotFound, "an unknown alias target") { ArrangeAsync = AliasOfSource, Send = (w, r) => w.Request(r, body: Json(new { alias = Nowhere })), Detail = Nowhere },
        new("PATCH /channels/{c}", Conflict, "re-targeting a channel that is no alias") { ArrangeAsync = FromSource, Send = (w, r) => w.Request(r, body: Json(new { alias = Source })), Detail = "not an alias" },
        new("PATCH /channels/{c}", Conflict, "showing a redirect") { ArrangeAsync = RedirectToSource, Send = (w, r) => w.Request(r, body: Json(new { hidden = false })), Detail = "redirect" },
        new("PATCH /channels/{c}", Conflict, "pausing a manual channel") { Send = (w, r) => w.Request(r, body: Json(new { paused = true })), Detail = "not an automatic channel" },

        new("POST /channels/{c}/rename", BadRequest, "no new name") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'newName' is required" },
        new("POST /channels/{c}/rename", BadRequest, "a move inside itself") { Send = (w, r) => w.Request(r, body: Json(new { newName = Slashed + "/inner" })), Detail = "inside itself" },
        new("POST /channels/{c}/rename", BadRequest, "a new name named like a tarball") { Send = (w, r) => w.Request(r, body: Json(new { newName = "stable.tar.xz" })), Detail = "ends in '.tar.xz'" },
        new("POST /channels/{c}/rename", Conflict, "the new name exists") { ArrangeAsync = FromSource, Send = (w, r) => w.Request(r, body: Json(new { newName = Source })), Detail = "already exists" },

        new("DELETE /channels/{c}", Conflict, "an alias points at it")
        {
            ArrangeAsync = async w =>
            {
                await Basic(w);
                await w.AliasAsync(Other, Slashed);
            },
            Detail = "target of",
        },

        new("POST /channels/{c}/promote", BadRequest, "no fromChannel") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'fromChannel' is required" },
        new("POST /channels/{c}/promote", BadRequest, "percentage 101") { Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Source, phasedPercentage = 101 })), Detail = "0–100" },
        new("POST /channels/{c}/promote", BadRequest, "from itself") { Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Slashed })), Detail = "itself" },
        new("POST /channels/{c}/promote", NotFound, "an unknown fromChannel") { Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Nowhere })), Detail = Nowhere },
        new("POST /channels/{c}/promote", Conflict, "into an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("PUT /channels/{c}/phased-percentage", BadRequest, "no percentage") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'percentage' is required" },
        new("PUT /channels/{c}/phased-percentage", BadRequest, "percentage 101") { Send = (w, r) => w.Request(r, body: Json(new { percentage = 101 })), Detail = "0–100" },
        new("PUT /channels/{c}/phased-percentage", NotFound, "an unknown device") { Send = (w, r) => w.Request(r, body: Json(new { percentage = 10, devices = new[] { "nodevice" } })), Detail = "nodevice" },
        new("PUT /channels/{c}/phased-percentage", Conflict, "in an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("POST /channels/{c}/revert", Conflict, "in an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("POST /channels/{c}/rollout", BadRequest, "no steps") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'steps' is required" },
        new("POST /channels/{c}/rollout", BadRequest, "a bad step") { Send = (w, r) => w.Request(r, body: Json(new { steps = "10@soon" })), Detail = "10@soon" },
        new("POST /channels/{c}/rollout", BadRequest, "a bad window") { Send = (w, r) => w.Request(r, body: Json(new { steps = "10@now", window = "Mon-Fry" })), Detail = "Mon-Fry" },
        new("POST /channels/{c}/rollout", Conflict, "a second rollout") { ArrangeAsync = RouteTable.WithRollout, Detail = "halt it first" },
        new("POST /channels/{c}/rollout", Conflict, "in an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("GET /channels/{c}/rollout", NotFound, "no rollout") { ArrangeAsync = RouteTable.WithImage, Detail = "has no rollout" },
        new("POST /channels/{c}/rollout/pause", NotFound, "no rollout") { ArrangeAsync = RouteTable.WithImage, Detail = "no rollout in progress" },
        new("POST /channels/{c}/rollout/resume", Conflict, "not paused") { ArrangeAsync = RouteTable.WithRollout, Detail = "not paused" },
        new("POST /channels/{c}/rollout/halt", BadRequest, "no reason") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "reason" },
        new("POST /channels/{c}/rollout/halt", NotFound, "no rollout") { ArrangeAsync = RouteTable.WithImage, Detail = "no rollout in progress" },
        new("GET /channels/{c}/promote", BadRequest, "no fromChannel") { Send = (w, r) => w.Request(r), Detail = "'fromChannel' is required" },
        new("GET /channels/{c}/promote", NotFound, "an unknown fromChannel") { Send = (w, r) => w.Request(r, query: $"?fromChannel={Uri.EscapeDataString(Nowhere)}"), Detail = Nowhere },
        new("GET /channels/{c}/promote", Conflict, "into an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },

        new("POST /channels/{c}/devices", BadRequest, "no name") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'name' is required" },
        new("POST /channels/{c}/devices", BadRequest, "a name with a slash") { Send = (w, r) => w.Request(r, body: Json(new { name = "ma/ko" })) },
        new("POST /channels/{c}/devices", BadRequest, "a name like the index") { Send = (w, r) => w.Request(r, body: Json(new { name = "index.json" })), Detail = "ends in '.json'" },
        new("POST /channels/{c}/devices", NotFound, "an unknown redirect target") { Send = (w, r) => w.Request(r, body: Json(new { name = Mako, redirect = Nowhere })), Detail = Nowhere },
        new("POST /channels/{c}/devices", Conflict, "it already exists") { ArrangeAsync = Basic, Detail = "already exists" },
        new("POST /channels/{c}/devices", Conflict, "in an alias") { ArrangeAsync = AliasOfSource, Send = (w, r) => w.Request(r, body: Json(new { name = "flo" })), Detail = "alias" },
        new("POST /channels/{c}/devices", Conflict, "in a redirect") { ArrangeAsync = RedirectToSource, Detail = "redirect" },
        new("DELETE /channels/{c}/devices/{d}", Conflict, "from an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("PUT /channels/{c}/devices/{d}/keyring", Conflict, "for a redirected device") { ArrangeAsync = RedirectedDevice, Detail = "redirected" },

        new("GET " + Images, BadRequest, "type partial") { Send = (w, r) => w.Request(r, query: "?type=partial"), Detail = "'type'" },
        new("POST " + Images, BadRequest, "JSON instead of multipart") { Send = (w, r) => w.Request(r, body: Json(new { ubuntu = "rootfs.tar.gz" })), Detail = "multipart/form-data" },
        new("POST " + Images, BadRequest, "no file part") { Send = (w, r) => w.Request(r, body: new MultipartFormDataContent { { new StringContent("x"), "description" } }), Detail = "no file parts" },
        new("POST " + Images, BadRequest, "a zip file") { Send = (w, r) => w.Request(r, body: new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "ubuntu", "rootfs.zip" } }), Detail = ".tar.gz" },
        new("POST " + Images, BadRequest, "percentage half") { Send = (w, r) => w.Request(r, body: Upload(1, ("phasedPercentage", "half"))), Detail = "whole numbers" },
        new("POST " + Images, BadRequest, "percentage 101") { Send = (w, r) => w.Request(r, body: Upload(1, ("phasedPercentage", "101"))), Detail = "0–100" },
        new("POST " + Images, BadRequest, "minVersion -7") { Send = (w, r) => w.Request(r, body: Upload(1, ("minVersion", "-7"))), Detail = "minVersion -7 is out of range" },
        new("POST " + Images, BadRequest, "minVersion 10^9") { Send = (w, r) => w.Request(r, body: Upload(1, ("minVersion", "1000000000"))), Detail = "minVersion 1000000000 is out of range" },
        new("POST " + Images, BadRequest, "a description over 4 KiB") { Send = (w, r) => w.Request(r, body: Upload(1, ("description", new string('d', 5000)))), Detail = "the limit is 4096 bytes" },
        new("POST " + Images, BadRequest, "a tag over 64 characters") { Send = (w, r) => w.Request(r, body: Upload(1, ("tag", new string('t', 65)))), Detail = "at most 64 characters" },
        new("POST " + Images, BadRequest, "a hard link to a name not in the archive")
        {
            Send = (w, r) => w.Request(r, body: Tarball(new TarballBuilder().WithFile("system/etc/hostname", "x\n").WithHardLink("system/etc/passwd", "system/etc/shadow"))),
            Detail = "tar entry 'system/etc/passwd' is a hard link to 'system/etc/shadow', which is not a file earlier in the archive",
        },
        new("POST " + Images, BadRequest, "a later image with a hard link to a name not in the archive")
        {
            ArrangeAsync = RouteTable.WithImage,
            Send = (w, r) => w.Request(r, body: Tarball(new TarballBuilder().WithFile("system/etc/hostname", "y\n").WithHardLink("system/bin/sh", "system/bin/busybox"))),
            Detail = "tar entry 'system/bin/sh' is a hard link to 'system/bin/busybox'",
        },
        new("POST " + Images, BadRequest, "an entry written through the archive's own symbolic link")
        {
            Send = (w, r) => w.Request(r, body: Tarball(new TarballBuilder().WithSymbolicLink("system/lnk", "/tmp/x").WithFile("system/lnk/pwned", "x"))),
            Detail = "tar entry 'system/lnk/pwned' lies below 'system/lnk', a symbolic link to '/tmp/x' outside the archive",
        },
        new("POST " + Images, BadRequest, "a tarball escaping its root")
        {
            Send = (w, r) => w.Request(r, body: new MultipartFormDataContent { { new ByteArrayContent(new TarballBuilder().WithFile("../../etc/passwd", "root::0:0\n").BuildGzip()), "ubuntu", "rootfs.tar.gz" } }),
            Detail = "'..'",
        },
        new("POST " + Images, Conflict, "into an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("POST " + Images, Conflict, "for a redirected device") { ArrangeAsync = RedirectedDevice, Detail = "redirected" },
        new("GET " + Images + "/{v}", BadRequest, "a delta without its base") { Send = (w, r) => w.Request(r, query: "?type=delta"), Detail = "base=N" },
        new("GET " + Images + "/{v}", NotFound, "an unknown delta") { Send = (w, r) => w.Request(r, query: "?type=delta&base=7"), Detail = "7" },
        new("DELETE " + Images + "/{v}", BadRequest, "a delta without its base") { Send = (w, r) => w.Request(r, query: "?type=delta"), Detail = "base=N" },
        new("DELETE " + Images + "/{v}", NotFound, "an unknown delta") { Send = (w, r) => w.Request(r, query: "?type=delta&base=7"), Detail = "7" },
        new("DELETE " + Images + "/{v}", Conflict, "from an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("PUT " + Images + "/{v}/phased-percentage", BadRequest, "no percentage") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'percentage' is required" },
        new("PUT " + Images + "/{v}/phased-percentage", BadRequest, "percentage 101") { Send = (w, r) => w.Request(r, body: Json(new { percentage = 101 })), Detail = "0–100" },
        new("PUT " + Images + "/{v}/phased-percentage", BadRequest, "percentage -1") { Send = (w, r) => w.Request(r, body: Json(new { percentage = -1 })), Detail = "0–100" },
        new("PUT " + Images + "/{v}/phased-percentage", Conflict, "not the latest image") { ArrangeAsync = TwoImages, Detail = "not the latest" },
        new("PUT " + Images + "/{v}/phased-percentage", Conflict, "in an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("PUT " + Images + "/{v}/description", BadRequest, "no description") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'description' is required" },
        new("PUT " + Images + "/{v}/description", BadRequest, "a bad language") { Send = (w, r) => w.Request(r, body: Json(new { description = "x", translations = new Dictionary<string, string> { ["no language!"] = "y" } })), Detail = "language" },
        new("PUT " + Images + "/{v}/description", BadRequest, "a description of 1 MB") { Send = (w, r) => w.Request(r, body: Json(new { description = new string('d', 1 << 20) })), Detail = "is 1048576 bytes long; the limit is 4096 bytes" },
        new("PUT " + Images + "/{v}/description", BadRequest, "a translation over 4 KiB")
        {
            Send = (w, r) => w.Request(r, body: Json(new { description = "x", translations = new Dictionary<string, string> { ["de"] = new string('d', 4097) } })),
            Detail = "The 'de' translation is 4097 bytes long",
        },
        new("PUT " + Images + "/{v}/description", Conflict, "in an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("POST " + Images + "/{v}/tag", BadRequest, "no tag") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'tag' is required" },
        new("POST " + Images + "/{v}/tag", BadRequest, "a tag with a comma") { Send = (w, r) => w.Request(r, body: Json(new { tag = "a,b" })) },
        new("POST " + Images + "/{v}/tag", BadRequest, "a tag over 64 characters") { Send = (w, r) => w.Request(r, body: Json(new { tag = new string('t', 65) })), Detail = "at most 64 characters" },
        new("POST " + Images + "/{v}/tag", Conflict, "in an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },
        new("POST " + Images + "/copy", BadRequest, "no fromChannel") { Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'fromChannel' is required" },
        new("POST " + Images + "/copy", BadRequest, "both version and offset") { Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Source, version = 1, offset = 0 })), Detail = "not both" },
        new("POST " + Images + "/copy", BadRequest, "percentage 101") { Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Source, phasedPercentage = 101 })), Detail = "0–100" },
        new("POST " + Images + "/copy", NotFound, "an unknown fromChannel") { Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Nowhere })), Detail = Nowhere },
        new("POST " + Images + "/copy", NotFound, "an unknown version") { Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Source, version = 7 })), Detail = "7" },
        new("POST " + Images + "/copy", Conflict, "already the latest in the destination")
        {
            ArrangeAsync = async w =>
            {
                await FromSource(w);
                await w.CopyAsync(Source, Slashed);
            },
            Detail = "already is the latest",
        },
        new("POST " + Images + "/copy", Conflict, "keeping a version the destination is past")
        {
            ArrangeAsync = async w =>
            {
                await w.ChannelAsync(Source, Mako);
                await w.ImageAsync(Source, 3);
                await TwoImages(w);
            },
            Send = (w, r) => w.Request(r, body: Json(new { fromChannel = Source, keepVersion = true })),
            Detail = "Cannot keep version",
        },
        new("POST " + Images + "/copy", Conflict, "into an alias") { ArrangeAsync = AliasOfSource, Detail = "alias" },

        new("PUT /channels/{c}/config", BadRequest, "type sometimes") { Send = (w, r) => w.Request(r, body: Json(new { type = "sometimes" })), Detail = "'type'" },
        new("PUT /channels/{c}/config", BadRequest, "automatic without files") { Send = (w, r) => w.Request(r, body: Json(new { type = "auto" })), Detail = "at least one file" },
        new("PUT /channels/{c}/config", BadRequest, "an unknown generator")
        {
            Send = (w, r) => w.Request(r, body: Json(new { type = "auto", files = new[] { new { name = "ubuntu", generator = "nothing-like-this" } } })),
            Detail = "unknown generator",
        },
        new("PUT /channels/{c}/config", Conflict, "an alias made automatic")
        {
            ArrangeAsync = AliasOfSource,
            Send = (w, r) => w.Request(r, body: Json(new { type = "auto", files = new[] { new { name = "version", generator = "version" } } })),
            Detail = "alias",
        },
        new("POST /config/import-ini", BadRequest, "no INI") { Send = (w, r) => w.Request(r, body: PlainText("nonsense")), Detail = "line 1" },
        new("POST /config/import-ini", BadRequest, "an unknown type") { Send = (w, r) => w.Request(r, body: PlainText($"[global]\nchannels = {Slashed}\n\n[channel_{Slashed}]\ntype = sometimes\n")), Detail = "sometimes" },
        new("POST /config/import-ini", BadRequest, "a channel named like a file the server writes") { Send = (w, r) => w.Request(r, body: PlainText("[global]\nchannels = stable/channels.json\n")), Detail = "ends in '.json'" },
        new("POST /channels/{c}/import", Conflict, "a manual channel") { ArrangeAsync = Basic, Detail = "not an automatic channel" },
        new("POST /channels/{c}/import", Conflict, "an alias") { ArrangeAsync = AliasOfSource, Detail = "not an automatic channel" },
        new("POST /channels/{c}/import", Conflict, "paused imports")
        {
            ArrangeAsync = async w =>
            {
                await w.AutoChannelAsync(Slashed);
                await w.PauseAsync(Slashed);
            },
            Detail = "paused",
        },
        new("POST /channels/{c}/import", Conflict, "waiting while an import is queued")
        {
            ArrangeAsync = async w =>
            {
                await w.AutoChannelAsync(Slashed);
                await w.QueuedJobAsync(Slashed);
            },
            Send = (w, r) => w.Request(r, query: "?wait=true"),
            Detail = "already queued",
        },

        new("POST /jobs/{id}/cancel", Conflict, "a job that has ended") { ArrangeAsync = w => w.SkippedJobAsync(Slashed), Detail = "has already ended (skipped)" },

        new("POST /keyrings/{name}/rotate", BadRequest, "a key devices trust directly") { Send = (w, r) => w.Request(r, name: "archive-master"), Detail = "archive-master" },
        new("POST /keyrings/blacklist", BadRequest, "no fingerprint") { Send = (w, r) => w.Request(r, body: Json(new { reason = "x" })), Detail = "'fingerprint' is required" },
        new("POST /keyrings/blacklist", BadRequest, "not a fingerprint") { Send = (w, r) => w.Request(r, body: Json(new { fingerprint = "3A0061B1549D7CAB" })), Detail = "40 hex digits" },
        new("POST /keyrings/blacklist", BadRequest, "a master key")
        {
            Send = (w, r) => w.Request(r, body: Json(new { fingerprint = w.Server.Get<KeyStore>().Describe(KeyNames.ArchiveMaster).Fingerprint })),
            Detail = "archive-master key, which devices trust directly",
        },
        new("POST /keyrings/blacklist", BadRequest, "a public key of another key")
        {
            Send = (w, r) => w.Request(r, body: Json(new { fingerprint = ForeignKey.Create().Fingerprint, publicKey = ForeignKey.Create().Armored })),
            Detail = "The supplied public key is not",
        },
        new("POST /keyrings/blacklist", NotFound, "an unknown key") { Send = (w, r) => w.Request(r, body: Json(new { fingerprint = new string('A', 40) })), Detail = new string('A', 40) },
        new("POST /keyrings/blacklist", Conflict, "a key already revoked")
        {
            ArrangeAsync = w => w.RevokedKeyAsync(),
            Send = (w, r) => w.Request(r, body: Json(new { fingerprint = w.Fingerprint })),
            Detail = "already is on the blacklist",
        },
        new("GET /audit", BadRequest, "since yesterday") { Send = (w, r) => w.Request(r, query: "?since=yesterday"), Detail = "'since'" },
        new("GET /audit", BadRequest, "limit -1") { Send = (w, r) => w.Request(r, query: "?limit=-1"), Detail = "'limit' must be between 1 and 1000, not -1" },
        new("GET /audit", BadRequest, "limit 0") { Send = (w, r) => w.Request(r, query: "?limit=0"), Detail = "'limit' must be between 1 and 1000, not 0" },
        new("GET /audit", BadRequest, "limit 1001") { Send = (w, r) => w.Request(r, query: "?limit=1001"), Detail = "not 1001" },
        new("GET /jobs", BadRequest, "limit -1") { Send = (w, r) => w.Request(r, query: "?limit=-1"), Detail = "'limit' must be between 1 and 1000, not -1" },
        new("POST /tokens", BadRequest, "role owner") { Send = (w, r) => w.Request(r, body: Json(new { name = "x", role = "owner" })), Detail = "'role'" },
        new("POST /tokens", BadRequest, "no role") { Send = (w, r) => w.Request(r, body: Json(new { name = "x" })), Detail = "'role'" },
        new("POST /tokens", BadRequest, "an empty name") { Send = (w, r) => w.Request(r, body: Json(new { name = "", role = "viewer" })), Detail = "name" },
        new("POST /tokens", BadRequest, "an expiry in the past") { Send = (w, r) => w.Request(r, body: Json(new { name = "x", role = "viewer", expiresAt = "2000-01-01T00:00:00Z" })), Detail = "not in the future" },

        new("POST /users", BadRequest, "no name") { Send = (w, r) => w.Request(r, body: Json(new { role = "viewer" })), Detail = "'name' is required" },
        new("POST /users", BadRequest, "role owner") { Send = (w, r) => w.Request(r, body: Json(new { name = UserName, role = "owner" })), Detail = "'role'" },
        new("POST /users", BadRequest, "a short password") { Send = (w, r) => w.Request(r, body: Json(new { name = UserName, role = "viewer", password = "short" })), Detail = "at least 12" },
        new("POST /users", BadRequest, "a name with a space") { Send = (w, r) => w.Request(r, body: Json(new { name = "two words", role = "viewer" })), Detail = "without spaces" },
        new("POST /users", Conflict, "it already exists") { ArrangeAsync = w => w.UserAsync(), Send = (w, r) => w.Request(r, body: Json(new { name = "OPS/ALICE", role = "viewer" })), Detail = "already exists" },
        new("PATCH /users/{user}", BadRequest, "nothing to change") { ArrangeAsync = w => w.UserAsync(), Send = (w, r) => w.Request(r, body: Json(new { })), Detail = "'role'" },
        new("PATCH /users/{user}", BadRequest, "role owner") { ArrangeAsync = w => w.UserAsync(), Send = (w, r) => w.Request(r, body: Json(new { role = "owner" })), Detail = "'role'" },
        new("PATCH /users/{user}", Conflict, "demoting the last admin") { Send = (w, r) => w.Request(r, body: Json(new { role = "viewer" }), user: FirstAdmin), Detail = "last enabled admin" },
        new("PATCH /users/{user}", Conflict, "disabling the last admin") { Send = (w, r) => w.Request(r, body: Json(new { disabled = true }), user: FirstAdmin), Detail = "last enabled admin" },
        new("PUT /users/{user}/password", BadRequest, "a short password") { ArrangeAsync = w => w.UserAsync(), Send = (w, r) => w.Request(r, body: Json(new { password = "short" })), Detail = "at least 12" },
        new("DELETE /users/{user}", Conflict, "removing the last admin") { Send = (w, r) => w.Request(r, user: FirstAdmin), Detail = "last enabled admin" },
    ];

    public static ProblemCase Find(string key) => Cases.Single(c => c.Key == key);

    /// <summary>An upload whose <c>ubuntu</c> part is the archive <paramref name="tar"/> builds, gzipped.</summary>
    private static MultipartFormDataContent Tarball(TarballBuilder tar) =>
        new() { { new ByteArrayContent(tar.BuildGzip()), "ubuntu", "rootfs.tar.gz" } };

    /// <summary><see cref="RouteWorld.Slashed"/> as an alias of <see cref="RouteWorld.Source"/>, which has image 1 of its device.</summary>
    private static async Task AliasOfSource(RouteWorld world)
    {
        await world.ChannelAsync(Source, Mako);
        await world.ImageAsync(Source, 1);
        await world.AliasAsync(Slashed, Source);
    }

    /// <summary><see cref="RouteWorld.Slashed"/> as a redirect to <see cref="RouteWorld.Source"/>.</summary>
    private static async Task RedirectToSource(RouteWorld world)
    {
        await world.ChannelAsync(Source, Mako);
        await world.RedirectAsync(Slashed, Source);
    }

    /// <summary>The device of <see cref="RouteWorld.Slashed"/> as a per-device redirect to <see cref="RouteWorld.Source"/>.</summary>
    private static async Task RedirectedDevice(RouteWorld world)
    {
        await world.ChannelAsync(Source, Mako);
        await world.ChannelAsync(Slashed);
        await world.DeviceRedirectAsync(Slashed, Mako, Source);
    }

    /// <summary><see cref="RouteTable.Basic"/> with images 1 and 2.</summary>
    private static async Task TwoImages(RouteWorld world)
    {
        await RouteTable.WithImage(world);
        await world.ImageAsync(Slashed, 2);
    }

    private static Task Basic(RouteWorld world) => RouteTable.Basic(world);

    private static Task FromSource(RouteWorld world) => RouteTable.FromSource(world);
}
