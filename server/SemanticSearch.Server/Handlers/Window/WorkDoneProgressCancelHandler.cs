using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.Window;

/// <summary>The user cancelled the progress of a full pass: that pass stops after its group in flight.</summary>
[LspMethod("window/workDoneProgress/cancel")]
public sealed class WorkDoneProgressCancelHandler(ServerSession session) : INotificationHandler<WorkDoneProgressCancelParams>
{
    public void Handle(WorkDoneProgressCancelParams notification)
    {
        if (notification.Token == session.Worker.ProgressToken)
        {
            session.Queue.CancelCurrent();
        }
    }
}
