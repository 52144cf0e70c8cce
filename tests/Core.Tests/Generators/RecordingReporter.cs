using System.Collections.Concurrent;
using SystemImage.Core.Importing;

namespace SystemImage.Core.Tests.Generators;

/// <summary>An import reporter that keeps every log line and progress report.</summary>
internal sealed class RecordingReporter : IImportReporter
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<(string Device, string? File, long Done, long? Total)> Progresses { get; } = new();

    public void Log(string message) => Lines.Enqueue(message);

    public void Progress(string device, string? file, long bytesDone, long? bytesTotal) => Progresses.Enqueue((device, file, bytesDone, bytesTotal));
}
