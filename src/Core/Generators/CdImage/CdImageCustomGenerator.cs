using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;

namespace SystemImage.Core.Generators.CdImage;

/// <summary><c>cdimage-custom</c>: <c>&lt;series&gt;-preinstalled-&lt;product&gt;-&lt;arch&gt;.custom.tar.gz</c> to <c>/pool/custom-&lt;hash&gt;.tar.xz</c>, <c>custom=&lt;build&gt;</c>.</summary>
public sealed class CdImageCustomGenerator(IOptions<ImportOptions> options) : CdImageTarballGenerator(options)
{
    public const string GeneratorName = "cdimage-custom";

    public override string Name => GeneratorName;

    public override string Kind => "custom";

    public override string Suffix => ".custom.tar.gz";
}
