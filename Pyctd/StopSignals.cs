using System.Runtime.InteropServices;

namespace Pyctd;

/// <summary>
/// SIGINT and SIGTERM as a request to stop, for the commands that run until stopped (events, top,
/// serve): the default action, ending the process at once, is cancelled and <c>stop</c> runs
/// instead, so the command ends in order (output completed, terminal restored, requests finished).
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    /// <param name="stop">Runs on the signal's thread: it should only wake the command up.</param>
    public StopSignals(Action stop)
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop();
        }
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
