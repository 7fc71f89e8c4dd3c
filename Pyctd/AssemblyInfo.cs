// pyctd drives Linux netfilter; nothing of it runs elsewhere.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
