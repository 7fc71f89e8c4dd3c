namespace Pyctd.Domain.Filtering;

/// <summary>
/// A filter or ordering the user asked for that cannot be: an unknown field, a malformed value, a
/// contradiction. The message is one line that names the offending text; the CLI makes it a usage
/// error (exit 2), the server a -32602 fault.
/// </summary>
internal sealed class FilterException(string message) : Exception(message);
