using SystemImage.Core.Importing;

namespace SystemImage.TestUtilities;

/// <summary>An <see cref="IImportReporter"/> that keeps every log line and progress report, for assertions.</summary>
public sealed class RecordingImportReporter : IImportReporter
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Device, string? File, long Done, long? Total)> _progress = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<(string Device, string? File, long Done, long? Total)> ProgressReports
    {
        get
        {
            lock (_gate)
            {
                return [.. _progress];
            }
        }
    }

    public void Log(string message)
    {
        lock (_gate)
        {
            _lines.Add(message);
        }
    }

    public void Progress(string device, string? file, long bytesDone, long? bytesTotal)
    {
        lock (_gate)
        {
            _progress.Add((device, file, bytesDone, bytesTotal));
        }
    }

    public override string ToString() => string.Join('\n', Lines);
}
