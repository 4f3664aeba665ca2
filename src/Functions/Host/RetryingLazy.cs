namespace Escalation.Functions.Host;

/// <summary>
/// A value made on first use, one maker at a time, like <see cref="Lazy{T}"/> with
/// <see cref="LazyThreadSafetyMode.ExecutionAndPublication"/>, except that a failure is not kept: the next caller tries
/// again. The handler opens its store this way, so that a store unreachable at start (a share not mounted yet, a network
/// fault) is used as soon as it can be opened, without a restart of the process.
/// </summary>
internal sealed class RetryingLazy<T>(Func<T> create)
    where T : class
{
    private readonly Lock _lock = new();
    private T? _value;

    public bool IsValueCreated => Volatile.Read(ref _value) is not null;

    public T Value
    {
        get
        {
            if (Volatile.Read(ref _value) is { } value)
            {
                return value;
            }

            lock (_lock)
            {
                if (_value is null)
                {
                    Volatile.Write(ref _value, create());
                }

                return _value!;
            }
        }
    }
}
