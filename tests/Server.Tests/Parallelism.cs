using Xunit;

// Four test classes at a time on the two cores CI has: most of these tests wait on processes they started (servers,
// verbs, the device client, chromium), so two left a third of the CPU idle (user+sys 27.5 min over 20.5 min). The
// classes that measure response times still run alone (TimingCollection).
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
