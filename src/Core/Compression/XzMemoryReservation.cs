namespace SystemImage.Core.Compression;

/// <summary>Memory an encoder holds in an <see cref="XzMemoryBudget"/> for its threads, until released (once).</summary>
internal sealed class XzMemoryReservation(XzMemoryBudget budget, int threads, long bytes)
{
    private int _released;

    /// <summary>How many encoder threads the reservation pays for.</summary>
    public int Threads => threads;

    public long Bytes => bytes;

    /// <summary>Gives the memory back to the budget; later calls do nothing.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            budget.Release(bytes);
        }
    }
}
