using System.Text.RegularExpressions;
using System.Xml.Linq;
using SemanticSearch.TestSupport;

namespace SemanticSearch.VisualStudio.Core.Tests;

/// <summary>
/// The .vsix project builds only where the VS SDK restores (-p:VisualStudioSdk=true, on Windows), so nothing
/// that must build here may depend on it: it is in no solution and referenced by no project.
/// </summary>
public sealed partial class VsixIsolationTests
{
    private static string VsixProject => Path.Combine(RepoPaths.Root, "client-vs", "SemanticSearch.VisualStudio", "SemanticSearch.VisualStudio.csproj");

    [Fact]
    public void No_project_of_the_solution_references_the_vsix_project_and_the_solution_does_not_list_it()
    {
        var solution = File.ReadAllText(Path.Combine(RepoPaths.Root, "SemanticSearch.sln"));
        var projects = SolutionProject().Matches(solution).Select(m => m.Groups[1].Value.Replace('\\', '/')).ToList();
        Assert.Contains("client-vs/SemanticSearch.VisualStudio.Core/SemanticSearch.VisualStudio.Core.csproj", projects);
        Assert.DoesNotContain("client-vs/SemanticSearch.VisualStudio/SemanticSearch.VisualStudio.csproj", projects);
        foreach (var project in projects)
        {
            var full = Path.GetFullPath(Path.Combine(RepoPaths.Root, project));
            var references = XDocument.Load(full).Descendants("ProjectReference").Select(r => (string)r.Attribute("Include")!)
                .Select(include => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, include.Replace('\\', '/'))));
            Assert.DoesNotContain(Path.GetFullPath(VsixProject), references);
        }
    }

    [Fact]
    public void The_vsix_project_restores_the_vs_sdk_only_when_asked()
    {
        var project = XDocument.Load(VsixProject);
        var sdkReferences = project.Descendants("PackageReference").Where(r => ((string)r.Attribute("Include")!).StartsWith("Microsoft.VS", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sdkReferences);
        Assert.All(sdkReferences, r => Assert.Equal("'$(VisualStudioSdk)' == 'true'", (string?)r.Parent!.Attribute("Condition")));
        var guard = project.Descendants("Target").Single(t => (string?)t.Attribute("Name") == "RequireVisualStudioSdk");
        Assert.Equal("'$(VisualStudioSdk)' != 'true'", (string?)guard.Attribute("Condition"));
        Assert.Single(guard.Elements("Error"));
    }

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\) = ""[^""]+"", ""([^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();
}
