using SystemImage.Core.Channels;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators;

/// <summary>
/// <c>http</c> (argument: URL; options <c>name</c>, <c>monitor</c>): downloads a part tarball over HTTP(S) (SPEC §5):
/// a <c>.tar.xz</c>, stored as it is, or a <c>.tar</c>, <c>.tar.gz</c>, <c>.tar.zst</c> or <c>.tar.bz2</c>, recompressed
/// to <c>.tar.xz</c>; the URL's path announces which, and when it ends in none of these the content's first bytes
/// tell. With <c>monitor=&lt;URL&gt;</c>, the build number that URL returns names the file,
/// <c>/pool/&lt;name&gt;-&lt;sha256("&lt;url&gt;:&lt;build&gt;")&gt;.tar.xz</c>, and nothing is downloaded while the build
/// is unchanged; version_detail <c>&lt;name&gt;=&lt;build&gt;</c>. Without a monitor the file is downloaded every time and
/// its content names it, <c>/pool/&lt;name&gt;-&lt;sha256 of the content&gt;.tar.xz</c>; version_detail
/// <c>&lt;name&gt;=&lt;first 12 hex digits of that hash&gt;</c>. <c>name</c> defaults to the file entry's name.
/// </summary>
public sealed class HttpGenerator(HttpFetcher fetcher) : IFileGenerator
{
    public const string GeneratorName = "http";

    /// <summary>Longest build number a monitor may return.</summary>
    internal const int MaxBuildLength = 128;

    private static readonly string[] KnownOptions = ["monitor", "name"];

    public string Name => GeneratorName;

    public string? Validate(ImportFile file)
    {
        if (file.Arguments.Count != 1)
        {
            return $"the http generator takes one argument: the URL of a {PartPreparer.AcceptedFormats}";
        }

        if (file.Options.Keys.FirstOrDefault(k => !KnownOptions.Contains(k)) is { } unknown)
        {
            return $"unknown option '{unknown}' (known: {string.Join(", ", KnownOptions)})";
        }

        if (file.Options.TryGetValue("name", out var name) && Names.ValidatePart(name) is { } nameError)
        {
            return $"option name: {nameError}";
        }

        return HttpUrls.Validate(file.Arguments[0])
            ?? (file.Options.TryGetValue("monitor", out var monitor) ? HttpUrls.Validate(monitor, "monitor URL") : null);
    }

    public async Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken)
    {
        var file = context.File;
        if (Validate(file) is { } error)
        {
            throw new GeneratorException(error);
        }

        var name = file.Options.GetValueOrDefault("name") ?? file.Name;
        var argument = file.Arguments[0];
        var url = HttpUrls.Parse(argument);
        if (file.Options.GetValueOrDefault("monitor") is not { } monitorText)
        {
            return await DownloadAsync(context, url, name, monitored: null, cancellationToken);
        }

        var monitor = HttpUrls.Parse(monitorText, "monitor URL");
        var build = ParseBuild(await fetcher.GetBytesAsync(monitor, 4096, cancellationToken), monitor);
        var path = PoolFileParts.PoolPath(name, PoolFileParts.Sha256Hex($"{argument}:{build}"));
        if (await context.Session.FindAsync(context.Db, path, cancellationToken) is { } existing)
        {
            context.Session.Reporter.Log($"{context.Device}: {file.Name}: build {build} of {HttpUrls.Redact(url)} is already in the pool");
            return existing.AsPart(file.Name);
        }

        return await DownloadAsync(context, url, name, (build, monitor, path), cancellationToken);
    }

    /// <summary>The build number in a monitor's answer: one non-empty line (a trailing newline allowed) without spaces, controls or commas.</summary>
    internal static string ParseBuild(byte[] answer, Uri monitor)
    {
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(answer);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new GeneratorException($"monitor {HttpUrls.Redact(monitor)}: the answer is not UTF-8 text");
        }

        var line = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        var problem = line switch
        {
            "" => "is empty",
            _ when line.Contains('\n') || line.Contains('\r') => "has more than one line",
            _ when line.Length > MaxBuildLength => $"is longer than {MaxBuildLength} characters",
            _ when line.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or '=') => "contains spaces, control characters, ',' or '='",
            _ => null,
        };
        return problem is null
            ? line
            : throw new GeneratorException($"monitor {HttpUrls.Redact(monitor)}: the build number {problem} (expected one line such as '20261125')");
    }

    private async Task<PoolFile> DownloadAsync(
        GeneratorContext context, Uri url, string name, (string Build, Uri Monitor, string Path)? monitored, CancellationToken cancellationToken)
    {
        // The download keeps the URL's ending, which announces its compression; without one the preparer sniffs it.
        var temp = Path.Combine(context.Session.WorkDirectory, $"http-{Guid.NewGuid():N}{PartPreparer.FileNameEndingOrNull(url.AbsolutePath)}");
        try
        {
            var reporter = context.Session.Reporter;
            var download = await fetcher.DownloadAsync(url, temp, fetcher.MaxBytes,
                (done, total) => reporter.Progress(context.Device, context.File.Name, done, total), cancellationToken);
            reporter.Log($"{context.Device}: {context.File.Name}: downloaded {download.Size} bytes from {HttpUrls.Redact(url)}");

            var path = monitored?.Path ?? PoolFileParts.PoolPath(name, download.Sha256);
            if (monitored is null && await context.Session.FindAsync(context.Db, path, cancellationToken) is { } existing)
            {
                return existing.AsPart(context.File.Name);
            }

            var extra = monitored is { } m
                ? new Dictionary<string, string> { ["build"] = m.Build, ["monitor"] = HttpUrls.Redact(m.Monitor), ["source_sha256"] = download.Sha256 }
                : new Dictionary<string, string> { ["source_sha256"] = download.Sha256 };
            var detail = $"{name}={monitored?.Build ?? download.Sha256[..12]}";
            var description = new PoolFileDescription(context.File.Name, GeneratorName, detail, HttpUrls.Redact(url), context.Version) { Extra = extra };
            return await context.Session.AddTarballAsync(path, temp, description, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
