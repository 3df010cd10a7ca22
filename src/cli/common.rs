//! Flags shared by several subcommands, and small helpers for writing output.

use std::io::Write as _;
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

/// The first failed write to standard output of this run (other than a closed pipe), reported
/// once by [`finish`]: a report that could not be written must not pass a CI gate.
static WRITE_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Remember a failed write, unless it is a closed pipe (`samstyr … | head` is the reader's
/// choice, not an error).
fn note_write_error(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return;
    }
    if let Ok(mut w) = WRITE_ERROR.lock()
        && w.is_none()
    {
        *w = Some(e.to_string());
    }
}

/// Write to stdout and flush. A closed pipe ends the output quietly instead of panicking the way
/// `print!` does; any other failure is remembered and turns the run's exit status into 2 in
/// [`finish`].
pub fn out(text: &str) {
    if let Err(e) = try_out(text.as_bytes()) {
        note_write_error(&e);
    }
}

/// [`out`] followed by a line end.
pub fn outln(text: &str) {
    out(&format!("{text}\n"));
}

/// Write bytes to stdout and flush, with the error.
pub fn try_out(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    o.write_all(bytes).and_then(|()| o.flush())
}

/// The exit status of a finished command: `exit`, unless a write to stdout failed, which is said
/// on stderr and exits 2.
pub fn finish(exit: super::Exit) -> super::Exit {
    // What is still buffered goes now, so that its failure is seen too.
    if let Err(e) = std::io::Write::flush(&mut std::io::stdout()) {
        note_write_error(&e);
    }
    let failed = WRITE_ERROR.lock().ok().and_then(|mut w| w.take());
    match failed {
        Some(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "samstyr: cannot write to standard output: {e}\n  help: the report is incomplete; check the disk space and where standard output goes"
            );
            super::Exit::Invalid
        }
        None => exit,
    }
}

/// An output file written whole or not at all: the text goes to a temporary file beside it,
/// renamed over it once complete, so a failed or interrupted run never leaves half a report
/// where the last good one was. An existing path that is not a regular file (`/dev/null`, a
/// pipe) is written in place: renaming over it would replace the device.
pub struct OutputFile {
    path: PathBuf,
    /// The temporary file, when writing through one.
    temp: Option<PathBuf>,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl OutputFile {
    pub fn create(path: &std::path::Path) -> std::io::Result<OutputFile> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        if special {
            let f = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(OutputFile {
                path: path.to_path_buf(),
                temp: None,
                file: Some(std::io::BufWriter::with_capacity(1 << 16, f)),
            });
        }
        let name = path.file_name().map_or_else(
            || std::ffi::OsString::from("out"),
            std::ffi::OsStr::to_os_string,
        );
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| std::path::Path::new("."));
        let mut last = None;
        for attempt in 0..100u32 {
            let mut t = std::ffi::OsString::from(".");
            t.push(&name);
            t.push(format!(".{}-{attempt}.tmp", std::process::id()));
            let temp = dir.join(t);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
            {
                Ok(f) => {
                    return Ok(OutputFile {
                        path: path.to_path_buf(),
                        temp: Some(temp),
                        file: Some(std::io::BufWriter::with_capacity(1 << 16, f)),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no temporary file name free")))
    }

    /// Flush, sync and move the file into place.
    pub fn commit(mut self) -> std::io::Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let f = file.into_inner().map_err(|e| e.into_error())?;
        if let Some(temp) = &self.temp {
            f.sync_all()?;
            drop(f);
            std::fs::rename(temp, &self.path)?;
            self.temp = None;
        }
        Ok(())
    }
}

impl std::io::Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("output file already closed")),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(buf),
            None => Err(std::io::Error::other("output file already closed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        // Not committed: the temporary file goes, and the old output stays as it was.
        self.file = None;
        if let Some(t) = &self.temp {
            let _ = std::fs::remove_file(t);
        }
    }
}

/// Write a whole output file through an [`OutputFile`].
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = OutputFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}

/// Whether `output` names the same file as one of `inputs` (which `--output` would overwrite
/// before, or while, it is read).
pub fn output_is_input(output: &std::path::Path, inputs: &[PathBuf]) -> bool {
    let Ok(out) = std::fs::canonicalize(output) else {
        // An output that does not exist yet is no input.
        return false;
    };
    if !std::fs::metadata(&out).is_ok_and(|m| m.is_file()) {
        return false;
    }
    inputs
        .iter()
        .any(|i| std::fs::canonicalize(i).is_ok_and(|c| c == out))
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

/// The words of the problems `check` and `report` share, in bokmål and nynorsk (English is the
/// problem's `Display`): no inputs, an output that cannot be written, an output that is an input.
pub(crate) mod words {
    use crate::text::{Lang, pick};

    pub fn no_inputs(lang: Lang, paths: &str) -> String {
        match lang {
            Lang::Nb => format!("fant ingen dokumenter i {paths}"),
            Lang::Nn => format!("fann ingen dokument i {paths}"),
            Lang::En => format!("no documents found in {paths}"),
        }
    }

    pub fn no_inputs_help(lang: Lang) -> String {
        pick(
            lang,
            "nevn `.json`- eller `.jsonl`-filer, eller en mappe som har noen",
            "nemn `.json`- eller `.jsonl`-filer, eller ei mappe som har nokre",
            "name `.json` or `.jsonl` files, or a directory that holds some",
        )
        .into()
    }

    pub fn output(lang: Lang, path: &str, reason: &str) -> String {
        match lang {
            Lang::Nb => format!("kan ikke skrive `{path}`: {reason}"),
            Lang::Nn => format!("kan ikkje skrive `{path}`: {reason}"),
            Lang::En => format!("cannot write `{path}`: {reason}"),
        }
    }

    pub fn output_help(lang: Lang) -> String {
        pick(
            lang,
            "sjekk at mappen finnes og kan skrives til",
            "sjekk at mappa finst og kan skrivast til",
            "check that the directory exists and is writable",
        )
        .into()
    }

    pub fn output_is_input(lang: Lang, path: &str) -> String {
        match lang {
            Lang::Nb => format!("utdataene `{path}` er også inndata"),
            Lang::Nn => format!("utdataa `{path}` er òg inndata"),
            Lang::En => format!("the output `{path}` is also an input"),
        }
    }

    pub fn output_is_input_help(lang: Lang) -> String {
        pick(
            lang,
            "å skrive rapporten dit ville skrive over inndataene; velg en annen fil",
            "å skrive rapporten dit ville skrive over inndataa; vel ei anna fil",
            "writing the report there would overwrite the input; name another file",
        )
        .into()
    }
}
