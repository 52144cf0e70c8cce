using System.Formats.Tar;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary>One tar entry with all the metadata the re-pack must keep; the data as its SHA-256, so records compare by value.</summary>
internal sealed record TarItem(
    string Name,
    TarEntryType Type,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    string UserName,
    string GroupName,
    DateTimeOffset Modified,
    string LinkName,
    int DeviceMajor,
    int DeviceMinor,
    string ContentSha256);
