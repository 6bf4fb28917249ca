/**
 * The picocli command line: one small class per subcommand that parses options, calls one
 * library entry point and prints a human summary or {@code --json}. No analysis or I/O logic
 * lives here; the top of the dependency graph. Start with {@link imvec.cli.Main}.
 */
package imvec.cli;
