using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Images.Parts;

namespace SystemImage.Server.Api;

/// <summary>
/// The multipart body of an image upload, read within <see cref="ApiOptions"/>' limits: each file part streams to the
/// work area, and only the few fields the upload takes are kept, each at most <see cref="ApiOptions.MaxFormFieldBytes"/>,
/// so no request, however many sections it has, makes the server hold more than a few hundred KiB of it.
/// </summary>
internal sealed class UploadForm
{
    /// <summary>The text fields an upload takes besides its files.</summary>
    public static readonly string[] FieldNames = ["description", "phasedPercentage", "tag", "minVersion", "bootme"];

    /// <summary>UTF-8 that throws on bytes that are not, as the JSON API refuses them, instead of storing U+FFFD.</summary>
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Uploads are the server's scratch files, for its own eyes only (the work area is 0700 too).
    private static readonly UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private UploadForm()
    {
    }

    public List<PartInput> Parts { get; } = [];

    public Dictionary<string, string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the whole body; a refusal comes back as its status (400, 413) and a detail, with the files already written left to the work area's owner.</summary>
    public static async Task<(UploadForm? Form, int Status, string? Detail)> ReadAsync(
        Stream body, string boundary, string workDirectory, ApiOptions limits, CancellationToken cancellationToken)
    {
        var form = new UploadForm();
        try
        {
            await form.ReadSectionsAsync(body, boundary, workDirectory, limits, cancellationToken);
            return (form, StatusCodes.Status200OK, null);
        }
        catch (UploadRefusedException refused)
        {
            return (null, refused.Status, refused.Message);
        }
    }

    private async Task ReadSectionsAsync(Stream body, string boundary, string workDirectory, ApiOptions limits, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, body) { HeadersLengthLimit = limits.MaxFormHeaderBytes };
        var sections = 0;
        while (await FromRequestAsync(() => reader.ReadNextSectionAsync(cancellationToken)) is { } section)
        {
            if (++sections > limits.MaxFormFields)
            {
                throw Refused($"The upload has more than {limits.MaxFormFields} parts and fields, the most one may have (SystemImage:Api:MaxFormFields).");
            }

            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { Length: > 0 } name)
            {
                throw Refused("Every multipart section needs a Content-Disposition with a name.");
            }

            if (disposition.IsFileDisposition())
            {
                await ReadFileAsync(section.Body, name, disposition.FileNameStar.Value ?? disposition.FileName.Value ?? "", workDirectory, cancellationToken);
            }
            else
            {
                await ReadFieldAsync(section.Body, name, limits.MaxFormFieldBytes, cancellationToken);
            }
        }
    }

    private async Task ReadFileAsync(Stream body, string name, string fileName, string workDirectory, CancellationToken cancellationToken)
    {
        if (PartPreparer.FileNameEndingOrNull(fileName) is not { } extension)
        {
            throw Refused($"Part '{name}': the file name '{fileName}' must end in {PartPreparer.AcceptedFormats}.");
        }

        if (Names.ValidatePart(name) is { } error)
        {
            throw Refused(error);
        }

        if (Parts.Any(p => p.Name == name))
        {
            throw Refused($"Part '{name}' is given more than once.");
        }

        var path = Path.Combine(workDirectory, name + extension);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        // Reading the request and writing the disk fail differently: a cut-off body is the client's 400, a full disk
        // is the server's 507 (which FailureProblems answers), so only the reads are caught here.
        var buffer = new byte[1 << 16];
        await using (var file = new FileStream(path, options))
        {
            int read;
            while ((read = await FromRequestAsync(() => body.ReadAsync(buffer, cancellationToken).AsTask())) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        Parts.Add(new PartInput(name, path) { Owned = true });
    }

    private async Task ReadFieldAsync(Stream body, string name, int maxBytes, CancellationToken cancellationToken)
    {
        if (!FieldNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw Refused($"'{Shown(name)}' is not a field of an upload: send files as file parts and at most {string.Join(", ", FieldNames)}.");
        }

        if (Fields.ContainsKey(name))
        {
            throw Refused($"Field '{name}' is given more than once.");
        }

        var buffer = new byte[maxBytes + 1];
        var length = await FromRequestAsync(() => body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).AsTask());
        if (length > maxBytes)
        {
            throw Refused($"Field '{name}' is longer than {maxBytes} bytes (SystemImage:Api:MaxFormFieldBytes).");
        }

        try
        {
            Fields[name] = StrictUtf8.GetString(buffer, 0, length);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw Refused($"Field '{name}' is not valid UTF-8.");
        }
    }

    /// <summary>Runs one read of the request, turning what a malformed, cut-off or oversized body throws into a refusal.</summary>
    private static async Task<T> FromRequestAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new UploadRefusedException(StatusCodes.Status413PayloadTooLarge, "The upload is larger than the limit (SystemImage:Api:MaxUploadBytes).");
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // MultipartReader's words for a body that ends before its closing boundary, an oversized header…
            throw Refused($"The multipart request is malformed or cut off: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static string Shown(string name)
    {
        var shown = new string([.. name.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);
        return name.Length <= 100 ? shown : shown + "…";
    }

    private static UploadRefusedException Refused(string detail) => new(StatusCodes.Status400BadRequest, detail);

    private sealed class UploadRefusedException(int status, string detail) : Exception(detail)
    {
        public int Status { get; } = status;
    }
}
