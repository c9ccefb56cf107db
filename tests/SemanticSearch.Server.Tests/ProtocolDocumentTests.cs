using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SemanticSearch.Server.Handlers;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests;

/// <summary>
/// ARCHITECTURE.md's protocol section stays in step with the code: it names exactly the methods the handler table
/// answers, and carries the hash of the contract fixture it was last checked against (rust-analyzer's rule for
/// its LSP extensions document).
/// </summary>
public sealed partial class ProtocolDocumentTests
{
    private static string Section
    {
        get
        {
            var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "ARCHITECTURE.md")).ReplaceLineEndings("\n");
            var start = text.IndexOf("### Language server protocol", StringComparison.Ordinal);
            var end = text.IndexOf("\n## ", start, StringComparison.Ordinal);
            return text[start..(end < 0 ? text.Length : end)];
        }
    }

    [Fact]
    public void The_protocol_section_names_exactly_the_methods_the_server_answers()
    {
        var documented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match row in IncomingRow().Matches(Section))
        {
            foreach (Match name in Backticked().Matches(row.Groups[1].Value))
            {
                documented.Add(name.Groups[1].Value);
            }
        }
        foreach (Match heading in CustomHeading().Matches(Section))
        {
            documented.Add(heading.Groups[1].Value);
        }
        documented.Remove("$/cancelRequest"); // StreamJsonRpc's own
        Assert.Equal(HandlerTable.HandlerTypes.Select(t => HandlerTable.MethodOf(t).Name).Order(StringComparer.Ordinal), documented);
    }

    [Fact]
    public void The_protocol_section_was_checked_against_the_current_contract()
    {
        var fixture = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "contract", "protocol.json")).ReplaceLineEndings("\n");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fixture)))[..16];
        var recorded = DocumentedHash().Match(Section);
        Assert.True(recorded.Success, "ARCHITECTURE.md's protocol section has no '<!-- protocol hash: … -->' line");
        Assert.True(recorded.Groups[1].Value == hash,
            $"The protocol contract changed (tests/fixtures/contract/protocol.json): bring ARCHITECTURE.md's protocol section in step, then set its hash to {hash}.");
    }

    /// <summary>A row of the messages table that comes from the client: its first column.</summary>
    [GeneratedRegex(@"^\| ([^|]+) \| → \|", RegexOptions.Multiline)]
    private static partial Regex IncomingRow();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"^\*\*`(semanticSearch/\w+)`\*\*", RegexOptions.Multiline)]
    private static partial Regex CustomHeading();

    [GeneratedRegex(@"<!-- protocol hash: ([0-9a-f]{16})")]
    private static partial Regex DocumentedHash();
}
