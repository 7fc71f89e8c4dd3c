return Pyctd.Cli.PyctdCli.Run(args);
