using System.CommandLine;
using System.Diagnostics;

namespace Pyctd.Cli;

/// <summary>
/// Runs a command's body and turns failures into the documented contract: expected ones print one
/// line ("pyctd: ...", control characters escaped) and their exit code; unexpected ones print one
/// line too, with the full exception only under --verbose or PYCTD_DEBUG=1.
/// </summary>
internal static class CommandRunner
{
    public static int Run(ParseResult result, Func<ExitCode> body)
    {
        bool verbose = GlobalOptions.IsVerbose(result);
        try
        {
            return (int)body();
        }
        catch (PyctdException error)
        {
            Console.Error.WriteLine($"pyctd: {MessageText.Escape(error.Message)}");
            if (verbose && error.InnerException is not null)
            {
                Console.Error.WriteLine(error.InnerException);
            }

            return (int)error.Code;
        }
        catch (IOException) when (StandardOutputClosed())
        {
            // `pyctd list | head`: the reader left; there is nobody to tell.
            return (int)ExitCode.Success;
        }
        catch (Exception error)
        {
            Console.Error.WriteLine($"pyctd: internal error: {MessageText.Escape(error.Message)}{(verbose ? string.Empty : " (run with --verbose for details)")}");
            if (verbose)
            {
                Console.Error.WriteLine(error);
            }

            return (int)ExitCode.Failure;
        }
    }

    /// <summary>True when stdout is a pipe whose reader has gone (EPIPE).</summary>
    private static bool StandardOutputClosed()
    {
        try
        {
            Console.Out.Flush();
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>A stopwatch that reports on stderr under --verbose.</summary>
    public static void Report(ParseResult result, Stopwatch watch, string what)
    {
        if (GlobalOptions.IsVerbose(result))
        {
            Console.Error.WriteLine($"pyctd: {what} in {watch.Elapsed.TotalMilliseconds:F1} ms");
        }
    }
}
