using System.CommandLine;
using System.Text;
using Pyctd.Serve.Auth;

namespace Pyctd.Cli;

/// <summary>`pyctd passwd add|del|list`: manage the users file that `serve --auth file` reads.</summary>
internal static class PasswdCommand
{
    private static readonly Argument<string> s_userName = new("USER") { Description = "User name: letters, digits, . _ - @" };

    private static readonly Option<bool> s_readOnly = new("--read-only") { Description = "The user may view but not kill or change" };

    public static Command Create()
    {
        var users = ServeCommand.Users;
        var command = new Command("passwd", """
            Manage the users of 'pyctd serve --auth file'.

            Passwords are stored as salted PBKDF2-SHA256 hashes; the file is replaced
            atomically and kept at mode 0600. The password is read from standard input
            when it is not a terminal (one line), and asked for twice otherwise.

            Examples:
              pyctd passwd add admin
              echo "$PASSWORD" | pyctd passwd add monitor --read-only
              pyctd passwd del monitor
            """);

        var add = new Command("add", "Add a user, or set a user's password (and --read-only)");
        add.Arguments.Add(s_userName);
        add.Options.Add(s_readOnly);
        add.Options.Add(users);
        add.SetAction(result => CommandRunner.Run(result, () => Add(result.GetValue(users)!, result.GetValue(s_userName)!, result.GetValue(s_readOnly))));

        var delete = new Command("del", "Remove a user");
        delete.Aliases.Add("delete");
        delete.Arguments.Add(s_userName);
        delete.Options.Add(users);
        delete.SetAction(result => CommandRunner.Run(result, () => Delete(result.GetValue(users)!, result.GetValue(s_userName)!)));

        var list = new Command("list", "List the users and whether they may only read");
        list.Options.Add(users);
        list.SetAction(result => CommandRunner.Run(result, () => List(result.GetValue(users)!)));

        command.Subcommands.Add(add);
        command.Subcommands.Add(delete);
        command.Subcommands.Add(list);
        return command;
    }

    private static ExitCode Add(string path, string name, bool readOnly)
    {
        if (!UsersFile.IsValidName(name))
        {
            throw new PyctdException(ExitCode.Usage, $"'{name}' is not a valid user name (letters, digits, . _ - @; at most 64)");
        }

        List<User> users = [.. UsersFile.LoadOrEmpty(path)];
        string password = ReadPassword();
        users.RemoveAll(u => u.Name == name);
        users.Add(new User(name, PasswordHash.Create(password), readOnly, LegacyHash: false));
        UsersFile.Save(path, users);
        Console.Error.WriteLine($"pyctd: {(readOnly ? "read-only " : string.Empty)}user '{name}' saved in {path}");
        return ExitCode.Success;
    }

    private static ExitCode Delete(string path, string name)
    {
        List<User> users = [.. UsersFile.Load(path)];
        if (users.RemoveAll(u => u.Name == name) == 0)
        {
            throw new PyctdException(ExitCode.Failure, $"no user '{name}' in {path}");
        }

        UsersFile.Save(path, users);
        Console.Error.WriteLine($"pyctd: user '{name}' removed from {path}");
        return ExitCode.Success;
    }

    private static ExitCode List(string path)
    {
        foreach (User user in UsersFile.Load(path))
        {
            Console.WriteLine($"{user.Name}\t{(user.ReadOnly ? "read-only" : "read-write")}{(user.LegacyHash ? "\tunsalted SHA hash: set a new password" : string.Empty)}");
        }

        return ExitCode.Success;
    }

    private static string ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            string password = Console.In.ReadLine() ?? string.Empty;
            return password.Length > 0 ? password : throw new PyctdException(ExitCode.Usage, "no password on standard input");
        }

        string first = Prompt("Password: ");
        if (first.Length == 0)
        {
            throw new PyctdException(ExitCode.Usage, "empty password");
        }

        return Prompt("Again: ") == first ? first : throw new PyctdException(ExitCode.Usage, "the passwords differ");
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        var text = new StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
