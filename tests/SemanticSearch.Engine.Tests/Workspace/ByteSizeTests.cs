using System.Text.Json;
using SemanticSearch.Engine.Workspace;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Workspace;

/// <summary>
/// One reading of a size for the CLI, the server and the VS Code client: the contract fixture that the client's
/// unit tests read too (a "500k" was 500,000 bytes on the command line and 512,000 in the editor).
/// </summary>
public sealed class ByteSizeTests
{
    private static JsonElement Fixture()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "contract", "byte-sizes.json")));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Every_size_of_the_contract_fixture_reads_the_same_here()
    {
        var fixture = Fixture();
        foreach (var item in fixture.GetProperty("valid").EnumerateArray())
        {
            Assert.Equal(item.GetProperty("bytes").GetInt64(), ByteSize.TryParse(item.GetProperty("text").GetString()));
        }
        foreach (var text in fixture.GetProperty("invalid").EnumerateArray())
        {
            Assert.Null(ByteSize.TryParse(text.GetString()));
        }
        Assert.Null(ByteSize.TryParse(null));
        Assert.Null(ByteSize.TryParse("99999999999999999g")); // overflow is not a size
    }
}
