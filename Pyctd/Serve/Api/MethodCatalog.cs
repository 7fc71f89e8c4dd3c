namespace Pyctd.Serve.Api;

/// <summary>The methods, their signatures and help, for system.listMethods/methodSignature/methodHelp.</summary>
internal static class MethodCatalog
{
    public sealed record Method(string Name, string[][] Signatures, string Help);

    public static readonly Method[] All =
    [
        new("login", [["string"], ["string", "string", "string"]],
            "login(user, password) -> session id. With --auth none any arguments are accepted. Sessions expire after the server's --session-timeout seconds without a call."),
        new("logout", [["boolean", "string"]], "logout(session) -> true. Ends the session."),
        new("view", [["struct", "string"], ["struct", "string", "struct"], ["struct", "string", "struct", "string"], ["struct", "string", "struct", "string", "string"], ["struct", "string", "struct", "string", "string", "int"], ["struct", "string", "struct", "string", "string", "int", "int"], ["struct", "string", "struct", "string", "string", "int", "int", "array"]],
            "view(session, filters, order_by, order_dir, start, length, fields) -> {total, start, length, snapshot (UTC), snapshot_epoch, connections}. filters: struct of field -> value (an array means any of); order_by: any scalar field (default id); order_dir: ASC or DESC; length 0 means all; fields: the field names each row carries (default all)."),
        new("group", [["array", "string"], ["array", "string", "struct"], ["array", "string", "struct", "string"], ["array", "string", "struct", "string", "string"], ["array", "string", "struct", "string", "string", "string"], ["array", "string", "struct", "string", "string", "string", "int"]],
            "group(session, filters, key, order_by, order_dir, length) -> [{key, connections, packets, bytes, orig_rate, repl_rate, rate}, ...]. The session's snapshot grouped by key (src, dst, sport, dport, proto, state, mark, zone or any field; addresses with /PREFIX: src/24, dst/64); filters as view(); order_by: connections, packets, bytes, orig_rate, repl_rate or rate (default connections); order_dir: ASC or DESC (default DESC); length 0 means all groups (at most 100000)."),
        new("kill", [["int", "string", "array"]], "kill(session, ids) -> number of connections removed. Unknown ids are skipped."),
        new("change", [["boolean", "string", "string", "int", "int"], ["boolean", "string", "string", "string", "int"]],
            "change(session, field, id, value) -> true. field is mark or timeout (which becomes fixed: traffic no longer refreshes it); value an unsigned 32-bit integer."),
        new("refresh", [["int", "string"]], "refresh(session) -> number of connections in the new snapshot."),
        new("set_autorefresh", [["boolean", "string", "int"], ["boolean", "string", "boolean"]],
            "set_autorefresh(session, seconds) -> true. seconds may be a boolean (true: the server's period, false: 0). 0 keeps the session's snapshot until refresh (stable paging); N lets each view use a snapshot at most N seconds old."),
        new("stats", [["struct", "string"]], "stats(session) -> {entries, max, accounting, timestamps, snapshot, snapshot_epoch, snapshot_age, sessions, read_only, version, and diagnostics: snapshot_bytes, allocated_bytes, snapshot_tables, dumps, collections, managed_heap_bytes, managed_committed_bytes}."),
        new("system.listMethods", [["array"]], "system.listMethods() -> the names of all methods."),
        new("system.methodHelp", [["string", "string"]], "system.methodHelp(name) -> what the method does."),
        new("system.methodSignature", [["array", "string"]], "system.methodSignature(name) -> its signatures, return type first."),
        new("system.multicall", [["array", "array"]],
            "system.multicall([{methodName, params}, ...]) -> one [result] or {faultCode, faultString} per call. No nesting; at most the server's cap of calls."),
    ];

    public static Method? Find(string name) => All.FirstOrDefault(method => method.Name == name);
}
