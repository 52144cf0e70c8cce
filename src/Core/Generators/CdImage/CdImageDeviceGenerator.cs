using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;

namespace SystemImage.Core.Generators.CdImage;

/// <summary><c>cdimage-device</c>: <c>&lt;series&gt;-preinstalled-&lt;product&gt;-&lt;arch&gt;.device.tar.gz</c> to <c>/pool/device-&lt;hash&gt;.tar.xz</c>, <c>device=&lt;build&gt;</c>.</summary>
public sealed class CdImageDeviceGenerator(IOptions<ImportOptions> options) : CdImageTarballGenerator(options)
{
    public const string GeneratorName = "cdimage-device";

    public override string Name => GeneratorName;

    public override string Kind => "device";

    public override string Suffix => ".device.tar.gz";
}
