namespace SystemImage.Core.Rollouts;

/// <summary>A rollout as every surface shows it.</summary>
/// <param name="State"><c>active</c>, <c>paused</c>, <c>completed</c>, <c>halted</c> or <c>superseded</c>.</param>
/// <param name="NextStepAt">When the next step runs, taking the window into account; null when none will.</param>
public sealed record RolloutView(
    int Id, string Channel, string State, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? EndedAt, string? EndReason, string? Window,
    DateTimeOffset? NextStepAt, IReadOnlyList<RolloutStepView> Steps, IReadOnlyList<RolloutDeviceView> Devices);

/// <summary>One step: <c>done</c>, <c>next</c>, <c>waiting</c>, <c>paused</c>, <c>halted</c> or <c>superseded</c>.</summary>
public sealed record RolloutStepView(int Percentage, DateTimeOffset DueAt, DateTimeOffset? DoneAt, string Status);

/// <summary>A device the rollout covers and the version it ramps.</summary>
public sealed record RolloutDeviceView(string Device, int Version);
