//! oauthctl: parse the command line, run the command, print an error once, exit with its code.

fn main() -> std::process::ExitCode {
    oauthctl::main()
}
