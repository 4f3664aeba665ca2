using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Escalation.Benchmarks;

/// <summary>
/// CPU time with nanosecond resolution: on Linux <c>clock_gettime</c> with the process's or the calling thread's CPU
/// clock (the /proc figures behind <see cref="Process.TotalProcessorTime"/> tick only every 10 ms); elsewhere the
/// process's <see cref="Process.TotalProcessorTime"/> for both. On a loaded machine CPU time, unlike wall time, does
/// not count the time the benchmark waited for its core.
/// </summary>
internal static partial class CpuClock
{
    private const int ProcessCpuTimeId = 2; // CLOCK_PROCESS_CPUTIME_ID
    private const int ThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID

    /// <summary>CPU time of every thread of the process so far: the GC's and the JIT's included.</summary>
    public static TimeSpan Process() => Read(ProcessCpuTimeId);

    /// <summary>CPU time of the calling thread so far (the process's where the platform has no thread clock).</summary>
    public static TimeSpan Thread() => Read(ThreadCpuTimeId);

    private static TimeSpan Read(int clock)
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(clock, out var time) == 0)
        {
            return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);
}
