using System.Diagnostics;
using SemanticSearch.Server.Protocol;
using StreamJsonRpc;

namespace SemanticSearch.Server.Client;

/// <summary>
/// One work-done progress token (one full indexing pass): <c>report</c>s throttled, one <c>end</c>. Sends are
/// awaited (bounded) so they reach the client in order.
/// </summary>
public sealed class WorkDoneProgress(JsonRpc rpc, string token)
{
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();

    public string Token => token;

    public void Report(string message, int percent)
    {
        // Throttled: a progress line per group is plenty; the editor only shows the latest.
        if (_sinceLast.ElapsedMilliseconds < 100)
        {
            return;
        }
        _sinceLast.Restart();
        Send(new WorkDoneProgressValue { Kind = ProgressKind.Report, Message = message, Percentage = Math.Clamp(percent, 0, 100) });
    }

    public void End(string message) => Send(new WorkDoneProgressValue { Kind = ProgressKind.End, Message = message });

    internal void Send(WorkDoneProgressValue value)
    {
        try
        {
            rpc.NotifyWithParameterObjectAsync("$/progress", new ProgressParams { Token = token, Value = value }).Wait(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The client went away; progress is best effort.
        }
    }
}
