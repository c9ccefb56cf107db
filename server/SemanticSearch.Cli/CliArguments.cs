using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Cli;

/// <summary>A command line that does not make sense; reported with usage and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A small parser for "command positional... --option value --flag" lines. Options may repeat (--exclude) and
/// may be written --name=value. Unknown options are errors, so typos never silently do nothing.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private CliArguments(string command, List<string> positionals)
    {
        Command = command;
        Positionals = positionals;
    }

    public string Command { get; }
    public IReadOnlyList<string> Positionals { get; }

    /// <param name="valueOptions">Options that take a value (e.g. "--model", "-k").</param>
    /// <param name="flagOptions">Options that take none (e.g. "--json").</param>
    public static CliArguments Parse(IReadOnlyList<string> args, ISet<string> valueOptions, ISet<string> flagOptions)
    {
        if (args.Count == 0)
        {
            throw new UsageException("No command given.");
        }
        var positionals = new List<string>();
        var result = new CliArguments(args[0], positionals);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length > 1 && arg[0] == '-' && !double.TryParse(arg, out _))
            {
                var name = arg;
                string? inline = null;
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    name = arg[..eq];
                    inline = arg[(eq + 1)..];
                }
                if (valueOptions.Contains(name))
                {
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"Option {name} needs a value."));
                    if (!result._options.TryGetValue(name, out var list))
                    {
                        result._options[name] = list = [];
                    }
                    list.Add(value);
                }
                else if (flagOptions.Contains(name) && inline is null)
                {
                    result._flags.Add(name);
                }
                else
                {
                    throw new UsageException($"Unknown option {name} for '{result.Command}'.");
                }
            }
            else
            {
                positionals.Add(arg);
            }
        }
        return result;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _options.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _options.TryGetValue(name, out var list) ? list : [];

    public int IntValue(string name, int fallback, int min, int max)
    {
        var text = Value(name);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, out var value) || value < min || value > max)
        {
            throw new UsageException($"Option {name} must be a whole number from {min} to {max} (got '{text}').");
        }
        return value;
    }

    public long ByteSizeValue(string name, long fallback)
    {
        var text = Value(name);
        if (text is null)
        {
            return fallback;
        }
        return ByteSize.TryParse(text) ?? throw new UsageException($"Option {name} must be a size such as 500000, 500k or 2m (got '{text}').");
    }

    public string Positional(int index, string what) =>
        index < Positionals.Count ? Positionals[index] : throw new UsageException($"Missing {what}.");

    public void ExpectPositionals(int count)
    {
        if (Positionals.Count > count)
        {
            throw new UsageException($"Unexpected argument '{Positionals[count]}' for '{Command}'. (Quote a query that has spaces.)");
        }
    }
}
