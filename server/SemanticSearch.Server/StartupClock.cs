using System.Diagnostics;

namespace SemanticSearch.Server;

/// <summary>
/// Milestones of this process's start, for the log line that says where a reopen's time went (an editor reopening a
/// workspace waits for all of it: the runtime starting, <c>initialize</c>, the model, the index, the change check).
/// <see cref="Start"/> runs first thing in <c>Main</c>.
/// </summary>
public static class StartupClock
{
    private static long _mainTimestamp;
    private static long _initializeTimestamp;

    /// <summary>From the process's start (as the OS recorded it) to <c>Main</c>: the .NET host and runtime starting.</summary>
    public static TimeSpan RuntimeStart { get; private set; }

    /// <summary>When <c>initialize</c> arrived, after the process started; null before it has.</summary>
    public static TimeSpan? InitializeAt => _initializeTimestamp == 0 ? null : At(_initializeTimestamp);

    /// <summary>Whether <see cref="Start"/> ran (not when the server's parts run inside a test process).</summary>
    public static bool Started => _mainTimestamp != 0;

    /// <summary>Now, after the process started.</summary>
    public static TimeSpan Now => At(Stopwatch.GetTimestamp());

    public static void Start()
    {
        _mainTimestamp = Stopwatch.GetTimestamp();
        try
        {
            using var self = Process.GetCurrentProcess();
            var sinceStart = DateTime.Now - self.StartTime;
            // The OS keeps a start time of 10 ms steps on Linux: never report a negative start.
            RuntimeStart = sinceStart > TimeSpan.Zero ? sinceStart : TimeSpan.Zero;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            // Not knowable here: the milestones then count from Main.
            RuntimeStart = TimeSpan.Zero;
        }
    }

    /// <summary>At the start of <c>initialize</c> (the first one counts).</summary>
    public static void InitializeReceived() => Interlocked.CompareExchange(ref _initializeTimestamp, Stopwatch.GetTimestamp(), 0);

    private static TimeSpan At(long timestamp) =>
        _mainTimestamp == 0 ? TimeSpan.Zero : RuntimeStart + Stopwatch.GetElapsedTime(_mainTimestamp, timestamp);
}
