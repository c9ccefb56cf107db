namespace SemanticSearch.TestSupport;

/// <summary>
/// Removing what a test made. Cleanup runs in <c>finally</c> blocks and <c>Dispose</c>, where an exception
/// replaces the test's own outcome: a failed assertion would be reported as "directory not found" or "directory
/// not empty" from the cleanup instead. So cleanup never throws; what it cannot delete stays in the temp folder
/// (the OS clears it) and is named on stderr.
/// </summary>
public static class TestFolders
{
    /// <summary>Deletes <paramref name="path"/> and everything under it, if it exists; retries a moment for files a process under test still holds.</summary>
    public static void Delete(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt == 3)
                {
                    Console.Error.WriteLine($"Test cleanup left {path}: {ex.Message}");
                    return;
                }
                // A child process that just exited: Windows holds its files a moment longer.
                Thread.Sleep(200 * attempt);
            }
        }
    }
}
