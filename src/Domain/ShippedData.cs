namespace Escalation.Domain;

/// <summary>The data files embedded in this assembly (calendar, default rules, default templates).</summary>
internal static class ShippedData
{
    /// <summary>Opens the embedded file; its absence is a build defect.</summary>
    public static Stream Open(string fileName) =>
        typeof(ShippedData).Assembly.GetManifestResourceStream("Escalation.Domain." + fileName)
        ?? throw new InvalidOperationException($"The shipped file {fileName} is missing from the assembly.");
}
