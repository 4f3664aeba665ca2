namespace Escalation.Functions.Commands;

/// <summary><c>--name value</c> pairs after the command, parsed without a library: there are few and they are simple.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values;

    private Options(Dictionary<string, string> values, string? error)
    {
        _values = values;
        Error = error;
    }

    public string? Error { get; }

    public static Options Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                if (values.Count == 0 && !values.ContainsKey(PositionalKey))
                {
                    // One bare argument before the options: the thing the command works on (a folder, a file, a table).
                    values[PositionalKey] = name;
                    continue;
                }

                return new Options(values, $"Unexpected argument '{name}': options are written --name value.");
            }

            if (!e.MoveNext() || e.Current.StartsWith("--", StringComparison.Ordinal))
            {
                return new Options(values, $"Option {name} needs a value.");
            }

            values[name[2..]] = e.Current;
        }

        return new Options(values, null);
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>The bare argument before the options, if any (<c>import samples</c>, <c>export log</c>).</summary>
    public string? Positional => _values.GetValueOrDefault(PositionalKey);

    private const string PositionalKey = "\0positional";
}
