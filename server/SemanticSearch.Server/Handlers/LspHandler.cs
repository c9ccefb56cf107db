namespace SemanticSearch.Server.Handlers;

/// <summary>
/// Binds a handler class to the LSP method it answers (one class per method) and says how it may run.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LspMethodAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>
    /// It changes what later messages see (the folders, the settings, the open documents, the lifecycle). Such
    /// handlers run one at a time, so none sees another half done; the others (searches, status, queuing work)
    /// run concurrently with everything.
    /// </summary>
    public bool MutatesState { get; init; }

    /// <summary>
    /// A lifecycle message (initialize, initialized, shutdown, exit) is taken in any phase and checks the phase
    /// itself. Every other request is refused before <c>initialize</c> and after <c>shutdown</c>, every other
    /// notification is dropped then.
    /// </summary>
    public bool Lifecycle { get; init; }
}

/// <summary>A request: answers <typeparamref name="TResult"/>. Absent params arrive as a new <typeparamref name="TParams"/>.</summary>
public interface IRequestHandler<in TParams, TResult>
    where TParams : class, new()
{
    Task<TResult> HandleAsync(TParams request, CancellationToken cancellationToken);
}

/// <summary>A notification: no answer. Absent params arrive as a new <typeparamref name="TParams"/>.</summary>
public interface INotificationHandler<in TParams>
    where TParams : class, new()
{
    void Handle(TParams notification);
}
