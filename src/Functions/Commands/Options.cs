namespace Escalation.Functions.Commands;

/// <summary>
/// A command's options as the command reads them: values by option name (without the dashes; a switch reads "true"),
/// and the positional argument. <see cref="Cli"/> fills it from System.CommandLine's parse result, so only declared
/// options ever reach a command.
/// </summary>
internal sealed class Options
{
    private readonly IReadOnlyDictionary<string, string> _values;

    private Options(IReadOnlyDictionary<string, string> values, string? positional)
    {
        _values = values;
        Positional = positional;
    }

    /// <summary>No options at all (the handler started by the Functions host).</summary>
    public static Options None { get; } = new(new Dictionary<string, string>(), null);

    public static Options From(IReadOnlyDictionary<string, string> values, string? positional) => new(values, positional);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>The bare argument of the command, if it takes one (<c>import samples</c>, <c>export log</c>).</summary>
    public string? Positional { get; }
}
