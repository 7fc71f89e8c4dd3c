namespace Pyctd.Tests.Docs;

/// <summary>README.md as the docs tests read it.</summary>
internal static class Readme
{
    /// <summary>The line that marks the block of one-liners the tests run; it stays invisible on GitHub.</summary>
    public const string RunnableMarker = "<!-- runnable: README test -->";

    public static string Path { get; } = System.IO.Path.Combine(Support.Repository.Root, "README.md");

    public static string[] Lines { get; } = File.ReadAllLines(Path);

    /// <summary>
    /// The commands of the fenced block right after <see cref="RunnableMarker"/>, comments and
    /// blank lines left out. Fails when the marker or its block is missing or appears twice.
    /// </summary>
    public static string[] RunnableOneLiners()
    {
        int[] markers = Enumerable.Range(0, Lines.Length).Where(static i => Lines[i].Trim() == RunnableMarker).ToArray();
        if (markers.Length != 1)
        {
            throw new InvalidOperationException($"README.md must hold the line '{RunnableMarker}' once, before its runnable one-liners; it holds it {markers.Length} times");
        }

        int fence = markers[0] + 1;
        if (fence >= Lines.Length || Lines[fence].Trim() != "```sh")
        {
            throw new InvalidOperationException($"README.md: the line after '{RunnableMarker}' must open a ```sh block");
        }

        return Lines.Skip(fence + 1)
            .TakeWhile(static line => !line.StartsWith("```", StringComparison.Ordinal))
            .Select(static line => line.Trim())
            .Where(static line => line.Length > 0 && !line.StartsWith('#'))
            .ToArray();
    }
}
