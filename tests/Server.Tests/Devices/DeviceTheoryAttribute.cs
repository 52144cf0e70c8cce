using Xunit;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// A theory that needs the real device client: without it (someone's own clone) the whole theory is skipped as one
/// test named after the reason, so the test run's one "Skipped" line says why; with <c>CI=true</c> it runs anyway and
/// fails on the missing client.
/// </summary>
public sealed class DeviceTheoryAttribute : TheoryAttribute
{
    public DeviceTheoryAttribute()
    {
        if (!DeviceClient.IsPresent && !DeviceClient.IsRequired)
        {
            Skip = DeviceClient.AbsentMessage;
            DisplayName = DeviceClient.AbsentMessage;
        }
    }
}
