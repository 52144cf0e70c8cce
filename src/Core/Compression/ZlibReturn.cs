namespace SystemImage.Core.Compression;

/// <summary>zlib's return codes (<c>Z_OK</c> …).</summary>
internal enum ZlibReturn
{
    Ok = 0,
    StreamEnd = 1,
    NeedDictionary = 2,
    StreamError = -2,
    DataError = -3,
    MemError = -4,
    BufError = -5,
    VersionError = -6,
}
