namespace Pyctd.Serve.WebConsole;

/// <summary>One file of the console as it is served: its bytes, the same gzip-compressed, and their ETag.</summary>
internal sealed record ConsoleAsset(string ContentType, byte[] Identity, byte[] Gzip, string ETag, bool Immutable);
