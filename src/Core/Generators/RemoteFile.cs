namespace SystemImage.Core.Generators;

/// <summary>A file entry of a remote index.json: paths absolute from the remote publish root.</summary>
internal sealed record RemoteFile(string Path, string Signature, string Checksum, long Size);
