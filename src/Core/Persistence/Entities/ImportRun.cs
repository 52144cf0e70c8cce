namespace SystemImage.Core.Persistence.Entities;

/// <summary>One background job (an import of an automatic channel, or a tree-wide task such as re-signing): who asked, how far it got, and its log.</summary>
public sealed class ImportRun
{
    public const string ImportKind = "import";

    public const string ResignKind = "resign";

    public const string RotateKind = "rotate";

    public const string AdoptKind = "adopt-tree";

    public int Id { get; set; }

    /// <summary>What the job does: <see cref="ImportKind"/>, <see cref="ResignKind"/>, <see cref="RotateKind"/> or <see cref="AdoptKind"/>.</summary>
    public string Kind { get; set; } = ImportKind;

    /// <summary>The channel imported; empty for tree-wide jobs.</summary>
    public required string Channel { get; set; }

    /// <summary>What started it: <c>schedule</c>, <c>import-now</c>, <c>cli</c>, <c>resign</c>, <c>rotate KEY</c> or <c>adopt-tree</c> (at most 32 characters).</summary>
    public required string Trigger { get; set; }

    /// <summary>Who started it (a user, a token's name, the operator running the verb, or <c>system</c>).</summary>
    public required string Actor { get; set; }

    /// <summary>The background job running it, when one does.</summary>
    public string? JobId { get; set; }

    public ImportRunState State { get; set; }

    /// <summary>
    /// The process running it, <c>&lt;machine&gt;:&lt;pid&gt;</c>, for people reading the record. Whether that process
    /// is alive is judged by <see cref="LeaseUntil"/> only: in containers host names change and process ids repeat.
    /// </summary>
    public string? Runner { get; set; }

    /// <summary>
    /// Until when the process holding the run vouches for it: set when it is queued or picked up, and renewed every few
    /// seconds while it runs. A queued or running run whose lease has passed is failed as interrupted by whichever
    /// process looks next (start-up, the scheduler, a new import, a job listing), unless its background job still waits.
    /// </summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Who asked to cancel the run while it was running (<c>name (surface)</c>); the process running it stops it.</summary>
    public string? CancelRequestedBy { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The device being imported while running.</summary>
    public string? Device { get; set; }

    /// <summary>The file-list entry being generated while running.</summary>
    public string? File { get; set; }

    public long BytesDone { get; set; }

    public long? BytesTotal { get; set; }

    /// <summary>The outcome in one line, once finished.</summary>
    public string? Summary { get; set; }

    /// <summary>Timestamped log lines, one per line.</summary>
    public string Log { get; set; } = "";
}

public enum ImportRunState
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    NothingNew = 3,
    Failed = 4,
    Cancelled = 5,

    /// <summary>Not run: another run of the same channel was still queued or running (scheduled runs only).</summary>
    Skipped = 6,
}
