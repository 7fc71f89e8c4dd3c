using System.Runtime.InteropServices;

namespace Pyctd.Interop;

internal static partial class Interop
{
    /// <summary>
    /// Linux-PAM's application API (security/pam_appl.h), names as in C. Bound through
    /// <see cref="PamLibrary"/>, which resolves them as a program linked with -lpam would.
    /// </summary>
    internal static unsafe partial class Pam
    {
        internal const int PAM_SUCCESS = 0;
        internal const int PAM_BUF_ERR = 5;
        internal const int PAM_CONV_ERR = 19;

        // Item types for pam_set_item.
        internal const int PAM_RHOST = 4;

        // Flags of pam_authenticate and pam_acct_mgmt.
        internal const int PAM_SILENT = 0x8000;
        internal const int PAM_DISALLOW_NULL_AUTHTOK = 0x1;

        // pam_message.msg_style.
        internal const int PAM_PROMPT_ECHO_OFF = 1;
        internal const int PAM_PROMPT_ECHO_ON = 2;
        internal const int PAM_BINARY_PROMPT = 7;

        /// <summary>struct pam_message: what a module asks or tells.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct PamMessage
        {
            public int MessageStyle;
            public byte* Message;
        }

        /// <summary>struct pam_response: an answer; PAM frees <see cref="Response"/> and the array with free(3).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct PamResponse
        {
            public byte* Response;
            public int ReturnCode;
        }

        /// <summary>struct pam_conv: the conversation callback and the pointer PAM hands back to it.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct PamConversation
        {
            public delegate* unmanaged<int, PamMessage**, PamResponse**, void*, int> Conversation;
            public void* ApplicationData;
        }

        [LibraryImport(Libraries.Pam, EntryPoint = "pam_start", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int pam_start(string serviceName, string user, PamConversation* conversation, out SafePamHandle handle);

        [LibraryImport(Libraries.Pam, EntryPoint = "pam_set_item")]
        internal static partial int pam_set_item(SafePamHandle handle, int itemType, byte* item);

        [LibraryImport(Libraries.Pam, EntryPoint = "pam_authenticate")]
        internal static partial int pam_authenticate(SafePamHandle handle, int flags);

        [LibraryImport(Libraries.Pam, EntryPoint = "pam_acct_mgmt")]
        internal static partial int pam_acct_mgmt(SafePamHandle handle, int flags);

        /// <summary>Takes the handle as IntPtr: <see cref="SafePamHandle"/> calls it from ReleaseHandle.</summary>
        [LibraryImport(Libraries.Pam, EntryPoint = "pam_end")]
        internal static partial int pam_end(nint handle, int lastStatus);

        /// <summary>A static string for the code; the handle may be null.</summary>
        [LibraryImport(Libraries.Pam, EntryPoint = "pam_strerror")]
        internal static partial byte* pam_strerror(SafePamHandle handle, int errorNumber);
    }
}
