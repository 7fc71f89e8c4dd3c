namespace Pyctd.Cli;

internal enum OutputFormat
{
    Table,
    Conntrack,
    Json,
    Jsonl,
}
