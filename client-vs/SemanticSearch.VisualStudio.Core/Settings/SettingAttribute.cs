namespace SemanticSearch.VisualStudio.Core.Settings;

/// <summary>
/// Marks a <see cref="ClientSettings"/> property as a user setting: its name (the VS Code setting without the
/// <c>semanticSearch.</c> prefix), its bounds or choices. The property's initial value is its default, so the
/// defaults have one home; a test checks them against client-vscode/package.json.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SettingAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>Smallest accepted value of an integer setting (<see cref="int.MinValue"/>: none).</summary>
    public int Minimum { get; init; } = int.MinValue;

    /// <summary>Largest accepted value of an integer setting (<see cref="int.MaxValue"/>: none).</summary>
    public int Maximum { get; init; } = int.MaxValue;

    /// <summary>The values a string setting takes (null: any).</summary>
    public string[]? Choices { get; init; }
}
