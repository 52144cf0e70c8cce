using System.Formats.Tar;
using System.Text.Encodings.Web;
using System.Text.Json;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SystemImage.Core.Signing;

/// <summary>
/// Builds and reads keyring tarballs: an uncompressed GNU tar holding exactly <c>keyring.json</c> and
/// <c>keyring.gpg</c> at top level (the caller xz-compresses it to <c>&lt;type&gt;.tar.xz</c> and signs it).
/// Output is reproducible: the same inputs give the same bytes.
/// </summary>
public static class KeyringTarball
{
    /// <summary>Name of the JSON member inside the tarball.</summary>
    public const string JsonEntry = "keyring.json";

    /// <summary>Name of the binary OpenPGP keyring member inside the tarball.</summary>
    public const string KeyringEntry = "keyring.gpg";

    private const UnixFileMode Mode0644 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        IndentSize = 4,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the tarball of keyring <paramref name="type"/> holding <paramref name="keys"/>.</summary>
    /// <param name="output">Where the uncompressed tar goes; left open.</param>
    /// <param name="type">Keyring type, e.g. <c>image-signing</c>.</param>
    /// <param name="keys">Public key rings, concatenated into keyring.gpg in this order.</param>
    /// <param name="expiry">Written as <c>expiry</c> (unix seconds) when not null.</param>
    /// <param name="model">Written as <c>model</c> when not null.</param>
    /// <param name="mtime">Modification time of both members.</param>
    public static void Write(Stream output, string type, IReadOnlyList<PgpPublicKeyRing> keys, DateTimeOffset? expiry, string? model, DateTimeOffset mtime)
    {
        using var json = new MemoryStream(JsonOf(type, expiry, model));
        using var keyring = new MemoryStream();
        foreach (var ring in keys)
        {
            ring.Encode(keyring);
        }

        keyring.Position = 0;
        using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        writer.WriteEntry(EntryOf(JsonEntry, json, mtime));
        writer.WriteEntry(EntryOf(KeyringEntry, keyring, mtime));
    }

    /// <summary>
    /// Reads an uncompressed keyring tarball. Throws <see cref="InvalidDataException"/> unless it holds exactly
    /// keyring.json and keyring.gpg as regular files with a string <c>type</c>.
    /// </summary>
    public static KeyringContents Read(Stream tar)
    {
        byte[]? json = null, keyring = null;
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                throw new InvalidDataException($"Keyring tarball entry '{entry.Name}' is not a regular file.");
            }

            var contents = ReadAll(entry);
            switch (entry.Name)
            {
                case JsonEntry when json is null:
                    json = contents;
                    break;
                case KeyringEntry when keyring is null:
                    keyring = contents;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected entry '{entry.Name}' in keyring tarball.");
            }
        }

        if (json is null || keyring is null)
        {
            throw new InvalidDataException($"A keyring tarball must hold {JsonEntry} and {KeyringEntry}.");
        }

        var (type, expiry, model) = ParseJson(json);
        return new KeyringContents(type, expiry, model, new PgpPublicKeyRingBundle(keyring));
    }

    /// <summary>The keyring.json bytes: sorted keys, 4-space indent, trailing newline.</summary>
    internal static byte[] JsonOf(string type, DateTimeOffset? expiry, string? model)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            if (expiry is { } at)
            {
                writer.WriteNumber("expiry", at.ToUnixTimeSeconds());
            }

            if (model is not null)
            {
                writer.WriteString("model", model);
            }

            writer.WriteString("type", type);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static (string Type, DateTimeOffset? Expiry, string? Model) ParseJson(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{JsonEntry} must be an object with a string 'type'.");
            }

            DateTimeOffset? expiry = root.TryGetProperty("expiry", out var e) && e.ValueKind != JsonValueKind.Null
                ? DateTimeOffset.FromUnixTimeSeconds(e.GetInt64())
                : null;
            string? model = root.TryGetProperty("model", out var m) && m.ValueKind != JsonValueKind.Null
                ? m.GetString()
                : null;
            return (type.GetString()!, expiry, model);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{JsonEntry} is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// A regular file owned by root, mode 0644, modified at <paramref name="mtime"/> (so equal inputs give equal bytes).
    /// Access and change times stay unset: Python's tarfile reads those GNU header bytes as a name prefix.
    /// </summary>
    internal static GnuTarEntry EntryOf(string name, Stream data, DateTimeOffset mtime) => new(TarEntryType.RegularFile, name)
    {
        Mode = Mode0644,
        Uid = 0,
        Gid = 0,
        UserName = "root",
        GroupName = "root",
        ModificationTime = mtime,
        DataStream = data,
    };

    private static byte[] ReadAll(TarEntry entry)
    {
        if (entry.DataStream is null)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        entry.DataStream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
