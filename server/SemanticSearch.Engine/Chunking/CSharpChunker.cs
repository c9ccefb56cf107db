using System.Text;
using System.Text.RegularExpressions;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// C# via Roslyn syntax trees (no compilation, so it is fast and works on broken code). One chunk per member,
/// one summary per type (header + member signatures), top-level statements as windows. A member's chunk starts at
/// its doc comment (or a comment run directly above it), so the doc is both in Text and in Range.
/// </summary>
internal static partial class CSharpChunker
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview, DocumentationMode.Parse);

    public static List<Candidate> Chunk(SourceFile file, LineMap lines, ChunkingOptions options)
    {
        var tree = CSharpSyntaxTree.ParseText(file.Text, ParseOptions);
        var root = tree.GetCompilationUnitRoot();
        var walker = new Walker(lines, options);
        walker.VisitMembers(root.Members, null);
        if (CSharpConditionals.Of(root) is { } conditionals)
        {
            // Members the default parse keeps as disabled text, from parses that activate their branches. A member
            // counts as new when its name lies in disabled text: "#if NET6_0 public #else internal #endif static
            // long Advance" is the one member of the default parse whatever its modifiers; the position is also what
            // tells two extra parses' copies of one member apart. They come after the default parse's chunks, so an
            // alternative implementation (#if X Foo() #else Foo()) takes the duplicate ordinal, not the default one.
            var seen = new HashSet<int>();
            walker.Keep = member => AnchorOf(member) is var anchor && conditionals.DisabledByDefault(anchor) && seen.Add(anchor);
            foreach (var symbols in conditionals.ExtraSymbolSets())
            {
                var extra = CSharpSyntaxTree.ParseText(tree.GetText(), ParseOptions.WithPreprocessorSymbols(symbols));
                walker.VisitMembers(extra.GetCompilationUnitRoot().Members, null);
            }
        }
        // Roslyn reads almost any garbage as "global statements". If a file with syntax errors gave no member at
        // all, those statements are guesswork: line windows describe it more honestly.
        if (walker.Result.All(c => c.Kind == ChunkKind.TopLevel) &&
            tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return [];
        }
        return walker.Result;
    }

    private sealed class Walker(LineMap lines, ChunkingOptions options)
    {
        public List<Candidate> Result { get; } = [];

        /// <summary>
        /// Which declarations get chunks (types and namespaces are walked regardless, for what they hold); null: all.
        /// Set for the extra parses of a file with disabled #if branches, which skip their top-level statements.
        /// </summary>
        public Func<MemberDeclarationSyntax, bool>? Keep { get; set; }

        private bool Keeps(MemberDeclarationSyntax member) => Keep is null || Keep(member);

        public void VisitMembers(SyntaxList<MemberDeclarationSyntax> members, string? container)
        {
            var globals = new List<GlobalStatementSyntax>();
            foreach (var member in members)
            {
                if (member is GlobalStatementSyntax global)
                {
                    if (Keep is null)
                    {
                        globals.Add(global);
                    }
                    continue;
                }
                FlushGlobals(globals);
                Visit(member, container);
            }
            FlushGlobals(globals);
        }

        private void Visit(MemberDeclarationSyntax member, string? container)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    VisitMembers(ns.Members, Join(container, Collapse(ns.Name.ToString())));
                    break;
                case EnumDeclarationSyntax or DelegateDeclarationSyntax when !Keeps(member):
                    break;
                case EnumDeclarationSyntax enumDeclaration:
                    // Enums have no bodies to hide: the whole declaration (members listed, with their docs) is the summary.
                    Add(ChunkKind.Type, enumDeclaration.Identifier.ValueText, container, member, SignatureOf(member),
                        null, DocumentationOf(member));
                    break;
                case DelegateDeclarationSyntax del:
                    Add(ChunkKind.Type, del.Identifier.ValueText, container, member, SignatureOf(member),
                        $"`{del.Arity}" + ParameterKey(del.ParameterList), DocumentationOf(member));
                    break;
                case TypeDeclarationSyntax type:
                    VisitType(type, container);
                    break;
                case BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or BaseFieldDeclarationSyntax:
                    VisitMember(member, container);
                    break;
                default:
                    // Incomplete members and other debris of broken code: nothing worth a chunk on its own.
                    break;
            }
        }

        private void VisitType(TypeDeclarationSyntax type, string? container)
        {
            if (Keeps(type))
            {
                AddSummary(type, container);
            }
            foreach (var member in type.Members)
            {
                Visit(member, Join(container, type.Identifier.ValueText));
            }
        }

        private void AddSummary(TypeDeclarationSyntax type, string? container)
        {
            var signature = SignatureOf(type);
            var summary = new List<string>();
            var docLines = LeadingCommentLines(type);
            summary.AddRange(docLines.Select(l => l.Text));
            summary.Add(signature);
            if (!type.OpenBraceToken.IsMissing || type.Members.Count > 0)
            {
                summary.Add("{");
                foreach (var member in type.Members)
                {
                    var memberSignature = member switch
                    {
                        BaseNamespaceDeclarationSyntax or GlobalStatementSyntax or IncompleteMemberSyntax => null,
                        _ => SignatureOf(member),
                    };
                    if (!string.IsNullOrEmpty(memberSignature))
                    {
                        summary.Add("    " + memberSignature + ";");
                    }
                }
                summary.Add("}");
            }
            Result.Add(new Candidate
            {
                Kind = ChunkKind.Type,
                Symbol = type.Identifier.ValueText,
                Container = container,
                Signature = signature,
                Documentation = DocumentationOf(type),
                Discriminator = type.Arity > 0 ? $"`{type.Arity}" : null,
                Body = [.. summary.Select(s => new Segment(0, 1, 1, s))],
                Header = signature,
                DeclarationLine = docLines.Count,
                DocBreaks = DocBreaksOf(type, [.. docLines.Select(l => l.Line)]),
                FixedRange = RangeOf(type),
            });
        }

        private void VisitMember(MemberDeclarationSyntax member, string? container)
        {
            if (!Keeps(member))
            {
                return;
            }
            switch (member)
            {
                case MethodDeclarationSyntax method:
                    Add(ChunkKind.Method, method.Identifier.ValueText, container, member, SignatureOf(member),
                        (method.Arity > 0 ? $"`{method.Arity}" : "") + ParameterKey(method.ParameterList), DocumentationOf(member));
                    break;
                case ConstructorDeclarationSyntax ctor:
                    Add(ChunkKind.Constructor, ctor.Identifier.ValueText, container, member, SignatureOf(member),
                        (ctor.Modifiers.Any(SyntaxKind.StaticKeyword) ? "static" : "") + ParameterKey(ctor.ParameterList),
                        DocumentationOf(member));
                    break;
                case DestructorDeclarationSyntax dtor:
                    Add(ChunkKind.Method, "~" + dtor.Identifier.ValueText, container, member, SignatureOf(member), null,
                        DocumentationOf(member));
                    break;
                case OperatorDeclarationSyntax op:
                    Add(ChunkKind.Operator, "operator " + op.OperatorToken.Text, container, member, SignatureOf(member),
                        ParameterKey(op.ParameterList), DocumentationOf(member));
                    break;
                case ConversionOperatorDeclarationSyntax conversion:
                    Add(ChunkKind.Operator, $"{conversion.ImplicitOrExplicitKeyword.Text} operator {Collapse(conversion.Type.ToString())}",
                        container, member, SignatureOf(member), ParameterKey(conversion.ParameterList), DocumentationOf(member));
                    break;
                case PropertyDeclarationSyntax property:
                    Add(ChunkKind.Property, property.Identifier.ValueText, container, member, SignatureOf(member), null,
                        DocumentationOf(member));
                    break;
                case IndexerDeclarationSyntax indexer:
                    Add(ChunkKind.Indexer, "this", container, member, SignatureOf(member), ParameterKey(indexer.ParameterList),
                        DocumentationOf(member));
                    break;
                case EventDeclarationSyntax ev:
                    Add(ChunkKind.Event, ev.Identifier.ValueText, container, member, SignatureOf(member), null,
                        DocumentationOf(member));
                    break;
                case BaseFieldDeclarationSyntax field when IsWorthAChunk(field):
                    var names = field.Declaration.Variables.Select(v => v.Identifier.ValueText).ToList();
                    Add(field is EventFieldDeclarationSyntax ? ChunkKind.Event : ChunkKind.Field, names[0], container, member,
                        SignatureOf(member), names.Count > 1 ? string.Join(",", names) : null, DocumentationOf(member));
                    break;
                default:
                    break;
            }
        }

        /// <summary>
        /// Fields (and field-like events) get their own chunk only when there is something to find in them: a doc
        /// comment, or an initializer of some substance (a regex, a query, a table). Plain `private int _count;`
        /// lines are noise on their own; they still appear in the type summary.
        /// </summary>
        private static bool IsWorthAChunk(BaseFieldDeclarationSyntax field)
        {
            if (HasDocComment(field))
            {
                return true;
            }
            return field.Declaration.Variables.Any(v => v.Initializer is { } init && Collapse(init.Value.ToString()).Length >= 24);
        }

        private void Add(ChunkKind kind, string symbol, string? container, MemberDeclarationSyntax node, string signature,
            string? discriminator, string? documentation)
        {
            var (start, end) = SpanOf(node);
            var firstLine = lines.Position(start).Line;
            var declarationLine = lines.Position(node.SpanStart).Line;
            Result.Add(new Candidate
            {
                Kind = kind,
                Symbol = symbol,
                Container = container,
                Signature = signature,
                Documentation = documentation,
                Discriminator = discriminator,
                Body = SegmentsOf(start, end),
                Header = signature,
                DeclarationLine = declarationLine - firstLine,
                DocBreaks = DocBreaksOf(node, [.. Enumerable.Range(firstLine, declarationLine - firstLine)]),
            });
        }

        private void FlushGlobals(List<GlobalStatementSyntax> globals)
        {
            if (globals.Count == 0)
            {
                return;
            }
            var (start, _) = SpanOf(globals[0]);
            var end = globals[^1].Span.End;
            var first = lines.Position(start).Line;
            Result.Add(new Candidate
            {
                Kind = ChunkKind.TopLevel,
                Symbol = "<top-level>",
                Documentation = DocumentationOf(globals[0]),
                // Several runs only happen in broken files; the first run has no discriminator so it stays stable.
                Discriminator = Result.Any(c => c.Kind == ChunkKind.TopLevel) ? "L" + first : null,
                Body = SegmentsOf(start, end),
                MaxLines = options.WindowLines,
            });
            globals.Clear();
        }

        /// <summary>Whole source lines of [start, end), with the range's first and last columns exact.</summary>
        private List<Segment> SegmentsOf(int start, int end)
        {
            var (startLine, startColumn) = lines.Position(start);
            var (endLine, endColumn) = lines.Position(Math.Max(start, end));
            var segments = lines.Segments(startLine, endLine);
            segments[0] = segments[0] with { StartColumn = startColumn };
            segments[^1] = segments[^1] with { EndColumn = endColumn };
            return segments;
        }

        /// <summary>The comment lines above a type (for its summary text), indentation removed, with their line numbers.</summary>
        private List<(int Line, string Text)> LeadingCommentLines(SyntaxNode node)
        {
            var (start, _) = SpanOf(node);
            var result = new List<(int, string)>();
            if (start >= node.SpanStart)
            {
                return result;
            }
            var (first, firstColumn) = lines.Position(start);
            var (last, lastColumn) = lines.Position(node.SpanStart);
            for (var line = first; line <= last; line++)
            {
                var text = lines[line];
                var to = line == last ? lastColumn - 1 : text.Length;
                var from = line == first ? Math.Min(firstColumn - 1, to) : 0;
                var trimmed = text[from..to].Trim();
                if (trimmed.Length > 0)
                {
                    result.Add((line, trimmed));
                }
            }
            return result;
        }

        /// <summary>
        /// The one rule for where a doc comment too long for one part may be split (<see cref="Candidate.DocBreaks"/>),
        /// for a member's doc lines as written and a type summary's trimmed copies alike: <paramref name="docLines"/>
        /// are the source lines of the candidate's body lines before its declaration. A part starts at an XML element
        /// (the outermost on offer), never at a closing tag, and never right after a line that is only an opening tag.
        /// </summary>
        private List<int>? DocBreaksOf(SyntaxNode node, List<int> docLines)
        {
            if (docLines.Count == 0 || DocCommentOf(node) is not { } doc)
            {
                return null;
            }
            var costs = new Dictionary<int, int>();
            MarkElements(doc.Content, 0, costs);
            return [.. docLines.Select(l => costs.GetValueOrDefault(l, Candidate.PlainDocLine))];
        }

        private void MarkElements(SyntaxList<XmlNodeSyntax> nodes, int depth, Dictionary<int, int> costs)
        {
            foreach (var node in nodes)
            {
                switch (node)
                {
                    case XmlElementSyntax element:
                        MarkStart(element.SpanStart, depth, costs);
                        var (openLine, _) = lines.Position(element.SpanStart);
                        var (closeLine, _) = lines.Position(element.EndTag.SpanStart);
                        if (StartsItsLine(element.EndTag.SpanStart))
                        {
                            costs[closeLine] = Candidate.NoDocBreak;
                        }
                        var afterOpenTag = lines.Position(element.StartTag.Span.End);
                        if (closeLine > openLine && StartsItsLine(element.SpanStart) && afterOpenTag.Line == openLine &&
                            string.IsNullOrWhiteSpace(lines[openLine][(afterOpenTag.Column - 1)..]))
                        {
                            costs[openLine + 1] = Candidate.NoDocBreak;
                        }
                        MarkElements(element.Content, depth + 1, costs);
                        break;
                    case XmlEmptyElementSyntax empty:
                        MarkStart(empty.SpanStart, depth, costs);
                        break;
                    default:
                        break;
                }
            }
        }

        private void MarkStart(int position, int depth, Dictionary<int, int> costs)
        {
            if (!StartsItsLine(position))
            {
                return;
            }
            var (line, _) = lines.Position(position);
            // A line where no part may start stays so; otherwise the outermost element starting on the line counts.
            if (!costs.TryGetValue(line, out var cost) || (cost != Candidate.NoDocBreak && depth < cost))
            {
                costs[line] = depth;
            }
        }

        /// <summary>Whether only the comment's markers ("///", "/**", "*") and whitespace precede the position on its line.</summary>
        private bool StartsItsLine(int position)
        {
            var (line, column) = lines.Position(position);
            var before = lines[line][..(column - 1)].Trim();
            foreach (var marker in (string[])["///", "/**", "*"])
            {
                if (before.StartsWith(marker, StringComparison.Ordinal))
                {
                    before = before[marker.Length..].Trim();
                    break;
                }
            }
            return before.Length == 0;
        }

        private SourceRange RangeOf(SyntaxNode node)
        {
            var (start, end) = SpanOf(node);
            var (startLine, startColumn) = lines.Position(start);
            var (endLine, endColumn) = lines.Position(end);
            return new SourceRange(startLine, startColumn, endLine, endColumn);
        }

        private static string? Join(string? container, string name) => container is null ? name : container + "." + name;
    }

    /// <summary>
    /// Start and end offsets of a node including its doc comment and any comment lines directly above it (no blank
    /// line between), but not comments separated by a blank line, nor #region lines.
    /// </summary>
    internal static (int Start, int End) SpanOf(SyntaxNode node)
    {
        var start = node.SpanStart;
        var trivia = node.GetLeadingTrivia();
        var newlines = 0;
        for (var i = trivia.Count - 1; i >= 0; i--)
        {
            var t = trivia[i];
            switch (t.Kind())
            {
                case SyntaxKind.WhitespaceTrivia:
                    continue;
                case SyntaxKind.EndOfLineTrivia:
                    newlines++;
                    if (newlines >= 2)
                    {
                        return (start, node.Span.End);
                    }
                    continue;
                case SyntaxKind.SingleLineDocumentationCommentTrivia:
                case SyntaxKind.MultiLineDocumentationCommentTrivia:
                case SyntaxKind.SingleLineCommentTrivia:
                case SyntaxKind.MultiLineCommentTrivia:
                    // FullSpan: a doc comment's Span leaves out its first "///".
                    start = t.FullSpan.Start;
                    // A single-line doc comment carries its own line break.
                    newlines = t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) ? 1 : 0;
                    continue;
                default:
                    return (start, node.Span.End);
            }
        }
        return (start, node.Span.End);
    }

    /// <summary>Where a member's name is (its operator token, "this", its first variable), as a text position.</summary>
    private static int AnchorOf(MemberDeclarationSyntax member) => member switch
    {
        BaseTypeDeclarationSyntax type => type.Identifier.SpanStart,
        DelegateDeclarationSyntax del => del.Identifier.SpanStart,
        MethodDeclarationSyntax method => method.Identifier.SpanStart,
        ConstructorDeclarationSyntax ctor => ctor.Identifier.SpanStart,
        DestructorDeclarationSyntax dtor => dtor.Identifier.SpanStart,
        OperatorDeclarationSyntax op => op.OperatorToken.SpanStart,
        ConversionOperatorDeclarationSyntax conversion => conversion.OperatorKeyword.SpanStart,
        PropertyDeclarationSyntax property => property.Identifier.SpanStart,
        EventDeclarationSyntax ev => ev.Identifier.SpanStart,
        IndexerDeclarationSyntax indexer => indexer.ThisKeyword.SpanStart,
        BaseFieldDeclarationSyntax { Declaration.Variables: [var first, ..] } => first.Identifier.SpanStart,
        _ => member.SpanStart,
    };

    private static bool HasDocComment(SyntaxNode node) =>
        node.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) ||
                                         t.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia));

    /// <summary>
    /// The declaration without attributes, body, initializer or accessor bodies, whitespace collapsed:
    /// "public static bool Validate(string address)", "public string Name { get; set; }".
    /// </summary>
    internal static string SignatureOf(MemberDeclarationSyntax member)
    {
        var start = member.AttributeLists.Count > 0
            ? member.AttributeLists[^1].GetLastToken().GetNextToken().SpanStart
            : member.SpanStart;
        var end = member.Span.End;
        string? suffix = null;
        switch (member)
        {
            case BaseMethodDeclarationSyntax method:
                end = Min(end, method.Body?.SpanStart, method.ExpressionBody?.SpanStart,
                    (member as ConstructorDeclarationSyntax)?.Initializer?.SpanStart, SemicolonStart(method.SemicolonToken));
                break;
            case BasePropertyDeclarationSyntax property:
                end = Min(end, property.AccessorList?.SpanStart, (property as PropertyDeclarationSyntax)?.ExpressionBody?.SpanStart,
                    (property as IndexerDeclarationSyntax)?.ExpressionBody?.SpanStart,
                    (property as EventDeclarationSyntax)?.SemicolonToken is { } s ? SemicolonStart(s) : null);
                if (property.AccessorList is { } accessors)
                {
                    suffix = " { " + string.Concat(accessors.Accessors.Select(a =>
                        (a.Modifiers.Count > 0 ? a.Modifiers.ToString() + " " : "") + a.Keyword.Text + "; ")) + "}";
                }
                break;
            case BaseFieldDeclarationSyntax field:
                var variables = field.Declaration.Variables;
                end = variables.Count == 1 && variables[0].Initializer is { } init ? init.SpanStart : field.Declaration.Span.End;
                break;
            case BaseTypeDeclarationSyntax type:
                end = Min(end, SemicolonStart(type.OpenBraceToken), SemicolonStart(type.SemicolonToken));
                break;
            case DelegateDeclarationSyntax del:
                end = Min(end, SemicolonStart(del.SemicolonToken));
                break;
            default:
                break;
        }
        return TokenText(member, start, end) + suffix;
    }

    /// <summary>
    /// The tokens of <paramref name="node"/> within [start, end), one space where the source has any trivia between
    /// two tokens. Trivia is what a signature must not show as text: comments, preprocessor lines (#if, #endif,
    /// #region) and the inactive branch of an #if, which the parser (no symbols defined) keeps as disabled text.
    /// Built from tokens, not by cleaning the source text: a "//" inside a string is no comment.
    /// </summary>
    private static string TokenText(SyntaxNode node, int start, int end)
    {
        var builder = new StringBuilder();
        SyntaxToken previous = default;
        foreach (var token in node.DescendantTokens())
        {
            if (token.SpanStart < start || token.Span.IsEmpty)
            {
                continue;
            }
            if (token.Span.End > end)
            {
                break;
            }
            var spaced = builder.Length > 0 && (previous.HasTrailingTrivia || token.HasLeadingTrivia) &&
                !previous.IsKind(SyntaxKind.OpenParenToken) && !previous.IsKind(SyntaxKind.OpenBracketToken) &&
                !token.IsKind(SyntaxKind.CloseParenToken) && !token.IsKind(SyntaxKind.CloseBracketToken) && !token.IsKind(SyntaxKind.CommaToken);
            if (spaced)
            {
                builder.Append(' ');
            }
            builder.Append(token.Text);
            previous = token;
        }
        return builder.ToString();
    }

    private static int? SemicolonStart(SyntaxToken token) => token.IsMissing || token.RawKind == 0 ? null : token.SpanStart;

    private static int Min(int value, params int?[] others)
    {
        foreach (var other in others)
        {
            if (other is { } o && o < value)
            {
                value = o;
            }
        }
        return value;
    }

    /// <summary>Parameter types as the overload key: "(string,int)", with ref/out/in/params kept.</summary>
    private static string ParameterKey(BaseParameterListSyntax? parameters) =>
        parameters is null
            ? "()"
            : "(" + string.Join(",", parameters.Parameters.Select(p =>
                (p.Modifiers.Count > 0 ? p.Modifiers.ToString() + " " : "") + Collapse(p.Type?.ToString() ?? ""))) + ")";

    /// <summary>The XML doc comment directly above a node (the last, if a stray one precedes it).</summary>
    private static DocumentationCommentTriviaSyntax? DocCommentOf(SyntaxNode node) =>
        node.GetLeadingTrivia().Select(t => t.GetStructure()).OfType<DocumentationCommentTriviaSyntax>().LastOrDefault();

    /// <summary>
    /// Readable text of an XML doc comment: summary first, then params ("name: text"), type params, returns,
    /// exceptions, remarks; inline tags (see, paramref, c) become their names or text.
    /// </summary>
    internal static string? DocumentationOf(SyntaxNode node)
    {
        if (DocCommentOf(node) is not { } doc)
        {
            return PlainCommentText(node);
        }
        var parts = new List<string>();
        var loose = new StringBuilder();
        foreach (var content in doc.Content)
        {
            if (content is XmlElementSyntax element)
            {
                var name = element.StartTag.Name.LocalName.Text;
                var body = Collapse(InnerText(element.Content));
                var attribute = AttributeValue(element.StartTag.Attributes);
                var line = name switch
                {
                    "param" or "typeparam" => $"{attribute}: {body}",
                    "returns" => $"Returns: {body}",
                    "exception" => $"Throws {attribute}: {body}",
                    "value" => $"Value: {body}",
                    "example" => $"Example: {body}",
                    _ => body,
                };
                if (body.Length > 0)
                {
                    parts.Add(line);
                }
            }
            else
            {
                loose.Append(InnerText([content]));
            }
        }
        var looseText = Collapse(loose.ToString());
        if (looseText.Length > 0)
        {
            parts.Insert(0, looseText);
        }
        var result = string.Join("\n", parts).Trim();
        return result.Length == 0 ? null : result;
    }

    private static string? AttributeValue(SyntaxList<XmlAttributeSyntax> attributes)
    {
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case XmlNameAttributeSyntax name:
                    return name.Identifier.Identifier.ValueText;
                case XmlCrefAttributeSyntax cref:
                    return Collapse(cref.Cref.ToString());
                case XmlTextAttributeSyntax text:
                    return string.Concat(text.TextTokens.Select(t => t.ValueText));
                default:
                    break;
            }
        }
        return null;
    }

    private static string InnerText(IEnumerable<XmlNodeSyntax> nodes)
    {
        var builder = new StringBuilder();
        foreach (var node in nodes)
        {
            switch (node)
            {
                case XmlTextSyntax text:
                    foreach (var token in text.TextTokens)
                    {
                        builder.Append(token.IsKind(SyntaxKind.XmlTextLiteralNewLineToken) ? " " : token.ValueText);
                    }
                    break;
                case XmlElementSyntax element:
                    builder.Append(InnerText(element.Content));
                    break;
                case XmlEmptyElementSyntax empty:
                    // <see cref="X"/>, <paramref name="x"/>: the referenced name reads naturally in the sentence.
                    var value = AttributeValue(empty.Attributes);
                    if (value is not null)
                    {
                        builder.Append(value);
                    }
                    break;
                case XmlCDataSectionSyntax cdata:
                    builder.Append(string.Concat(cdata.TextTokens.Select(t => t.ValueText)));
                    break;
                default:
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Documentation from plain // or /* */ comments directly above a node, when it has no XML doc.</summary>
    private static string? PlainCommentText(SyntaxNode node)
    {
        var (start, _) = SpanOf(node);
        if (start >= node.SpanStart)
        {
            return null;
        }
        var text = node.SyntaxTree.GetText().ToString(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, node.SpanStart));
        var result = CommentText.Strip(text.Split('\n'));
        return result.Length == 0 ? null : result;
    }

    internal static string Collapse(string text) => WhitespacePattern().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
