using System.Text;
using Escalation.Functions.Commands;
using NodaTime;

namespace Escalation.Functions;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        // The composition root owns the one real clock; everything below takes it (or instants) as arguments.
#pragma warning disable RS0030
        var clock = SystemClock.Instance;
#pragma warning restore RS0030
        return Cli.Run(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, clock);
    }
}
