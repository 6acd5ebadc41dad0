namespace PartUploader.Emulator;

/// <summary>The scripted faults of an emulator. Thread-safe; rules are evaluated in the order they were added.</summary>
public sealed class FaultPlan
{
    private readonly Lock _lock = new();
    private readonly List<FaultRule> _rules = [];

    /// <summary>Gets a snapshot of the rules.</summary>
    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_lock)
            {
                return [.. _rules];
            }
        }
    }

    /// <summary>Adds a rule after the existing ones.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>The same rule, so a test can read <see cref="FaultRule.Fired"/> later.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count of the rule is out of range, or its <see cref="FaultRule.Delay"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfNegative(rule.Skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rule.EveryNth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rule.Times);
        ArgumentOutOfRangeException.ThrowIfNegative(rule.AfterBytes);
        if (rule.Delay < TimeSpan.Zero && rule.Delay != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Delay, "FaultRule.Delay must be >= 0 or Timeout.InfiniteTimeSpan.");
        }
        lock (_lock)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Removes one rule.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns><see langword="true"/> when the rule was in the plan.</returns>
    public bool Remove(FaultRule rule)
    {
        lock (_lock)
        {
            return _rules.Remove(rule);
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    internal FaultRule? Evaluate(in FaultRequest request)
    {
        lock (_lock)
        {
            foreach (FaultRule rule in _rules)
            {
                if (rule.Matches(request) && rule.CountAndDecide())
                {
                    return rule;
                }
            }
        }

        return null;
    }
}
