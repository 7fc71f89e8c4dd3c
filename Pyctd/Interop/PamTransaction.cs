using System.Runtime.InteropServices;
using System.Text;

namespace Pyctd.Interop;

/// <summary>What PAM said about one user and password: accepted, or why not, in PAM's words.</summary>
internal readonly record struct PamVerdict(bool Accepted, string Message);

/// <summary>
/// One PAM transaction: pam_start, pam_authenticate, pam_acct_mgmt (an expired or locked account
/// is refused too), pam_end. Blocking, and a module may take long or hang: callers run it on a
/// thread of their own. The conversation answers the first password prompt
/// (PAM_PROMPT_ECHO_OFF) and nothing else: any other prompt fails the conversation, messages
/// get an empty answer.
/// </summary>
internal static unsafe class PamTransaction
{
    /// <summary>Handed to the conversation through appdata_ptr: the password, and whether it was given.</summary>
    private struct ConversationState
    {
        public byte* Password;
        public int Answered;
    }

    public static PamVerdict Check(string service, string user, string password, string remoteHost)
    {
        // The password lives in native memory only as long as the transaction, and is wiped after.
        int length = Encoding.UTF8.GetByteCount(password);
        byte* secret = (byte*)NativeMemory.AllocZeroed((nuint)length + 1);
        try
        {
            Encoding.UTF8.GetBytes(password, new Span<byte>(secret, length));
            // Both live on this thread's stack for the whole transaction: it never returns early while PAM holds them.
            var state = new ConversationState { Password = secret };
            var conversation = new Interop.Pam.PamConversation { Conversation = &Converse, ApplicationData = &state };
            int status = Interop.Pam.pam_start(service, user, &conversation, out SafePamHandle handle);
            using (handle)
            {
                if (status != Interop.Pam.PAM_SUCCESS || handle.IsInvalid)
                {
                    return new PamVerdict(false, $"pam_start: {Describe(handle, status)}");
                }

                SetItem(handle, Interop.Pam.PAM_RHOST, remoteHost);
                const int Flags = Interop.Pam.PAM_SILENT | Interop.Pam.PAM_DISALLOW_NULL_AUTHTOK;
                status = Interop.Pam.pam_authenticate(handle, Flags);
                if (status == Interop.Pam.PAM_SUCCESS)
                {
                    status = Interop.Pam.pam_acct_mgmt(handle, Flags);
                }

                handle.LastStatus = status;
                return new PamVerdict(status == Interop.Pam.PAM_SUCCESS, Describe(handle, status));
            }
        }
        finally
        {
            NativeMemory.Clear(secret, (nuint)length);
            NativeMemory.Free(secret);
        }
    }

    private static void SetItem(SafePamHandle handle, int item, string value)
    {
        byte[] text = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* pointer = text)
        {
            Interop.Pam.pam_set_item(handle, item, pointer);
        }
    }

    private static string Describe(SafePamHandle handle, int status) =>
        Marshal.PtrToStringUTF8((nint)Interop.Pam.pam_strerror(handle, status)) ?? $"PAM error {status}";

    /// <summary>
    /// PAM's conversation callback. PAM frees the answers with free(3), so they come from
    /// malloc (NativeMemory). Never throws: an exception cannot cross the native frame.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int Converse(int count, Interop.Pam.PamMessage** messages, Interop.Pam.PamResponse** responses, void* applicationData)
    {
        if (count <= 0 || messages is null || responses is null || applicationData is null)
        {
            return Interop.Pam.PAM_CONV_ERR;
        }

        var state = (ConversationState*)applicationData;
        var answers = (Interop.Pam.PamResponse*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(Interop.Pam.PamResponse));
        if (answers is null)
        {
            return Interop.Pam.PAM_BUF_ERR;
        }

        for (int i = 0; i < count; i++)
        {
            // Linux-PAM passes an array of pointers (messages[i]), the convention every module follows.
            int style = messages[i]->MessageStyle;
            if (style == Interop.Pam.PAM_PROMPT_ECHO_OFF && state->Answered == 0)
            {
                nuint length = (nuint)MemoryMarshal.CreateReadOnlySpanFromNullTerminated(state->Password).Length;
                byte* copy = (byte*)NativeMemory.Alloc(length + 1);
                if (copy is null)
                {
                    Free(answers, count);
                    return Interop.Pam.PAM_BUF_ERR;
                }

                NativeMemory.Copy(state->Password, copy, length + 1);
                answers[i].Response = copy;
                state->Answered = 1;
            }
            else if (style is Interop.Pam.PAM_PROMPT_ECHO_OFF or Interop.Pam.PAM_PROMPT_ECHO_ON or Interop.Pam.PAM_BINARY_PROMPT)
            {
                // A second password, a user name, a one-time code: nothing we can answer.
                Free(answers, count);
                return Interop.Pam.PAM_CONV_ERR;
            }
        }

        *responses = answers;
        return Interop.Pam.PAM_SUCCESS;
    }

    private static void Free(Interop.Pam.PamResponse* answers, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (answers[i].Response is not null)
            {
                NativeMemory.Clear(answers[i].Response, (nuint)MemoryMarshal.CreateReadOnlySpanFromNullTerminated(answers[i].Response).Length);
                NativeMemory.Free(answers[i].Response);
            }
        }

        NativeMemory.Free(answers);
    }
}
