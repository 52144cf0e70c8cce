namespace SystemImage.Core.Importing;

/// <summary>Where an import reports what it does: a log line per step and the progress of the current file.</summary>
public interface IImportReporter
{
    void Log(string message);

    /// <param name="device">The device being imported.</param>
    /// <param name="file">The file-list entry being generated, or null between files.</param>
    /// <param name="bytesDone">Bytes of the current file read so far.</param>
    /// <param name="bytesTotal">The current file's size when known.</param>
    void Progress(string device, string? file, long bytesDone, long? bytesTotal);
}
