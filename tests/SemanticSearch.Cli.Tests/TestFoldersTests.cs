using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests;

/// <summary>The tests' cleanup (<see cref="TestFolders"/>) never replaces a test's own failure with its own.</summary>
public sealed class TestFoldersTests
{
    [Fact]
    public void Cleaning_up_a_folder_that_was_never_made_does_not_throw()
    {
        // What a finally block meets when the command under test failed before it made its folder (Directory.Delete
        // throws DirectoryNotFoundException there, and that is what the test would have reported).
        var never = Path.Combine(Path.GetTempPath(), $"semsearch-never-made-{Guid.NewGuid():N}");
        TestFolders.Delete(never);
        Assert.False(Directory.Exists(never));
    }
}
