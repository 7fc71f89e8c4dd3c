using Pyctd.Conntrack;
using Pyctd.Domain.Query;
using Pyctd.Serve.Auth;
using Pyctd.Serve.Snapshots;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>
/// The XML-RPC methods of the original pyctd (login, view, kill, change, refresh,
/// set_autorefresh), with their names and parameter order, and the extensions. Faults:
/// 1 authentication, 2 session, 3 read-only, 4 no such connection, 5 kernel refused, -326xx protocol.
/// A method that waits (a password check, a dump of the table, a turn at a large selection) waits
/// asynchronously, so the threads go on serving other requests meanwhile; the rest complete at once.
/// </summary>
internal sealed class ConntrackService(
    ServeSettings settings,
    LiveSettings live,
    LoginService logins,
    SnapshotStore snapshots,
    SessionStore sessions,
    Action<string> audit)
{
    private static readonly SemaphoreSlim s_selecting = new(Environment.ProcessorCount);

    /// <param name="aborted">The client has gone: a selection in progress stops, a wait ends.</param>
    public ValueTask<MethodResult> InvokeAsync(XmlRpcCall call, string client, CancellationToken aborted, bool insideMulticall = false)
    {
        IReadOnlyList<XmlRpcValue> p = call.Parameters;
        return call.MethodName switch
        {
            "login" => LoginAsync(p, client),
            "logout" => Ready(Logout(p)),
            "view" => ViewAsync(p, aborted),
            "group" => GroupAsync(p, aborted),
            "kill" => KillAsync(p, client),
            "change" => ChangeAsync(p, client),
            "refresh" => RefreshAsync(p, aborted),
            "set_autorefresh" => SetAutoRefreshAsync(p, aborted),
            "stats" => StatsAsync(p, aborted),
            "system.listMethods" => Ready(MethodResult.Of(XmlRpcValue.Array(MethodCatalog.All.Select(static m => XmlRpcValue.From(m.Name)).ToArray()))),
            "system.methodHelp" => Ready(MethodResult.Of(XmlRpcValue.From(Describe(p).Help))),
            "system.methodSignature" => Ready(MethodResult.Of(XmlRpcValue.Array(Describe(p).Signatures
                .Select(static s => XmlRpcValue.Array(s.Select(static t => XmlRpcValue.From(t)).ToArray())).ToArray()))),
            "system.multicall" when !insideMulticall => Ready(Multicall(p, client, aborted)),
            "system.multicall" => throw Arguments.Bad("system.multicall cannot be nested"),
            _ => throw new XmlRpcFault(XmlRpcFault.UnknownMethod, $"unknown method '{call.MethodName}' (see system.listMethods)"),
        };
    }

    private static ValueTask<MethodResult> Ready(MethodResult result) => new(result);

    private async ValueTask<MethodResult> LoginAsync(IReadOnlyList<XmlRpcValue> p, string client) =>
        MethodResult.Of(XmlRpcValue.From(await logins.LoginAsync(p, client)));

    private MethodResult Logout(IReadOnlyList<XmlRpcValue> p)
    {
        Session session = SessionOf(p, 1);
        sessions.Remove(session.Id);
        return MethodResult.True;
    }

    private async ValueTask<MethodResult> ViewAsync(IReadOnlyList<XmlRpcValue> p, CancellationToken aborted)
    {
        Session session = SessionOf(p, 7);
        var query = ViewQuery.Parse(p);
        session.MarkViewed();
        Snapshot snapshot = await AcquireForAsync(session, aborted);
        try
        {
            // The page keeps the lease until it has been written.
            return new MethodResult.ViewPage(snapshot, await SelectAsync(snapshot, query, aborted), query.Fields);
        }
        catch
        {
            snapshot.Release();
            throw;
        }
    }

    /// <summary>
    /// A page near the top (the usual "top 50 by rate") is a bounded heap's work, and its ordered
    /// prefix is kept on the snapshot for the next client asking the same. Anything larger holds a
    /// key per match (megabytes on a large table): no more of those at once than cores, since more
    /// would only add memory, not speed.
    /// </summary>
    private static async ValueTask<QueryPage> SelectAsync(Snapshot snapshot, ViewQuery query, CancellationToken aborted)
    {
        if (QueryEngine.KeepsFewKeys(query.Start, query.Length))
        {
            return TopPage(snapshot, query, aborted);
        }

        await s_selecting.WaitAsync(aborted);
        try
        {
            return QueryEngine.Select(snapshot, query.Filter, query.Order, query.Start, query.Length, aborted);
        }
        finally
        {
            s_selecting.Release();
        }
    }

    /// <summary>The first rows of an order, kept on the snapshot for the next client who asks the same.</summary>
    private static QueryPage TopPage(Snapshot snapshot, ViewQuery query, CancellationToken aborted)
    {
        int wanted = query.Start + query.Length;
        if (!snapshot.Selections.TryGet(query.SelectionKey, wanted, out int[] ordered, out int total))
        {
            using QueryPage top = QueryEngine.Select(snapshot, query.Filter, query.Order, 0, wanted, aborted);
            (ordered, total) = (top.Rows.ToArray(), top.Total);
            snapshot.Selections.Add(query.SelectionKey, ordered, total);
        }

        return QueryPage.Of(ordered, query.Start, query.Length, total);
    }

    /// <summary>
    /// group(session, filters, key, order_by, order_dir, length): the session's snapshot added up by
    /// key, in memory bounded by the number of groups (at most <see cref="GroupQuery.MaxGroups"/>,
    /// about 10 MB), and built by no more calls at once than cores, as large views are.
    /// </summary>
    private async ValueTask<MethodResult> GroupAsync(IReadOnlyList<XmlRpcValue> p, CancellationToken aborted)
    {
        Session session = SessionOf(p, 6);
        var query = GroupQuery.Parse(p);
        session.MarkViewed();
        Snapshot snapshot = await AcquireForAsync(session, aborted);
        try
        {
            await s_selecting.WaitAsync(aborted);
            try
            {
                var groups = new GroupAccumulator(query.Key, GroupQuery.MaxGroups);
                if (!groups.AddRows(snapshot, query.Filter, aborted))
                {
                    throw Arguments.Bad($"key: more than {GroupQuery.MaxGroups} groups by '{MessageText.Escape(query.Key.Text)}'; group by a prefix (src/24) or filter");
                }

                return new MethodResult.GroupList(groups, query.Order.Rank(groups, query.Length));
            }
            finally
            {
                s_selecting.Release();
            }
        }
        finally
        {
            snapshot.Release();
        }
    }

    /// <summary>
    /// kill(session, ids). Like change(), it is carried out once asked, even if the client leaves
    /// while it waits for a dump: whether the table changes depends on the request, not on how
    /// long its sender stayed to read the answer.
    /// </summary>
    private async ValueTask<MethodResult> KillAsync(IReadOnlyList<XmlRpcValue> p, string client)
    {
        Session session = SessionOf(p, 2);
        RequireWritable(session);
        if (p.Count != 2)
        {
            throw Arguments.Bad("kill takes (session, ids)");
        }

        IReadOnlyList<XmlRpcValue> given = p[1].Kind == XmlRpcKind.Array ? p[1].Items : [p[1]];
        uint[] ids = given.Select(static (v, i) => Arguments.UInt32(v, $"ids[{i}]")).Distinct().ToArray();
        ConntrackRecord[] targets = await FindAsync(session, ids);
        int killed = targets.Length == 0 ? 0 : Apply(targets, ConnectionChange.Delete).Count(static o => o == ChangeOutcome.Changed);
        audit($"kill user={Quote(session.User)} from={client} asked={ids.Length} found={targets.Length} killed={killed}");
        return MethodResult.Of(XmlRpcValue.From(killed));
    }

    private async ValueTask<MethodResult> ChangeAsync(IReadOnlyList<XmlRpcValue> p, string client)
    {
        Session session = SessionOf(p, 4);
        RequireWritable(session);
        if (p.Count != 4)
        {
            throw Arguments.Bad("change takes (session, field_name, connection_id, field_value)");
        }

        string field = Arguments.String(p[1], "field_name");
        uint id = Arguments.UInt32(p[2], "connection_id");
        uint value = Arguments.UInt32(p[3], "field_value");
        ConnectionChange change = field switch
        {
            "mark" => ConnectionChange.SetMark(value, uint.MaxValue),
            // The original's README: "timeout becomes fixed for this connection".
            "timeout" => ConnectionChange.SetTimeout(value, fixedTimeout: true),
            _ => throw Arguments.Bad($"field_name: '{field}' cannot be changed (mark or timeout)"),
        };

        ConntrackRecord[] target = await FindAsync(session, [id]);
        ChangeResult result = target.Length == 0 ? ChangeResult.Gone : ApplyEach(target, change)[0];
        audit($"change user={Quote(session.User)} from={client} id={id} {field}={value} result={result.Outcome.ToString().ToLowerInvariant()}");
        return result.Outcome switch
        {
            ChangeOutcome.Changed => MethodResult.True,
            ChangeOutcome.Gone => throw new XmlRpcFault(XmlRpcFault.NoSuchConnection, $"no such connection: {id}"),
            _ => throw new XmlRpcFault(XmlRpcFault.KernelRefused, $"the kernel refused: {result.Message}"),
        };
    }

    private async ValueTask<MethodResult> RefreshAsync(IReadOnlyList<XmlRpcValue> p, CancellationToken aborted)
    {
        Session session = SessionOf(p, 1);
        Snapshot snapshot = await AcquireFreshAsync(aborted);
        int count = snapshot.LiveCount;
        if (session.AutoRefresh == 0)
        {
            session.Pin(snapshot);
        }
        else
        {
            snapshot.Release();
        }

        return MethodResult.Of(XmlRpcValue.From(count));
    }

    private async ValueTask<MethodResult> SetAutoRefreshAsync(IReadOnlyList<XmlRpcValue> p, CancellationToken aborted)
    {
        Session session = SessionOf(p, 2);
        if (p.Count != 2)
        {
            throw Arguments.Bad("set_autorefresh takes (session, seconds or boolean)");
        }

        // A boolean (natural for "enable or disable"): true is the server's period (at least 1 s), false is 0.
        int seconds = p[1].Kind == XmlRpcKind.Boolean
            ? (p[1].Boolean ? Math.Max(1, live.Current.AutoRefreshSeconds) : 0)
            : Arguments.NonNegativeInt(p[1], "refresh");
        session.AutoRefresh = seconds;
        session.Pin(seconds == 0 ? await snapshots.AcquireLatestAsync(aborted) : null);
        return MethodResult.True;
    }

    private async ValueTask<MethodResult> StatsAsync(IReadOnlyList<XmlRpcValue> p, CancellationToken aborted)
    {
        Session session = SessionOf(p, 1);
        Snapshot snapshot = await AcquireForAsync(session, aborted);
        try
        {
            GCMemoryInfo heap = GC.GetGCMemoryInfo();
            long[] kernel = KernelSettings.ReadIntegers(settings.Netns, "nf_conntrack_max", KernelSettings.Accounting, KernelSettings.Timestamps);
            return MethodResult.Of(XmlRpcValue.Struct(
                ("entries", XmlRpcValue.From(snapshot.LiveCount)),
                ("max", XmlRpcValue.From(kernel[0])),
                ("accounting", XmlRpcValue.From(kernel[1] == 1)),
                ("timestamps", XmlRpcValue.From(kernel[2] == 1)),
                ("snapshot", XmlRpcValue.From(snapshot.TakenAt)),
                ("snapshot_epoch", XmlRpcValue.From(ViewPageWriter.EpochSeconds(snapshot.TakenAt))),
                ("snapshot_age", XmlRpcValue.From(Math.Round(snapshot.AgeSeconds, 3))),
                ("sessions", XmlRpcValue.From(sessions.Count)),
                ("read_only", XmlRpcValue.From(session.ReadOnly)),
                ("snapshot_bytes", XmlRpcValue.From(snapshot.Bytes)),
                // Managed bytes allocated since start, all threads: what benchmarks divide by rows to get garbage per row.
                ("allocated_bytes", XmlRpcValue.From(GC.GetTotalAllocatedBytes(precise: false))),
                ("snapshot_tables", XmlRpcValue.From(SnapshotTable.Alive)),
                ("dumps", XmlRpcValue.From(snapshots.Dumps)),
                ("collections", XmlRpcValue.From(GC.CollectionCount(0))),
                ("managed_heap_bytes", XmlRpcValue.From(heap.HeapSizeBytes)),
                ("managed_committed_bytes", XmlRpcValue.From(heap.TotalCommittedBytes)),
                ("version", XmlRpcValue.From(ProductVersion.Text))));
        }
        finally
        {
            snapshot.Release();
        }
    }

    /// <summary>
    /// Checks the list, then hands the entries back to be run one at a time while the answer is
    /// written (each result streamed, each failure a {faultCode, faultString} entry), so twenty
    /// views in one request cost one view's memory, not twenty.
    /// </summary>
    private MethodResult.Multicall Multicall(IReadOnlyList<XmlRpcValue> p, string client, CancellationToken aborted)
    {
        if (p.Count != 1 || p[0].Kind != XmlRpcKind.Array)
        {
            throw Arguments.Bad("system.multicall takes one array of {methodName, params} structs");
        }

        if (p[0].Items.Count > settings.MaxMulticallCalls)
        {
            throw Arguments.Bad($"system.multicall: {p[0].Items.Count} calls, at most {settings.MaxMulticallCalls} per request");
        }

        return new MethodResult.Multicall(p[0].Items, entry =>
        {
            XmlRpcCall call = entry.Kind == XmlRpcKind.Struct && entry.Member("methodName") is { Kind: XmlRpcKind.String } name
                ? new XmlRpcCall(name.String, entry.Member("params") is { Kind: XmlRpcKind.Array } parameters ? parameters.Items : [])
                : throw Arguments.Bad("each system.multicall entry is a struct with methodName and params");
            return InvokeAsync(call, client, aborted, insideMulticall: true);
        });
    }

    private static MethodCatalog.Method Describe(IReadOnlyList<XmlRpcValue> p)
    {
        string name = p.Count == 1 ? Arguments.String(p[0], "method_name") : throw Arguments.Bad("takes one method name");
        return MethodCatalog.Find(name) ?? throw new XmlRpcFault(XmlRpcFault.UnknownMethod, $"unknown method '{name}'");
    }

    /// <summary>The session named by the first parameter; also checks the call has at most <paramref name="maxParameters"/>.</summary>
    private Session SessionOf(IReadOnlyList<XmlRpcValue> p, int maxParameters)
    {
        if (p.Count == 0)
        {
            throw Arguments.Bad("the first parameter is the session id from login");
        }

        if (p.Count > maxParameters)
        {
            throw Arguments.Bad($"at most {maxParameters} parameters, got {p.Count}");
        }

        return sessions.Get(Arguments.String(p[0], "session"));
    }

    /// <summary>A leased snapshot for the session: its pinned one, or one as fresh as its autorefresh asks.</summary>
    private ValueTask<Snapshot> AcquireForAsync(Session session, CancellationToken aborted)
    {
        if (session.AutoRefresh > 0)
        {
            return snapshots.AcquireAsync(session.AutoRefresh, aborted);
        }

        if (session.Pinned is Snapshot pinned && pinned.TryAcquire())
        {
            return new(pinned);
        }

        return PinLatestAsync(session, aborted);
    }

    private async ValueTask<Snapshot> PinLatestAsync(Session session, CancellationToken aborted)
    {
        Snapshot current = await snapshots.AcquireLatestAsync(aborted);
        current.TryAcquire(); // one lease for the session's pin, one for this call
        session.Pin(current);
        return current;
    }

    /// <summary>
    /// A snapshot whose dump began after this call, leased; within one request (a system.multicall)
    /// only the first call dumps, later ones get the current snapshot (see <see cref="RequestScope"/>).
    /// </summary>
    private ValueTask<Snapshot> AcquireFreshAsync(CancellationToken aborted) => RequestScope.Current?.SpendRefresh() == false
        ? snapshots.AcquireLatestAsync(aborted)
        : snapshots.AcquireRefreshedAsync(aborted);

    /// <summary>The entries with these ids, from the snapshot the session sees or, for ids it lacks, a fresh one.</summary>
    private async ValueTask<ConntrackRecord[]> FindAsync(Session session, uint[] ids)
    {
        var found = new List<ConntrackRecord>();
        var missing = new List<uint>();
        Snapshot snapshot = await AcquireForAsync(session, CancellationToken.None);
        try
        {
            Collect(snapshot, ids, found, missing);
        }
        finally
        {
            snapshot.Release();
        }

        if (missing.Count > 0)
        {
            Snapshot fresh = await AcquireFreshAsync(CancellationToken.None);
            try
            {
                Collect(fresh, [.. missing], found, null);
            }
            finally
            {
                fresh.Release();
            }
        }

        return [.. found];
    }

    private static void Collect(Snapshot snapshot, IEnumerable<uint> ids, List<ConntrackRecord> found, List<uint>? missing)
    {
        foreach (uint id in ids)
        {
            int index = snapshot.IndexOf(id);
            if (index >= 0 && snapshot.TryRead(index, out ConntrackRecord record, out _))
            {
                found.Add(record);
            }
            else
            {
                missing?.Add(id);
            }
        }
    }

    private ChangeOutcome[] Apply(ConntrackRecord[] records, in ConnectionChange change) =>
        Array.ConvertAll(ApplyEach(records, change), static result => result.Outcome);

    private ChangeResult[] ApplyEach(ConntrackRecord[] records, in ConnectionChange change)
    {
        var results = new ChangeResult[records.Length];
        using (var changer = new ConntrackChanger(settings.Netns))
        {
            changer.Apply(records, change, results);
        }

        // Every session's next view shows what the kernel now has: changed entries updated, vanished ones hidden.
        snapshots.Apply(records.Where((_, i) => results[i].Outcome == ChangeOutcome.Changed).ToArray(), change);
        snapshots.Apply(records.Where((_, i) => results[i].Outcome == ChangeOutcome.Gone).ToArray(), ConnectionChange.Delete);
        return results;
    }

    /// <summary>The session's own right, and read-only as the settings now say (a reload may have set it).</summary>
    private void RequireWritable(Session session)
    {
        if (session.ReadOnly || live.Current.ReadOnly)
        {
            throw new XmlRpcFault(XmlRpcFault.PermissionDenied, "permission denied: this session is read-only");
        }
    }

    private static string Quote(string text) => AuditText.Quote(text);
}
