namespace SemanticSearch.Miner.Tests;

/// <summary>The positive is the member's code without its doc comment, for every doc-comment style.</summary>
public class DocStripperTests
{
    [Theory]
    [InlineData("textkit/textkit/wrap.py", "wrap_paragraph", "def wrap_paragraph(text, width=72):", "    lines, current = [], \"\"")]
    [InlineData("textkit/textkit/wrap.py", "collapse_spaces", "def collapse_spaces(text):", "    collapsed = re.sub(r\"\\s+\", \" \", text)")]
    [InlineData("strkit/strkit.go", "Reverse", "func Reverse(s string) string {", "\tr := []rune(s)")]
    [InlineData("rangeset/src/lib.rs", "merge_ranges", "#[inline]", "pub fn merge_ranges(ranges: &mut Vec<(i64, i64)>) -> usize {")]
    [InlineData("jsdate/format.js", "formatDay", "function formatDay(date) {", "  const y = date.getUTCFullYear();")]
    [InlineData("cachekit/src/org/example/cache/LruCache.java", "put", "    @Override", "    public void put(K key, V value) {")]
    [InlineData("retrykit/Retry.cs", "RunWithBackoff", "    public static int RunWithBackoff(Action action)", "    {")]
    public void DocCommentIsRemoved(string path, string symbol, string firstLine, string secondLine)
    {
        var chunk = MinerFixtures.Member(path, symbol);

        var code = DocStripper.Strip(chunk.Text, chunk.Language);

        var lines = code.Split('\n');
        Assert.Equal(firstLine, lines[0]);
        Assert.Equal(secondLine, lines[1]);
        // No trace of the doc text; the code itself is kept whole.
        var firstDocWords = string.Join(' ', chunk.Documentation!.Split((char[])[' ', '\n'])[..3]);
        Assert.DoesNotContain(firstDocWords, code, StringComparison.Ordinal);
        Assert.EndsWith(chunk.Text.TrimEnd('\n').Split('\n')[^1], code, StringComparison.Ordinal);
    }

    [Fact]
    public void OneLinePythonDocstringAfterMultiLineSignature()
    {
        const string code = "def f(\n    a,\n    b,\n):  # note\n    'Add them.'\n    return a + b\n";

        Assert.Equal("def f(\n    a,\n    b,\n):  # note\n    return a + b", DocStripper.Strip(code, "python"));
    }

    [Fact]
    public void CodeWithoutDocIsUnchanged()
    {
        const string code = "func add(a, b int) int {\n\treturn a + b\n}";

        Assert.Equal(code, DocStripper.Strip(code, "go"));
    }

    [Theory]
    [InlineData("public abstract void run();", false)]
    [InlineData("def f(self):\n    \"\"\"Doc.\"\"\"\n    raise NotImplementedError", false)]
    [InlineData("void f()\n{\n}", false)]
    [InlineData("int f()\n{\n    return 1;\n}", true)]
    public void SignatureOnlyOrShortCodeHasNoBody(string code, bool expected) =>
        Assert.Equal(expected, PackageMiner.HasBody(DocStripper.Strip(code, code.StartsWith("def", StringComparison.Ordinal) ? "python" : "java")));
}
