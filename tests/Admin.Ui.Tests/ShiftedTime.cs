namespace SystemImage.Admin.Ui.Tests;

/// <summary>The system clock moved by a fixed amount, to see how a page looks days from now.</summary>
public sealed class ShiftedTime(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
}
