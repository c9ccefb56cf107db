using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Handlers.SemanticSearch;

/// <summary>
/// The user opened a result: one line in <c>feedback.jsonl</c> beside the folder's index (never sent anywhere),
/// unless the <c>feedbackLog</c> setting is off.
/// </summary>
[LspMethod(Methods.ResultOpened)]
public sealed class ResultOpenedHandler(ServerSession session) : IRequestHandler<ResultOpenedParams, ResultOpenedResult>
{
    public Task<ResultOpenedResult> HandleAsync(ResultOpenedParams request, CancellationToken cancellationToken)
    {
        if (!session.Settings.FeedbackLog)
        {
            return Task.FromResult(new ResultOpenedResult { Recorded = false });
        }
        try
        {
            return Task.FromResult(new ResultOpenedResult { Recorded = session.Feedback.RecordOpened(request.QueryId, request.ResultId) });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            session.Client.Log(MessageType.Warning, $"Could not record the opened result: {ex.Message}");
            return Task.FromResult(new ResultOpenedResult { Recorded = false });
        }
    }
}
