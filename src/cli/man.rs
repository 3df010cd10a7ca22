//! `samstyr man`: the manual page (roff), generated from the clap definition: the main page with
//! every subcommand and its flags, so that `samstyr man > samstyr.1` is the page a package ships.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_: &Args, cmd: clap::Command) -> Exit {
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    if man.render(&mut out).is_err() {
        return Exit::Invalid;
    }
    // One section per subcommand, as `git help` pages list theirs.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        out.extend_from_slice(
            format!(
                ".SH \"SAMSTYR {}\"\n{}\n",
                sub.get_name().to_uppercase(),
                roff_text(&about)
            )
            .as_bytes(),
        );
        let page = clap_mangen::Man::new(sub.clone());
        if sub.get_arguments().next().is_some() && page.render_options_section(&mut out).is_err() {
            return Exit::Invalid;
        }
    }
    super::common::out(&String::from_utf8_lossy(&out));
    Exit::Ok
}

/// Text safe as a roff line: a leading `.` or `'` would start a request.
fn roff_text(s: &str) -> String {
    let s = s.replace('\\', "\\e");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}
