namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// cdimage build directory names: dot-separated runs of digits such as <c>20261125</c> or <c>20261125.1</c>, ordered
/// numerically segment by segment (<c>20261125</c> &lt; <c>20261125.1</c> &lt; <c>20261125.10</c> &lt; <c>20261126</c>).
/// </summary>
internal static class BuildName
{
    /// <summary>True for a build directory name; false for <c>current</c>, <c>pending</c>, <c>.hidden</c>, <c>1..2</c>…</summary>
    public static bool IsBuild(string name) =>
        name.Length > 0 && name.Split('.').All(segment => segment.Length > 0 && segment.All(char.IsAsciiDigit));

    /// <summary>Orders build names oldest first; only for names <see cref="IsBuild"/> accepts.</summary>
    public static readonly IComparer<string> Comparer = Comparer<string>.Create(Compare);

    private static int Compare(string left, string right)
    {
        var a = left.Split('.');
        var b = right.Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (CompareNumbers(a[i], b[i]) is var order and not 0)
            {
                return order;
            }
        }

        // Numerically equal names such as 01 and 1 still get a stable order.
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(left, right);
    }

    /// <summary>Compares digit strings of any length by value: without leading zeros, longer is larger.</summary>
    private static int CompareNumbers(string a, string b)
    {
        var x = a.TrimStart('0');
        var y = b.TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
    }
}
