namespace SystemImage.Core.Operations;

/// <summary>
/// A cheap summary of the database that moves whenever something the admin pages show changes: every change is
/// audited (so the last audit entry moves), and import jobs, which are not, move the last run and the active counts.
/// </summary>
/// <param name="LastAuditId">The newest audit entry (0 when there is none).</param>
/// <param name="LastRunId">The newest job run (0 when there is none).</param>
/// <param name="QueuedRuns">Runs waiting for a worker.</param>
/// <param name="RunningRuns">Runs being worked on.</param>
public sealed record ChangeMarker(long LastAuditId, int LastRunId, int QueuedRuns, int RunningRuns);
