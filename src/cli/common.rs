//! Flags shared by several subcommands, and small helpers for writing output.

use crate::diag::{Diagnostic, Diagnostics, render_in};
use crate::text::Lang;
use std::io::Write as _;
use std::path::PathBuf;

pub use crate::service::{RulesArgs, stderr_color, stdout_color};

/// `--as-of`: a date written `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse::<jiff::civil::Date>()
        .map_err(|e| format!("invalid date `{s}` ({e}); write it as `YYYY-MM-DD`"))
}

/// The rule files of `--rules DIR` (the embedded ones without it), or why they cannot be read.
pub fn rule_files(dir: Option<&std::path::Path>) -> Result<crate::files::RuleFiles, Diagnostics> {
    crate::files::RuleFiles::load(dir).map_err(|e| Diagnostic::new(&e, None, None).into())
}

/// Say every problem on standard error, in `lang`: what a command does when it cannot go on.
pub fn invalid(diags: &[Diagnostic], lang: Lang) -> super::Exit {
    eprint!("{}", render_in(diags, stderr_color(), lang));
    super::Exit::Invalid
}

/// The exit status of a command that either ran or stopped on problems ([`invalid`]).
pub fn exit_or_invalid(r: Result<super::Exit, Diagnostics>, lang: Lang) -> super::Exit {
    r.unwrap_or_else(|d| invalid(&d.0, lang))
}

/// Warn on standard error of waivers not needed and of expired ones, for a person watching a
/// run whose report is read by machines.
pub fn warn_of_waivers(waivers: &[crate::report::WaiverUse], lang: Lang) {
    for u in waivers {
        if let Some(r) = u.remark(lang) {
            let warning = crate::text::pick(lang, "advarsel", "åtvaring", "warning");
            eprintln!("{warning}: {r}");
        }
    }
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

/// Whether writing `output` would overwrite an input: it names the same file as one of `inputs`,
/// or the listing of one of them that is a directory (as `scan` lists it) would read it. A report
/// of ours from an earlier run into the checked folder is no input (`Scan::skip` leaves it out,
/// README "What a directory check reads"); any other file found there is, and writing over it
/// would lose it.
pub fn output_is_input(
    output: &std::path::Path,
    inputs: &[PathBuf],
    scan: &crate::input::Scan,
) -> bool {
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
        || (scan.finds(&out, inputs) && !written_by_us(&out))
}

/// Whether the file starts as a JSON report of ours does: the id of the report's or the
/// portfolio's schema, or SARIF's `$schema`, within its first bytes. Anything else found in a
/// checked folder is taken for the user's own file.
fn written_by_us(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(1024);
    let read = std::fs::File::open(path).and_then(|f| f.take(1024).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    [
        crate::report::json::REPORT_SCHEMA_ID,
        crate::portfolio::render::json::SCHEMA_ID,
        "sarif-2.1.0",
    ]
    .iter()
    .any(|id| head.contains(id))
}
