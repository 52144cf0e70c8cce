using System.Diagnostics.Metrics;

namespace SystemImage.Core.Tests.Diagnostics;

/// <summary>Creates meters scoped to itself, so a test's listener hears only the meters of the object under test.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
