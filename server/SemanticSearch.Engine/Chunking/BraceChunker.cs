using System.Text.RegularExpressions;

namespace SemanticSearch.Engine.Chunking;

/// <summary>
/// Text heuristics for brace languages: find declaration lines (on text with comments and strings blanked), find
/// the body's opening brace within a few header lines, match braces to its end, and recurse into type bodies so
/// methods get their own chunks with Container = the type path. Doc comments and attributes directly above a
/// declaration belong to it.
/// </summary>
internal static partial class BraceChunker
{
    private const int MaxHeaderLines = 12;

    public static List<Candidate> Chunk(LineMap lines, BraceLanguage language, ChunkingOptions options)
    {
        var (code, hasComment) = language.Lexer.Run(lines.Lines);
        var scanner = new Scanner(lines, code, hasComment, language);
        var blocks = scanner.Scan(1, lines.Count, null, null);
        var candidates = BlockEmitter.Emit(lines, blocks, line => IsSubstantive(code[line - 1]), options);
        return candidates;
    }

    /// <summary>Lines that make module-level code worth a chunk: not blank, not comments, not imports, not lone braces.</summary>
    private static bool IsSubstantive(string code)
    {
        var trimmed = code.Trim();
        return trimmed.Length > 0 && !ImportLike().IsMatch(trimmed) && !PunctuationOnly().IsMatch(trimmed);
    }

    private sealed class Scanner(LineMap lines, string[] code, bool[] hasComment, BraceLanguage language)
    {
        public List<Block> Scan(int from, int to, string? container, string? typeName)
        {
            var blocks = new List<Block>();
            var insideType = typeName is not null;
            var line = from;
            while (line <= to)
            {
                var text = code[line - 1].TrimStart();
                var block = text.Length == 0 ? null : TryBlock(line, to, text, container, insideType);
                if (block is null)
                {
                    line++;
                    continue;
                }
                blocks.Add(block);
                line = block.EndLine + 1;
            }
            return blocks;
        }

        private Block? TryBlock(int line, int to, string text, string? container, bool insideType)
        {
            if (language.MatchType(text) is { } type)
            {
                var isNamespace = type.Keyword is "namespace" or "module" or "mod";
                if (FindBody(line, to, rejectAssignment: true) is not { } body)
                {
                    return language.BodilessTypes && !isNamespace ? BodilessType(line, to, type.Name, container) : null;
                }
                var endLine = MatchBrace(body.Line, body.Column, to);
                var name = type.Keyword == "impl" || !type.Name.Contains("::", StringComparison.Ordinal)
                    ? type.Name
                    : type.Name[(type.Name.LastIndexOf("::", StringComparison.Ordinal) + 2)..];
                var path = container is null ? name : container + "." + name;
                var signature = Signature(line, body.Line, body.Column);
                var start = DocStart(line);
                var block = new Block
                {
                    Kind = isNamespace ? BlockKind.Namespace : BlockKind.Type,
                    ChunkKind = ChunkKind.Class,
                    Name = name,
                    Container = container,
                    StartLine = start,
                    DeclLine = line,
                    HeaderEndLine = body.Line,
                    EndLine = endLine,
                    Signature = signature,
                    Documentation = Documentation(start, line),
                    // Several impl blocks for one type are told apart by their headers.
                    Discriminator = type.Keyword == "impl" ? signature : null,
                };
                if (endLine > body.Line + 1)
                {
                    // Inside a namespace/mod, functions are still free functions: no type name to make them methods.
                    block.Children.AddRange(Scan(body.Line + 1, endLine - 1, path, isNamespace ? null : name));
                }
                return block;
            }
            if (language.MatchFunction(text, insideType) is { } function)
            {
                if (FindBody(line, to, rejectAssignment: false) is not { } body)
                {
                    return null;
                }
                var signature = Signature(line, body.Line, body.Column);
                if (function.NeedsArrow && !signature.Contains("=>", StringComparison.Ordinal) &&
                    !signature.Contains("function", StringComparison.Ordinal))
                {
                    return null;
                }
                var endLine = MatchBrace(body.Line, body.Column, to);
                var owner = function.Receiver is null ? container : container is null ? function.Receiver : container + "." + function.Receiver;
                var start = DocStart(line);
                return new Block
                {
                    Kind = BlockKind.Function,
                    ChunkKind = insideType || function.Receiver is not null ? ChunkKind.Method : ChunkKind.Function,
                    Name = function.Name,
                    Container = owner,
                    StartLine = start,
                    DeclLine = line,
                    HeaderEndLine = body.Line,
                    EndLine = endLine,
                    Signature = signature,
                    Documentation = Documentation(start, line),
                    // Overloads (Java, C++, Swift) share a name: the parameter list tells them apart.
                    Discriminator = ParameterList(signature),
                };
            }
            return null;
        }

        /// <summary>A type declared without a body: the declaration up to where its brackets close.</summary>
        private Block BodilessType(int line, int to, string name, string? container)
        {
            var depth = 0;
            var end = line;
            for (var n = line; n <= to && n < line + MaxHeaderLines; n++)
            {
                end = n;
                depth += code[n - 1].Count(c => c is '(' or '[') - code[n - 1].Count(c => c is ')' or ']');
                if (depth <= 0)
                {
                    break;
                }
            }
            var start = DocStart(line);
            var text = string.Join(" ", Enumerable.Range(line, end - line + 1).Select(n => lines[n]));
            return new Block
            {
                Kind = BlockKind.Type,
                ChunkKind = ChunkKind.Class,
                Name = name,
                Container = container,
                StartLine = start,
                DeclLine = line,
                HeaderEndLine = end,
                EndLine = end,
                Signature = BlockEmitter.Collapse(text),
                Documentation = Documentation(start, line),
            };
        }

        /// <summary>
        /// Finds the brace that opens the body: within a few lines, at bracket depth 0, before any ';'. A header line
        /// that ends without a brace continues only if it visibly goes on (trailing comma, operator, or a next line
        /// starting with '{', ':', "throws"...); otherwise it was a call or a declaration without body.
        /// </summary>
        private (int Line, int Column)? FindBody(int line, int to, bool rejectAssignment)
        {
            var depth = 0;
            var angle = 0;
            for (var n = line; n <= to && n < line + MaxHeaderLines; n++)
            {
                var text = code[n - 1];
                for (var i = 0; i < text.Length; i++)
                {
                    switch (text[i])
                    {
                        case '(' or '[':
                            depth++;
                            break;
                        case ')' or ']':
                            depth = Math.Max(0, depth - 1);
                            break;
                        case '{' when depth == 0:
                            return (n, i);
                        case ';' when depth == 0:
                            return null;
                        // Generic parameter defaults (class Router<T = unknown>) are not assignments.
                        case '<':
                            angle++;
                            break;
                        case '>' when i == 0 || text[i - 1] != '=':
                            angle = Math.Max(0, angle - 1);
                            break;
                        case '=' when depth == 0 && angle == 0 && rejectAssignment && IsAssignment(text, i):
                            return null;
                        default:
                            break;
                    }
                }
                if (depth > 0)
                {
                    continue;
                }
                var trimmed = text.TrimEnd();
                var next = NextCodeLine(n + 1, to);
                if (!ContinuesAtEnd().IsMatch(trimmed) && (next is null || !ContinuesAtStart().IsMatch(next)))
                {
                    return null;
                }
            }
            return null;
        }

        private static bool IsAssignment(string text, int i) =>
            (i + 1 >= text.Length || (text[i + 1] != '=' && text[i + 1] != '>')) && (i == 0 || "=!<>+-*/".IndexOf(text[i - 1]) < 0);

        private string? NextCodeLine(int from, int to)
        {
            for (var n = from; n <= to && n < from + 3; n++)
            {
                var text = code[n - 1].Trim();
                if (text.Length > 0)
                {
                    return text;
                }
            }
            return null;
        }

        /// <summary>The line of the brace closing the one at (line, column); the region's end if it never closes (broken code).</summary>
        private int MatchBrace(int line, int column, int to)
        {
            var depth = 0;
            for (var n = line; n <= to; n++)
            {
                var text = code[n - 1];
                for (var i = n == line ? column : 0; i < text.Length; i++)
                {
                    if (text[i] == '{')
                    {
                        depth++;
                    }
                    else if (text[i] == '}' && --depth == 0)
                    {
                        return n;
                    }
                }
            }
            return LastNonBlank(line, to);
        }

        private int LastNonBlank(int from, int to)
        {
            for (var n = to; n > from; n--)
            {
                if (!string.IsNullOrWhiteSpace(lines[n]))
                {
                    return n;
                }
            }
            return from;
        }

        /// <summary>Declaration text from the declaration line up to the opening brace, whitespace collapsed, comments dropped.</summary>
        private string Signature(int line, int braceLine, int braceColumn)
        {
            var parts = new List<string>();
            for (var n = line; n <= braceLine; n++)
            {
                var raw = lines[n];
                var blanked = code[n - 1];
                var end = n == braceLine ? braceColumn : raw.Length;
                // Keep string contents (default values) but cut comments: the blanked text ends where a comment starts.
                var commentStart = hasComment[n - 1] ? CommentStart(raw, blanked) : raw.Length;
                parts.Add(raw[..Math.Min(end, commentStart)]);
            }
            var signature = BlockEmitter.Collapse(string.Join(" ", parts));
            return signature.TrimEnd('=', ' ');
        }

        private static int CommentStart(string raw, string blanked)
        {
            var end = blanked.TrimEnd().Length;
            var slash = raw.IndexOf("//", end, StringComparison.Ordinal);
            var block = raw.IndexOf("/*", end, StringComparison.Ordinal);
            var hash = raw.IndexOf('#', end);
            var cut = raw.Length;
            foreach (var candidate in new[] { slash, block, hash })
            {
                if (candidate >= 0 && candidate < cut)
                {
                    cut = candidate;
                }
            }
            return cut;
        }

        /// <summary>The first line of the doc comment and attributes directly above a declaration (no blank line between).</summary>
        private int DocStart(int line)
        {
            var start = line;
            for (var n = line - 1; n >= 1; n--)
            {
                var raw = lines[n].Trim();
                var blanked = code[n - 1].Trim();
                var isComment = hasComment[n - 1] && blanked.Length == 0 && raw.Length > 0;
                var isAttribute = raw.StartsWith('@') || raw.StartsWith("#[", StringComparison.Ordinal) ||
                                  raw.StartsWith("[[", StringComparison.Ordinal);
                if (!isComment && !isAttribute)
                {
                    break;
                }
                start = n;
            }
            return start;
        }

        private string? Documentation(int start, int declLine)
        {
            var comments = new List<string>();
            for (var n = start; n < declLine; n++)
            {
                if (hasComment[n - 1] && code[n - 1].Trim().Length == 0)
                {
                    comments.Add(lines[n]);
                }
            }
            var text = CommentText.Strip(comments);
            return text.Length == 0 ? null : text;
        }
    }

    private static string? ParameterList(string signature)
    {
        var open = signature.IndexOf('(');
        return open < 0 ? null : signature[open..];
    }

    [GeneratedRegex(@"(?:,|\(|=|=>|->|:|&|\||\+|<|\bextends|\bimplements|\bwhere|\bthrows|\bwith|\bconst|\boverride|\bnoexcept)$")]
    private static partial Regex ContinuesAtEnd();

    [GeneratedRegex(@"^(?:\{|:|->|=>|throws\b|where\b|extends\b|implements\b|with\b|\.|&&|\|\||\?|const\b|override\b|noexcept\b)")]
    private static partial Regex ContinuesAtStart();

    [GeneratedRegex(
        @"^(?:import\b|export\s*(?:\*|\{[^}]*\}\s*(?:from\b.*)?;?$)|from\b|using\b|package\b|use\b|require\b|include\b|#\s*include|#\s*import|" +
        @"#\s*pragma|namespace\b[^{]*;|extern\s+crate|mod\s+\w+\s*;|<\?php|\?>|""use strict""|'use strict'|(?:const|let|var)\s+[\w{},\s]+=\s*require\s*\()")]
    private static partial Regex ImportLike();

    [GeneratedRegex(@"^[\s{}()\[\];,]*$")]
    private static partial Regex PunctuationOnly();
}
