namespace SemanticSearch.Cli;

/// <summary>
/// Progress on stderr, one way for every command: on a terminal one line rewritten in place (at most five times a
/// second), when redirected a line every two seconds; the final line is always shown (and ends the line).
/// </summary>
internal sealed class ProgressLine
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private DateTime _last = DateTime.MinValue;

    public void Show(string line, bool final)
    {
        if (!final && DateTime.UtcNow - _last < TimeSpan.FromSeconds(_terminal ? 0.2 : 2))
        {
            return;
        }
        _last = DateTime.UtcNow;
        if (_terminal)
        {
            Console.Error.Write($"\r{line,-70}");
            if (final)
            {
                Console.Error.WriteLine();
            }
        }
        else
        {
            Console.Error.WriteLine(line);
        }
    }
}
