using SemanticSearch.Engine.Chunking;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Transport;

namespace SemanticSearch.Server.Tests;

/// <summary>Conversions where an off-by-one would put every highlight in the wrong place.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public void Engine_ranges_become_zero_based_lsp_ranges_with_exclusive_ends()
    {
        // Engine: line 13 col 5 to line 27 col 42 (end column exclusive, 1-based) = LSP (12,4)-(26,41).
        var range = LspPaths.ToLspRange(new SourceRange(13, 5, 27, 42));
        Assert.Equal(new LspRange(new Position(12, 4), new Position(26, 41)), range);
        // A matched token at line 3, column 1, five characters long.
        Assert.Equal(new LspRange(new Position(2, 0), new Position(2, 5)), LspPaths.ToLspRange(3, 1, 5));
    }

    [Fact]
    public void File_uris_round_trip_and_folder_containment_respects_separators()
    {
        var path = Path.Combine(Path.GetTempPath(), "a b", "c#.cs");
        Assert.Equal(Path.GetFullPath(path), LspPaths.ToLocalPath(LspPaths.ToUri(path)));
        var root = Path.Combine(Path.GetTempPath(), "proj");
        Assert.True(LspPaths.IsUnder(Path.Combine(root, "src", "a.cs"), root));
        Assert.False(LspPaths.IsUnder(root + "-other" + Path.DirectorySeparatorChar + "a.cs", root));
    }

    [Theory]
    [InlineData("Content-Length: 42", 42)]
    [InlineData("content-length:7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8", 7)]
    [InlineData("junk before the header Content-Length: 12", 12)]
    [InlineData("Content-Length: twelve", null)]
    [InlineData("Content-Type: x", null)]
    public void Content_length_is_read_leniently(string header, int? expected) =>
        Assert.Equal(expected, FramedInput.ContentLength(header));

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}", true)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}", true)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", true)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}", false)]
    [InlineData("{\"id\":1,\"method\":\"x\"}", false)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":5}", false)]
    [InlineData("[]", false)]
    [InlineData("{", false)]
    public void Only_json_rpc_2_objects_pass_the_frame_guard(string body, bool valid) =>
        Assert.Equal(valid, FramedInput.Validate(System.Text.Encoding.UTF8.GetBytes(body)) is null);
}
