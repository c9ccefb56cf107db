using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// The <c>#if</c> structure of a C# file, so the chunker can reach members the default parse (no symbols defined)
/// keeps only as disabled text: a <c>#if DEBUG</c> helper, the <c>#else</c> of <c>#if !NETSTANDARD</c>, an
/// <c>#elif NET6_0</c> fallback. The rule: every branch the default parse leaves disabled should be active in at least
/// one extra parse. Branches are covered greedily, in file order: for the first uncovered branch, every assignment of
/// the symbols its activation depends on (its own condition, the earlier branches of its group that must be false, the
/// same for each enclosing branch) and of the symbols tested inside it (so a nested <c>#if</c> comes along) is tried,
/// each alone and with every other symbol of the file defined too (independent <c>#if X</c> blocks then share one
/// parse); the one that activates the most uncovered branches wins, fewer symbols on a tie. A branch no assignment
/// activates (<c>#if A</c> inside <c>#if !A</c>) is dead code and stays unchunked. <c>#define</c> and <c>#undef</c>
/// (which C# allows only before the first token, so they hold for the whole file) fix their symbols. Bounded:
/// at most <see cref="MaxExtraParses"/> extra parses, and at most <see cref="MaxFreeSymbols"/> symbols varied per
/// branch, so a file of hundreds of platform switches costs a few parses, not one per switch.
/// </summary>
internal sealed class CSharpConditionals
{
    public const int MaxExtraParses = 8;
    public const int MaxFreeSymbols = 10;

    private readonly List<Branch> _branches;
    private readonly HashSet<string> _defined;
    private readonly HashSet<string> _fixed;
    private readonly List<Branch> _disabled;

    private CSharpConditionals(List<Branch> branches, HashSet<string> defined, HashSet<string> fixedSymbols)
    {
        _branches = branches;
        _defined = defined;
        _fixed = fixedSymbols;
        _disabled = [.. branches.Where(b => !IsActive(b, defined))];
    }

    /// <summary>
    /// The file's conditional structure, or null when the default parse disabled nothing, which costs ordinary files
    /// one flag check (or a walk of their directives only: the search skips subtrees without any).
    /// </summary>
    public static CSharpConditionals? Of(CompilationUnitSyntax root)
    {
        if (!root.ContainsDirectives)
        {
            return null;
        }
        var directives = new List<DirectiveTriviaSyntax>();
        for (var d = root.GetFirstDirective(); d is not null; d = d.GetNextDirective())
        {
            directives.Add(d);
        }
        if (!directives.Any(d => d is BranchingDirectiveTriviaSyntax { BranchTaken: false }))
        {
            return null;
        }
        var branches = new List<Branch>();
        var open = new Stack<Group>();
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var fixedSymbols = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directive in directives)
        {
            switch (directive)
            {
                case IfDirectiveTriviaSyntax ifDirective:
                    var group = new Group(open.Count > 0 ? open.Peek().Branches[^1] : null);
                    open.Push(group);
                    Open(group, ifDirective.Condition, directive, branches);
                    break;
                case ElifDirectiveTriviaSyntax elif when open.Count > 0:
                    Open(open.Peek(), elif.Condition, directive, branches);
                    break;
                case ElseDirectiveTriviaSyntax when open.Count > 0:
                    Open(open.Peek(), null, directive, branches);
                    break;
                case EndIfDirectiveTriviaSyntax when open.Count > 0:
                    open.Pop().Branches[^1].End = directive.FullSpan.Start;
                    break;
                case DefineDirectiveTriviaSyntax define when define.IsActive:
                    defined.Add(define.Name.ValueText);
                    fixedSymbols.Add(define.Name.ValueText);
                    break;
                case UndefDirectiveTriviaSyntax undef when undef.IsActive:
                    defined.Remove(undef.Name.ValueText);
                    fixedSymbols.Add(undef.Name.ValueText);
                    break;
                default:
                    break;
            }
        }
        return new CSharpConditionals(branches, defined, fixedSymbols);
    }

    private static void Open(Group group, ExpressionSyntax? condition, DirectiveTriviaSyntax directive, List<Branch> all)
    {
        if (group.Branches.Count > 0)
        {
            group.Branches[^1].End = directive.FullSpan.Start;
        }
        var branch = new Branch(group, group.Branches.Count, condition, directive.FullSpan.End);
        group.Branches.Add(branch);
        all.Add(branch);
    }

    /// <summary>Whether <paramref name="position"/> lies in text the default parse keeps as disabled.</summary>
    public bool DisabledByDefault(int position) => _disabled.Any(b => b.Start <= position && position < b.End);

    /// <summary>The symbol sets to parse the file again with (file-level #define'd symbols included).</summary>
    public List<string[]> ExtraSymbolSets()
    {
        var uncovered = new List<Branch>(_disabled);
        var everySymbol = _branches.SelectMany(b => SymbolsOf(b.Condition)).Where(s => !_fixed.Contains(s)).ToHashSet(StringComparer.Ordinal);
        var sets = new List<string[]>();
        while (uncovered.Count > 0 && sets.Count < MaxExtraParses)
        {
            var target = uncovered[0];
            var best = BestFor(target, uncovered, everySymbol);
            if (best is null)
            {
                uncovered.RemoveAt(0);
                continue;
            }
            sets.Add([.. best.Order(StringComparer.Ordinal)]);
            uncovered.RemoveAll(b => IsActive(b, best));
        }
        return sets;
    }

    private HashSet<string>? BestFor(Branch target, List<Branch> uncovered, HashSet<string> everySymbol)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        for (Branch? b = target; b is not null; b = b.Group.Parent)
        {
            foreach (var branch in b.Group.Branches.Take(b.Ordinal + 1))
            {
                required.UnionWith(SymbolsOf(branch.Condition));
            }
        }
        var inner = _branches.Where(b => b.Start >= target.Start && b.End <= target.End && b != target)
            .SelectMany(b => SymbolsOf(b.Condition));
        var free = required.Union(inner).Where(s => !_fixed.Contains(s)).Distinct().ToList();
        if (free.Count > MaxFreeSymbols)
        {
            free = [.. required.Where(s => !_fixed.Contains(s))];
            if (free.Count > MaxFreeSymbols)
            {
                return null;
            }
        }
        var others = everySymbol.Except(free).ToList();
        HashSet<string>? best = null;
        var bestScore = 0;
        for (var mask = 0; mask < 1 << free.Count; mask++)
        {
            var chosen = new HashSet<string>(_defined, StringComparer.Ordinal);
            for (var i = 0; i < free.Count; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    chosen.Add(free[i]);
                }
            }
            HashSet<string>[] variants = others.Count == 0 ? [chosen] : [chosen, [.. chosen, .. others]];
            foreach (var symbols in variants)
            {
                if (!IsActive(target, symbols))
                {
                    continue;
                }
                var score = uncovered.Count(b => IsActive(b, symbols));
                if (score > bestScore || (score == bestScore && best is not null && symbols.Count < best.Count))
                {
                    best = symbols;
                    bestScore = score;
                }
            }
        }
        return best;
    }

    private static bool IsActive(Branch branch, HashSet<string> symbols)
    {
        if (branch.Group.Parent is { } parent && !IsActive(parent, symbols))
        {
            return false;
        }
        for (var i = 0; i < branch.Ordinal; i++)
        {
            if (branch.Group.Branches[i].Condition is not { } earlier || Evaluate(earlier, symbols))
            {
                return false;
            }
        }
        return branch.Condition is null || Evaluate(branch.Condition, symbols);
    }

    /// <summary>A preprocessor expression: symbols, true/false, !, &amp;&amp;, ||, ==, != and parentheses.</summary>
    private static bool Evaluate(ExpressionSyntax expression, HashSet<string> symbols) => expression switch
    {
        ParenthesizedExpressionSyntax p => Evaluate(p.Expression, symbols),
        PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.LogicalNotExpression) => !Evaluate(u.Operand, symbols),
        BinaryExpressionSyntax b => b.Kind() switch
        {
            SyntaxKind.LogicalAndExpression => Evaluate(b.Left, symbols) && Evaluate(b.Right, symbols),
            SyntaxKind.LogicalOrExpression => Evaluate(b.Left, symbols) || Evaluate(b.Right, symbols),
            SyntaxKind.EqualsExpression => Evaluate(b.Left, symbols) == Evaluate(b.Right, symbols),
            SyntaxKind.NotEqualsExpression => Evaluate(b.Left, symbols) != Evaluate(b.Right, symbols),
            _ => false,
        },
        LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.TrueLiteralExpression),
        IdentifierNameSyntax name => symbols.Contains(name.Identifier.ValueText),
        // A malformed condition: the parser counts it false too.
        _ => false,
    };

    private static IEnumerable<string> SymbolsOf(ExpressionSyntax? condition) =>
        condition is null ? [] : condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Select(n => n.Identifier.ValueText);

    private sealed class Group(Branch? parent)
    {
        /// <summary>The branch this <c>#if</c> is nested in; null at file level.</summary>
        public Branch? Parent { get; } = parent;
        public List<Branch> Branches { get; } = [];
    }

    /// <summary>One arm of an #if group: its condition (null for #else) and the text it governs, [Start, End).</summary>
    private sealed class Branch(Group group, int ordinal, ExpressionSyntax? condition, int start)
    {
        public Group Group { get; } = group;
        public int Ordinal { get; } = ordinal;
        public ExpressionSyntax? Condition { get; } = condition;
        public int Start { get; } = start;
        public int End { get; set; } = int.MaxValue;
    }
}
