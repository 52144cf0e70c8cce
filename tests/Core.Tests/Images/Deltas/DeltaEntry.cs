using System.Formats.Tar;

namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>One entry of a generated delta, as written.</summary>
internal sealed record DeltaEntry(string Name, TarEntryType Type, string LinkName, UnixFileMode Mode, int Uid, int Gid, DateTimeOffset ModificationTime, byte[] Content);
