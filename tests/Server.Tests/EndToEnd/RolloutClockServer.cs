using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Rollouts;

namespace SystemImage.Server.Tests.EndToEnd;

/// <summary>A server whose rollouts run on <see cref="Clock"/>, a test clock the test moves forward; everything else keeps real time (sessions, signatures).</summary>
public sealed class RolloutClockServer : InProcessServer
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<RolloutService>(provider, (TimeProvider)Clock));
}

/// <summary>Real time plus a shift the test sets.</summary>
public sealed class TestClock : TimeProvider
{
    private long _shiftTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));
}
