using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Tests.Chunking;

/// <summary>
/// Members the default parse (no symbols defined) keeps as disabled text: #if DEBUG helpers, the #else of an
/// #if !NETSTANDARD, an #elif chain, nested #ifs, a whole file inside #if DEBUG.
/// </summary>
public class CSharpDisabledBranchTests
{
    private const string File = "DebugOnly.cs";
    private const string Counter = "Acme.Diagnostics.RequestCounter";

    [Fact]
    public void MembersOnlyInDisabledBranchesGetChunksWithTheirLinesInTheFile()
    {
        var chunks = Fixtures.Chunk(File);

        var dump = chunks.Single(ChunkKind.Method, "DumpState", Counter);
        var dumpDoc = Fixtures.LineOf(File, "/// <summary>Dumps the counter's state");
        Assert.Equal(new SourceRange(dumpDoc, 9, dumpDoc + 4, 10), dump.Range);
        Assert.StartsWith("        /// <summary>Dumps the counter's state to the debug output.</summary>\n        public void DumpState()",
            dump.Text, StringComparison.Ordinal);
        Assert.Equal("public void DumpState()", dump.Signature);
        Assert.Equal("Dumps the counter's state to the debug output.", dump.Documentation);

        // Nested: #if TRACE inside #if DEBUG.
        var trace = chunks.Single(ChunkKind.Method, "TraceRequest", Counter);
        Assert.Equal(Fixtures.LineOf(File, "/// <summary>Writes a trace line"), trace.Range.StartLine);
        Assert.EndsWith("            Trace.WriteLine(path);\n        }", trace.Text, StringComparison.Ordinal);

        // The #else of #if !NETSTANDARD2_0: both overloads, each at its own lines.
        var hashes = chunks.Where(c => c.Symbol == "HashPath").OrderBy(c => c.Range.StartLine).ToList();
        Assert.Equal(["public static int HashPath(ReadOnlySpan<char> path)", "public static int HashPath(string path)"],
            hashes.Select(c => c.Signature));
        Assert.Equal(Fixtures.LineOf(File, "/// <summary>Hashes a request path on frameworks"), hashes[1].Range.StartLine);
        Assert.Equal(Fixtures.LineOf(File, "public static bool IsLegacy"), chunks.Single(ChunkKind.Property, "IsLegacy").Range.EndLine);

        // A type inside #if DEBUG: its summary and its members, under their container.
        var invariants = chunks.Single(ChunkKind.Type, "CounterInvariants", "Acme.Diagnostics");
        Assert.Equal(Fixtures.LineOf(File, "/// <summary>Checks the invariants"), invariants.Range.StartLine);
        Assert.Contains("    public static void Check(RequestCounter counter);", invariants.Text, StringComparison.Ordinal);
        var check = chunks.Single(ChunkKind.Method, "Check", "Acme.Diagnostics.CounterInvariants");
        Assert.StartsWith("        public static void Check(RequestCounter counter)", check.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryArmOfAnElifChainIsChunkedOnceAndTheDefaultArmKeepsItsId()
    {
        var chunks = Fixtures.Chunk(File);
        var snapshots = chunks.Where(c => c.Symbol == "Snapshot").OrderBy(c => c.Range.StartLine).ToList();
        Assert.Equal(
            [
                Fixtures.LineOf(File, "/// <summary>Reads the count without a lock."),
                Fixtures.LineOf(File, "/// <summary>Reads the count with an interlocked compare."),
                Fixtures.LineOf(File, "/// <summary>Reads the count under the counter's lock."),
            ],
            snapshots.Select(c => c.Range.StartLine));
        Assert.Equal(3, snapshots.Select(c => c.Id).Distinct().Count());
        // The arm the default parse chose (#else) has the id it had before the other arms were chunked.
        Assert.Equal(Chunk.MakeId(File, ChunkKind.Method, Counter, "Snapshot", "()", 0), snapshots[2].Id);

        // Active in both extra parses (#if DEBUG || NET6_0_OR_GREATER): still one chunk.
        Assert.Equal(Fixtures.LineOf(File, "/// <summary>Sets the count back to zero"), chunks.Single(ChunkKind.Method, "Reset").Range.StartLine);
        // Members of the default parse are not repeated by the extra ones.
        Assert.Single(chunks, c => c.Symbol == "Increment");
        Assert.Single(chunks, c => c.Kind == ChunkKind.Type && c.Symbol == "RequestCounter");
        Assert.Equal(chunks.Count, chunks.Select(c => c.Id).Distinct().Count());
        // Nor where only a modifier or a parameter is conditional: Advance and Reset are one member each.
        var conditional = Fixtures.Chunk("Conditional.cs");
        Assert.Equal(conditional.Count, conditional.Select(c => (c.Kind, c.Symbol)).Distinct().Count());
        Assert.Equal("public void Reset(long ticks)", conditional.Single(ChunkKind.Method, "Reset").Signature);
    }

    [Fact]
    public void AFileEntirelyInsideIfDebugGetsItsMembersNotWindows()
    {
        var chunks = Fixtures.Chunk("DebugOnlyFile.cs");
        Assert.DoesNotContain(chunks, c => c.Kind == ChunkKind.Window);
        Assert.Equal("internal static class DebugBreaks", chunks.Single(ChunkKind.Type, "DebugBreaks", "Acme.Diagnostics").Signature);
        var breakIf = chunks.Single(ChunkKind.Method, "BreakIf", "Acme.Diagnostics.DebugBreaks");
        Assert.Equal(Fixtures.LineOf("DebugOnlyFile.cs", "/// <summary>Stops at a breakpoint"), breakIf.Range.StartLine);
        Assert.Equal(Fixtures.LineOf("DebugOnlyFile.cs", "#endif") - 3, breakIf.Range.EndLine);
    }
}
