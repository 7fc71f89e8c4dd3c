// The tests drive Linux netfilter, like the code they test.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
