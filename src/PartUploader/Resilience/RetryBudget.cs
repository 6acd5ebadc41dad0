namespace PartUploader.Internal.Resilience;

/// <summary>The retries one upload may still spend, shared by all its parts and calls.</summary>
internal sealed class RetryBudget(int budget)
{
    private int _remaining = budget;
    private int _spent;

    public int Spent => Volatile.Read(ref _spent);

    public bool TryConsume()
    {
        int remaining = Interlocked.Decrement(ref _remaining);
        if (remaining < 0)
        {
            Interlocked.Increment(ref _remaining);
            return false;
        }

        Interlocked.Increment(ref _spent);
        return true;
    }
}
