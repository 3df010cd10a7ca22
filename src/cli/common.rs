//! Flags shared by several subcommands, and small helpers for writing output.

use std::path::PathBuf;

/// Which rule set to use and how to parameterise it.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArgs {
    /// Rule-set directory to use instead of the embedded rules
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Override a rule parameter, e.g. `--param lead_time_days=30` (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Read parameter overrides from a TOML file of `name = value` lines
    #[arg(long, value_name = "FILE")]
    pub param_file: Option<PathBuf>,
}

/// Whether to colour output written to stdout: only on a terminal, never with `NO_COLOR` or
/// `TERM=dumb`.
pub fn stdout_color() -> bool {
    use std::io::IsTerminal;
    color_wanted() && std::io::stdout().is_terminal()
}

/// Whether to colour output written to stderr.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    color_wanted() && std::io::stderr().is_terminal()
}

/// What the environment says: `NO_COLOR` (any non-empty value) and `TERM=dumb` turn colour off.
fn color_wanted() -> bool {
    color_allowed(std::env::var_os("NO_COLOR"), std::env::var_os("TERM"))
}

fn color_allowed(no_color: Option<std::ffi::OsString>, term: Option<std::ffi::OsString>) -> bool {
    no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// Write to stdout. A closed pipe (`samstyr … | head`) ends the output quietly instead of
/// panicking the way `print!` does; other write errors have nowhere better to be reported.
pub fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes()).and_then(|()| o.flush());
}

/// [`out`] followed by a line end.
pub fn outln(text: &str) {
    out(&format!("{text}\n"));
}

#[cfg(test)]
mod tests {
    use super::color_allowed;

    #[test]
    fn no_color_and_a_dumb_terminal_turn_colour_off() {
        let some = |s: &str| Some(std::ffi::OsString::from(s));
        assert!(color_allowed(None, None));
        assert!(color_allowed(some(""), some("xterm-256color")));
        assert!(!color_allowed(some("1"), some("xterm")));
        assert!(!color_allowed(None, some("dumb")));
    }
}
