namespace SystemImage.Core.Compression;

/// <summary>
/// Memory that .xz encoders share. Before it starts, an encoder reserves liblzma's own estimate of what it needs for
/// its threads and takes as many threads as fit in what is free (at least one); when not even one fits it waits, in
/// turn, until other encoders finish. So concurrent compressions (two uploads, an upload and an import) never reserve
/// more than <see cref="LimitBytes"/> together, however many cores there are. An encoder that needs more than the whole
/// limit with a single thread runs alone, reserving all of it. Decoders are capped at the limit (see
/// <see cref="XzDecoderStream"/>) but reserve nothing: what they need is only known once a file's headers are read.
/// </summary>
public sealed class XzMemoryBudget
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _limit;
    private long _reserved;
    private long _peak;

    /// <param name="limitBytes">The most the encoders using this budget may reserve together.</param>
    public XzMemoryBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 1);
        _limit = limitBytes;
    }

    /// <summary>
    /// The process's budget, used by every encoder and decoder whose settings name no other. Its limit is
    /// <see cref="DefaultLimitBytes"/> until start-up applies <see cref="CompressionOptions.MemoryLimitMiB"/>.
    /// </summary>
    public static XzMemoryBudget Shared { get; } = new(DefaultLimitBytes());

    public long LimitBytes
    {
        get
        {
            lock (_gate)
            {
                return _limit;
            }
        }
    }

    /// <summary>What running encoders hold now.</summary>
    public long ReservedBytes
    {
        get
        {
            lock (_gate)
            {
                return _reserved;
            }
        }
    }

    /// <summary>The most that was ever reserved at once.</summary>
    public long PeakReservedBytes
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    /// <summary>Half of the memory the process may use: the machine's physical memory, or the container's (cgroup) limit.</summary>
    public static long DefaultLimitBytes()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available <= 0)
        {
            available = (long)Math.Min(LzmaNative.PhysMem(), long.MaxValue);
        }

        return Math.Max(available / 2, CompressionOptions.MinimumMiB << 20);
    }

    /// <summary>Changes the limit; encoders already running keep what they hold, waiting ones are served by the new limit.</summary>
    public void SetLimit(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 1);
        lock (_gate)
        {
            _limit = limitBytes;
            GrantWaiters();
        }
    }

    /// <summary>
    /// Reserves memory for up to <paramref name="maxThreads"/> threads, <paramref name="cost"/>(n) bytes for n threads
    /// (growing with n); waits while not even one thread fits.
    /// </summary>
    internal Task<XzMemoryReservation> ReserveAsync(int maxThreads, Func<int, long> cost, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryGrant(maxThreads, cost) is { } granted)
            {
                return Task.FromResult(granted);
            }

            waiter = new Waiter(maxThreads, cost);
            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() => Abandon(waiter, cancellationToken));
        }

        return waiter.Completion.Task;
    }

    /// <summary>Like <see cref="ReserveAsync"/>, blocking the calling thread while it waits.</summary>
    internal XzMemoryReservation Reserve(int maxThreads, Func<int, long> cost) =>
        ReserveAsync(maxThreads, cost, CancellationToken.None).GetAwaiter().GetResult();

    internal void Release(long bytes)
    {
        lock (_gate)
        {
            _reserved -= bytes;
            GrantWaiters();
        }
    }

    /// <summary>The most threads whose cost fits in what is free, reserved; null when not even one fits now.</summary>
    private XzMemoryReservation? TryGrant(int maxThreads, Func<int, long> cost)
    {
        var free = _limit - _reserved;
        var single = cost(1);
        if (single > free)
        {
            // One thread needs more than the whole limit: it runs alone, holding everything.
            return single > _limit && _reserved == 0 ? Grant(1, _limit) : null;
        }

        var (fits, tooMany) = (1, maxThreads + 1);
        while (tooMany - fits > 1)
        {
            var middle = fits + ((tooMany - fits) / 2);
            (fits, tooMany) = cost(middle) <= free ? (middle, tooMany) : (fits, middle);
        }

        return Grant(fits, cost(fits));
    }

    private XzMemoryReservation Grant(int threads, long bytes)
    {
        _reserved += bytes;
        _peak = Math.Max(_peak, _reserved);
        return new XzMemoryReservation(this, threads, bytes);
    }

    /// <summary>Serves waiters in the order they came while the first one fits.</summary>
    private void GrantWaiters()
    {
        while (_waiters.First is { } first && TryGrant(first.Value.MaxThreads, first.Value.Cost) is { } granted)
        {
            _waiters.RemoveFirst();
            first.Value.Node = null;
            first.Value.Registration.Unregister();
            first.Value.Completion.SetResult(granted);
        }
    }

    private void Abandon(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.Node is not { } node)
            {
                return;
            }

            _waiters.Remove(node);
            waiter.Node = null;
            waiter.Completion.SetCanceled(cancellationToken);

            // The first waiter may have been what held the others back.
            GrantWaiters();
        }
    }

    private sealed class Waiter(int maxThreads, Func<int, long> cost)
    {
        public int MaxThreads => maxThreads;

        public Func<int, long> Cost => cost;

        public TaskCompletionSource<XzMemoryReservation> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
