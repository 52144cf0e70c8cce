using Xunit;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// A fact that needs the real device client: skipped with the reason on someone's own clone without it; with
/// <c>CI=true</c> it runs anyway and fails on the missing client (<see cref="DeviceClient.Require"/>).
/// </summary>
public sealed class DeviceFactAttribute : FactAttribute
{
    public DeviceFactAttribute()
    {
        if (!DeviceClient.IsPresent && !DeviceClient.IsRequired)
        {
            Skip = DeviceClient.AbsentMessage;
        }
    }
}
