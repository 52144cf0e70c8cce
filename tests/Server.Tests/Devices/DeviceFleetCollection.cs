using Xunit;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// The classes that ask the real device client about the <see cref="DeviceFleet"/>'s server. Starting that server and
/// publishing its fleet takes most of a minute, so they share one, one test at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DeviceFleetCollection : ICollectionFixture<DeviceFleet>
{
    public const string Name = "device fleet";
}
