using Pyctd.Interop;

namespace Pyctd.Serve.Auth;

/// <summary>
/// --auth pam[:SERVICE]: pam_authenticate and pam_acct_mgmt with /etc/pam.d/SERVICE. Each check
/// runs on a thread of its own, never one of Kestrel's: a module may wait seconds (pam_unix's
/// delay after a failure, a directory server) or hang. A check that takes longer than
/// <see cref="Timeout"/> is refused; its thread is left to finish, and counts against
/// <see cref="MaxInFlight"/> until it does, so hung modules cannot pile up threads.
/// </summary>
internal sealed class PamAuthenticator : IAuthenticator
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public const int MaxInFlight = 8;

    private readonly string _service;
    private int _inFlight;

    /// <summary>Loads libpam.so.0 now, so that a missing library stops serve at start-up with one line.</summary>
    public PamAuthenticator(string service)
    {
        PamLibrary.EnsureLoaded();
        _service = service;
    }

    public string Description => $"pam (service {_service}, /etc/pam.d/{_service})";

    public async Task<AuthOutcome> CheckAsync(string user, string password, string client)
    {
        if (password.Contains('\0', StringComparison.Ordinal))
        {
            return AuthOutcome.Refused("the password holds a NUL");
        }

        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            return AuthOutcome.Refused($"{MaxInFlight} PAM checks already under way");
        }

        var verdict = new TaskCompletionSource<PamVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                verdict.SetResult(PamTransaction.Check(_service, user, password, client));
            }
            catch (Exception error)
            {
                verdict.SetException(error);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        })
        {
            IsBackground = true,
            Name = "pyctd pam",
        };
        thread.Start();

        try
        {
            PamVerdict answer = await verdict.Task.WaitAsync(Timeout);
            return answer.Accepted ? AuthOutcome.ReadWrite : AuthOutcome.Refused($"pam: {answer.Message}");
        }
        catch (TimeoutException)
        {
            return AuthOutcome.Refused($"pam: no answer within {Timeout.TotalSeconds:0} s");
        }
    }
}
