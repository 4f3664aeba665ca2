using System.Text;
using Escalation.Functions.Commands;

namespace Escalation.Functions;

/// <summary>The composition root: the only place that touches the console, the environment and the clock.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        return Cli.Run(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
    }
}
