namespace SemanticSearch.Miner.Tests;

public class CodeNormalizerTests
{
    [Fact]
    public void HashIgnoresWhitespaceCommentsAndDocstrings()
    {
        const string a = "def add(a, b):\n    \"\"\"Add two numbers.\"\"\"\n    return a + b\n";
        const string b = "def add(a,b):\n\n\treturn a+b  # sum\n";

        Assert.Equal(CodeNormalizer.Hash(a), CodeNormalizer.Hash(b));
    }

    [Fact]
    public void HashIgnoresBlockAndLineCommentsInBraceCode()
    {
        const string a = "/** Adds. */\nint add(int a, int b) {\n  return a + b; // sum\n}";
        const string b = "int add(int a, int b) { return a + b; }";

        Assert.Equal(CodeNormalizer.Hash(a), CodeNormalizer.Hash(b));
    }

    [Fact]
    public void DifferentCodeHashesDifferently() =>
        Assert.NotEqual(CodeNormalizer.Hash("return a + b"), CodeNormalizer.Hash("return a - b"));
}
