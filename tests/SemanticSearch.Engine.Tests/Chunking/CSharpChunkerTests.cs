using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Tests.Chunking;

public class CSharpChunkerTests
{
    private const string File = "EmailValidator.cs";

    [Fact]
    public void FindsEveryMemberWithKindSymbolAndContainer()
    {
        var chunks = Fixtures.Chunk(File);
        var found = chunks.Select(c => (c.Kind, c.Symbol, c.Container)).Distinct().ToList();
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Type, "Validator", "Acme.Mail"),
            (ChunkKind.Field, "AddressPattern", "Acme.Mail.Validator"),
            (ChunkKind.Constructor, "Validator", "Acme.Mail.Validator"),
            (ChunkKind.Property, "CheckedCount", "Acme.Mail.Validator"),
            (ChunkKind.Method, "Validate", "Acme.Mail.Validator"),
            (ChunkKind.Method, "StripBrackets", "Acme.Mail.Validator"),
            (ChunkKind.Type, "Inner", "Acme.Mail.Validator"),
            (ChunkKind.Property, "MaxLength", "Acme.Mail.Validator.Inner"),
            (ChunkKind.Type, "ILogger", "Acme.Mail"),
            (ChunkKind.Method, "Log", "Acme.Mail.ILogger"),
        ];
        Assert.Equal(expected.Order(), found.Order());
        // Plain fields without doc or notable initializer, and the local function, get no chunk of their own.
        Assert.DoesNotContain(chunks, c => c.Symbol is "_checkedCount" or "_logger" or "Normalize");
    }

    [Fact]
    public void MethodChunkStartsAtItsDocCommentAndEndsAtItsBrace()
    {
        var validate = Fixtures.Chunk(File).Single(c => c.Signature == "public bool Validate(string address)");
        var docLine = Fixtures.LineOf(File, "/// <summary>", after: 26);
        Assert.Equal(new SourceRange(docLine, 5, 48, 6), validate.Range);
        Assert.StartsWith("    /// <summary>", validate.Text, StringComparison.Ordinal);
        Assert.Contains("[Obsolete(\"Use ValidateAsync\")]", validate.Text, StringComparison.Ordinal);
        Assert.Contains("static string Normalize(string value)", validate.Text, StringComparison.Ordinal);
        Assert.EndsWith("    }", validate.Text, StringComparison.Ordinal);
        Assert.Equal(
            "Checks whether address is a syntactically valid e-mail address.\n" +
            "address: The address to check, e.g. \"ada@example.org\".\n" +
            "Returns: true when the address can be delivered to.\n" +
            "Throws ArgumentNullException: When the address is null.",
            validate.Documentation);
    }

    [Fact]
    public void OverloadsGetDistinctIdsAndSignatures()
    {
        var overloads = Fixtures.Chunk(File).Where(c => c.Symbol == "Validate").ToList();
        Assert.Equal(2, overloads.Count);
        Assert.NotEqual(overloads[0].Id, overloads[1].Id);
        Assert.Equal("public IReadOnlyList<string> Validate(IEnumerable<string> addresses, bool stopAtFirst = false)", overloads[1].Signature);
    }

    [Fact]
    public void TypeSummaryListsMemberSignaturesWithoutBodies()
    {
        var type = Fixtures.Chunk(File).Single(ChunkKind.Type, "Validator");
        Assert.Equal("public sealed class Validator", type.Signature);
        Assert.Equal(new SourceRange(5, 1, 77, 2), type.Range);
        Assert.StartsWith("/// <summary>\n/// Validates e-mail addresses", type.Text, StringComparison.Ordinal);
        Assert.Contains("    public bool Validate(string address);", type.Text, StringComparison.Ordinal);
        Assert.Contains("    public Validator(ILogger logger);", type.Text, StringComparison.Ordinal);
        Assert.Contains("    private readonly ILogger _logger;", type.Text, StringComparison.Ordinal);
        Assert.Contains("    public sealed class Inner;", type.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("_logger.Log", type.Text, StringComparison.Ordinal);
        Assert.Equal("Validates e-mail addresses before they are queued for delivery.\nOnly syntax is checked; see DomainResolver for MX lookups.",
            type.Documentation);
    }

    [Fact]
    public void SignaturesLeaveOutPreprocessorLinesInactiveBranchesAndComments()
    {
        // Conditional compilation inside declarations, as NodaTime and Polly write it: a signature is the declaration
        // as parsed (no symbols defined), never "#if DEBUG bool verbose, #endif" glued into it.
        var chunks = Fixtures.Chunk("Conditional.cs");
        var type = chunks.Single(ChunkKind.Type, "FrozenClock");
        Assert.Equal("public sealed class FrozenClock : IClock, IEquatable<FrozenClock>", type.Signature);
        Assert.Equal("public void Reset(long ticks)", chunks.Single(ChunkKind.Method, "Reset").Signature);
        Assert.Equal("internal static long Advance(long ticks)", chunks.Single(ChunkKind.Method, "Advance").Signature);
        // A comment is left out as a comment, not as text that happens to hold "//" (the URL in a default value).
        Assert.Equal("public void Open(string url = \"https://example.org/clock\")", chunks.Single(ChunkKind.Method, "Open").Signature);
        // The type summary lists the same signatures; the member chunks keep their source text as written.
        Assert.Contains("    public void Reset(long ticks);", type.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("#", type.Text, StringComparison.Ordinal);
        Assert.Contains("#if DEBUG", chunks.Single(ChunkKind.Method, "Reset").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void LaterPartsOfALongDocumentedMemberStartAtItsDeclarationNotInsideItsXmlDoc()
    {
        // NodaTime-sized doc comments: the doc fills most of the first part. The next part used to overlap back into
        // it, so its text (and snippet) began inside <param> and showed the header twice.
        var chunks = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(160, 3, 40)).ChunkFile(Fixtures.Load("Period.cs"));
        var parts = chunks.Where(c => c.Symbol == "FromValues").OrderBy(c => c.Part).ToList();
        Assert.True(parts.Count >= 2);
        var declaration = Fixtures.LineOf("Period.cs", "public static Period FromValues(");
        Assert.StartsWith("        /// <summary>", parts[0].Text, StringComparison.Ordinal);
        Assert.Equal(declaration, parts[1].Range.StartLine);
        Assert.StartsWith("        public static Period FromValues(int years, int months, int days)\n        {", parts[1].Text, StringComparison.Ordinal);
        Assert.Null(parts[1].TextOrigins); // exactly its lines: no repeated header above them
        Assert.All(parts.Skip(1), p => Assert.DoesNotContain("///", p.Text, StringComparison.Ordinal));

        // The type summary: its later parts hold the class header once.
        var summary = chunks.Where(c => c.Kind == ChunkKind.Type && c.Symbol == "Period").ToList();
        Assert.True(summary.Count >= 2);
        Assert.All(summary.Skip(1), p => Assert.Single(p.Text.Split('\n'), l => l == "public sealed class Period : System.IEquatable<Period>"));
    }

    [Fact]
    public void FieldWithDocAndPlainCommentedMethodCarryDocumentation()
    {
        var chunks = Fixtures.Chunk(File);
        var field = chunks.Single(ChunkKind.Field, "AddressPattern");
        Assert.Equal("private static readonly Regex AddressPattern", field.Signature);
        Assert.Equal("Pattern for the local part and domain of an address.", field.Documentation);
        var strip = chunks.Single(ChunkKind.Method, "StripBrackets");
        Assert.Equal("Kept for the old SMTP relay, which sends addresses in angle brackets.", strip.Documentation);
        Assert.Equal("public int MaxLength { get; set; }", chunks.Single(ChunkKind.Property, "MaxLength").Signature);
    }

    [Fact]
    public void PartialPartsInOneFileGetTheirOwnTypeChunksAndIds()
    {
        var chunks = Fixtures.Chunk("OrderService.Partial.cs");
        var parts = chunks.Where(c => c.Kind == ChunkKind.Type && c.Symbol == "OrderService").ToList();
        Assert.Equal(2, parts.Count);
        Assert.NotEqual(parts[0].Id, parts[1].Id);
        Assert.Equal("Order placement: pricing part.", parts[0].Documentation);
        Assert.Equal("Order placement: persistence part.", parts[1].Documentation);
        Assert.Equal(2, chunks.Count(c => c.Symbol == "Save" && c.Container == "Acme.Shop.OrderService"));
        var record = chunks.Single(ChunkKind.Method, "Record");
        Assert.Equal("Acme.Shop.Internal.Audit", record.Container);
        Assert.Equal("public static void Record(Order order, string user)", record.Signature);
    }

    [Fact]
    public void TopLevelStatementsBecomeOneChunkWithTheirLocalFunctions()
    {
        var chunks = Fixtures.Chunk("Program.cs");
        var top = Assert.Single(chunks, c => c.Kind == ChunkKind.TopLevel);
        Assert.Equal(3, top.Range.StartLine);
        Assert.Equal(18, top.Range.EndLine);
        Assert.Contains("static IEnumerable<Version> ParseVersions(string json)", top.Text, StringComparison.Ordinal);
        Assert.Equal("Downloads the release feed and prints the newest version.", top.Documentation);
        Assert.DoesNotContain(chunks, c => c.Symbol == "ParseVersions");
        var exitCode = chunks.Single(ChunkKind.Type, "ExitCode");
        Assert.Contains("NetworkError = 2,", exitCode.Text, StringComparison.Ordinal);
        Assert.Null(exitCode.Container);
    }

    [Fact]
    public void LongTopLevelCodeIsWindowed()
    {
        var lines = Enumerable.Range(1, 100).Select(i => $"Console.WriteLine(\"step {i}\");");
        var file = new SourceFile("Script.cs", "csharp", string.Join("\n", lines));
        var chunks = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(10_000, 3, 40)).ChunkFile(file);
        Assert.All(chunks, c => Assert.Equal(ChunkKind.TopLevel, c.Kind));
        Assert.Equal(3, chunks.Count);
        Assert.Equal([1, 38, 75], chunks.Select(c => c.Range.StartLine));
        Assert.Equal(100, chunks[^1].Range.EndLine);
    }

    [Fact]
    public void RecordsGenericsOperatorsIndexersEventsAndDelegates()
    {
        var chunks = Fixtures.Chunk("Money.cs");
        var money = chunks.Single(ChunkKind.Type, "Money");
        Assert.Equal("public readonly record struct Money(decimal Amount, string Currency)", money.Signature);
        Assert.Equal("An amount in a currency.\nAmount: The amount, in the currency's main unit.\nCurrency: ISO 4217 code such as \"EUR\".",
            money.Documentation);
        Assert.Equal("public static Money operator +(Money left, Money right)", chunks.Single(ChunkKind.Operator, "operator +").Signature);
        Assert.Equal("public static Money operator *(Money value, decimal factor)", chunks.Single(ChunkKind.Operator, "operator *").Signature);
        Assert.Equal("public static implicit operator Money(decimal amount)",
            chunks.Single(ChunkKind.Operator, "implicit operator Money").Signature);

        var repository = chunks.Single(ChunkKind.Type, "Repository");
        Assert.Equal("public class Repository<TEntity> where TEntity : class", repository.Signature);
        Assert.Equal("public TEntity this[int id] { get; set; }", chunks.Single(ChunkKind.Indexer, "this").Signature);
        Assert.Equal("public event EventHandler Cleared { add; remove; }", chunks.Single(ChunkKind.Event, "Cleared").Signature);
        Assert.Equal("public event EventHandler<TEntity>? Stored", chunks.Single(ChunkKind.Event, "Stored").Signature);
        var finds = chunks.Where(c => c.Symbol == "Find").ToList();
        Assert.Equal(2, finds.Select(c => c.Id).Distinct().Count());
        Assert.Equal("public TSub? Find<TSub>() where TSub : class, TEntity", finds[1].Signature);
        Assert.Equal(ChunkKind.Method, chunks.Single(c => c.Symbol == "~Repository").Kind);
        Assert.Equal("public delegate TOut Converter<in TIn, out TOut>(TIn input)", chunks.Single(ChunkKind.Type, "Converter").Signature);
        Assert.Equal("public record Person(string Name, int Age)", chunks.Single(ChunkKind.Type, "Person").Signature);
    }

    [Fact]
    public void BrokenFileStillYieldsItsMembers()
    {
        var chunks = Fixtures.Chunk("Broken.cs");
        var load = chunks.Single(ChunkKind.Method, "Load", "Acme.Broken.Half");
        Assert.Equal("Loads settings from disk.", load.Documentation);
        Assert.Equal(5, load.Range.StartLine);
        Assert.Contains("File.ReadAllText(path;", load.Text, StringComparison.Ordinal);
        Assert.Equal("Parses key=value lines.", chunks.Single(ChunkKind.Method, "Parse").Documentation);
        Assert.Contains(chunks, c => c is { Kind: ChunkKind.Type, Symbol: "Half" });
    }

    [Fact]
    public void FileWithoutMembersFallsBackToWindows()
    {
        var file = new SourceFile("Garbage.cs", "csharp", "using System;\n}}} ))) <<< not C# at all\n@@@ ###\n");
        var chunk = Assert.Single(new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(512)).ChunkFile(file));
        Assert.Equal(ChunkKind.Window, chunk.Kind);
        Assert.Equal(new SourceRange(1, 1, 3, 8), chunk.Range);
    }

    [Fact]
    public void EditingOneMethodBodyChangesOnlyThatChunk()
    {
        var original = Fixtures.Load(File);
        var edited = original with { Text = original.Text.Replace("rejected.Add(address);", "rejected.Add(address.Trim());", StringComparison.Ordinal) };
        Assert.NotEqual(original.Text, edited.Text);
        var set = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(2000));
        var before = set.ChunkFile(original).ToDictionary(c => c.Id, c => c.ContentHash);
        var after = set.ChunkFile(edited).ToDictionary(c => c.Id, c => c.ContentHash);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var changed = before.Keys.Where(id => before[id] != after[id]).ToList();
        var batch = set.ChunkFile(edited).Single(c => c.Signature!.Contains("IEnumerable<string> addresses", StringComparison.Ordinal));
        Assert.Equal([batch.Id], changed);
    }

    [Fact]
    public void EditingASignatureChangesTheTypeSummary()
    {
        var original = Fixtures.Load(File);
        var edited = original with { Text = original.Text.Replace("bool stopAtFirst = false", "bool stopAtFirst = true", StringComparison.Ordinal) };
        var set = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(2000));
        var before = set.ChunkFile(original).Single(ChunkKind.Type, "Validator");
        var after = set.ChunkFile(edited).Single(ChunkKind.Type, "Validator");
        Assert.Equal(before.Id, after.Id);
        Assert.NotEqual(before.ContentHash, after.ContentHash);
    }

    [Fact]
    public void CrlfFileHasCorrectRangesAndNewlineText()
    {
        var chunks = Fixtures.Chunk("Crlf.cs");
        Assert.Contains("\r\n", Fixtures.Load("Crlf.cs").Text, StringComparison.Ordinal);
        var join = chunks.Single(ChunkKind.Method, "Join");
        Assert.Equal(new SourceRange(6, 9, 10, 10), join.Range);
        Assert.DoesNotContain('\r', join.Text);
        Assert.Equal(
            "        /// <summary>Joins lines with CRLF.</summary>\n        public static string Join(string[] lines)\n        {\n" +
            "            return string.Join(\"\\r\\n\", lines);\n        }",
            join.Text);
        var count = chunks.Single(ChunkKind.Method, "Count");
        Assert.Equal(new SourceRange(12, 9, 13, 73), count.Range);
    }

    [Fact]
    public void UnicodeIdentifiersAndColumnsInUtf16()
    {
        var chunks = Fixtures.Chunk("Unicode.cs");
        var type = chunks.Single(ChunkKind.Type, "問候");
        Assert.Equal("Acme.Intl", type.Container);
        Assert.Equal("Grüße und Übersetzungen — greetings in several languages 🌍.", type.Documentation);
        var greet = chunks.Single(ChunkKind.Method, "打招呼", "Acme.Intl.問候");
        // "    public static string 打招呼(string 名前) => $"こんにちは、{名前} 😀";" is 60 UTF-16 units: 😀 counts two.
        Assert.Equal(new SourceRange(6, 5, 7, 61), greet.Range);
        Assert.Equal("public static string 打招呼(string 名前)", greet.Signature);
        Assert.Contains("Adieu", chunks.Select(c => c.Symbol));
    }
}
