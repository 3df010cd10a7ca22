//! What can go wrong reading input before any JSON is parsed (`ReadProblem`), and the stamp
//! that tells a file changed between two reads of one run (`Stamp`, `Changed`).

use super::*;

/// What a file looked like when a run began reading it: its size and modification time. A
/// run that reads a file twice (`report`'s second pass) compares the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub(super) len: u64,
    pub(super) modified: Option<std::time::SystemTime>,
}

/// The stamp of a regular file (`None` for anything else).
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

/// A file that changed between two reads of one run.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "`{path}` changed while it was being read; this document was not judged again with what its links bring"
)]
pub struct Changed {
    pub path: String,
}

impl Problem for Changed {
    fn code(&self) -> &'static str {
        "input::changed"
    }

    fn help(&self) -> Option<String> {
        Some("run again once the file is no longer being written".into())
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        let path = &self.path;
        Some(match lang {
            Lang::Nb => format!(
                "`{path}` ble endret mens den ble lest; dokumentet ble ikke vurdert på nytt med det koblingene gir"
            ),
            Lang::Nn => format!(
                "`{path}` vart endra medan han vart lesen; dokumentet vart ikkje vurdert på nytt med det koplingane gir"
            ),
            Lang::En => self.to_string(),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(
            pick(
                lang,
                "kjør på nytt når filen ikke lenger skrives til",
                "køyr på nytt når fila ikkje lenger blir skriven til",
                "run again once the file is no longer being written",
            )
            .into(),
        )
    }
}

/// A problem reading input, before any JSON is parsed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadProblem {
    #[error("cannot read `{path}`: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("`{path}` is not valid UTF-8 text")]
    NotUtf8 { path: String },
    #[error("`{path}` is empty")]
    Empty { path: String },
    #[error("`{path}` is {size} bytes, more than the limit of {max} bytes")]
    TooLarge { path: String, size: u64, max: usize },
    /// Too large, found while reading (standard input, a file that grew): the size is not known.
    #[error("`{path}` is larger than the limit of {max} bytes")]
    TooLargeStream { path: String, max: usize },
    #[error("`{path}` holds more than {max} input files")]
    TooManyFiles { path: String, max: usize },
    #[error("line {line} of `{path}` is longer than the limit of {max} bytes")]
    LineTooLong {
        path: String,
        line: usize,
        max: usize,
    },
    #[error("`{path}` is not a regular file")]
    NotRegular { path: String },
    #[error("directory `{path}` holds no `.json` or `.jsonl` file")]
    EmptyDir { path: String },
    /// A stream of documents past its total limit: the lines before it were read.
    #[error("`{path}` is larger than the limit of {max} bytes for one input; the rest is not read")]
    StreamTooLarge { path: String, max: u64 },
}

impl Problem for ReadProblem {
    fn code(&self) -> &'static str {
        match self {
            ReadProblem::Unreadable { .. } => "input::unreadable",
            ReadProblem::NotUtf8 { .. } => "input::not-utf8",
            ReadProblem::Empty { .. } => "input::empty",
            ReadProblem::TooLarge { .. } | ReadProblem::TooLargeStream { .. } => "input::too-large",
            ReadProblem::TooManyFiles { .. } => "input::too-many-files",
            ReadProblem::LineTooLong { .. } => "input::line-too-long",
            ReadProblem::NotRegular { .. } => "input::not-a-file",
            ReadProblem::EmptyDir { .. } => "input::empty-dir",
            ReadProblem::StreamTooLarge { .. } => "input::stream-too-large",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            ReadProblem::Unreadable { .. } => "check the path and its permissions".into(),
            ReadProblem::NotUtf8 { .. } => "save the file as UTF-8".into(),
            ReadProblem::Empty { .. } => "a document is one JSON object: `{ … }`".into(),
            ReadProblem::TooLarge { .. } | ReadProblem::TooLargeStream { .. } => {
                "no single initiative is this large; split a batch into several files or use `.jsonl`"
                    .into()
            }
            ReadProblem::TooManyFiles { .. } => {
                "name its subdirectories one by one, or put the documents in `.jsonl` files".into()
            }
            ReadProblem::LineTooLong { .. } => {
                "each line of a `.jsonl` file holds one document".into()
            }
            ReadProblem::EmptyDir { .. } => {
                "a directory named on the command line must hold documents; check the path".into()
            }
            ReadProblem::NotRegular { .. } => {
                "a pipe or a device may never end; name a regular file, or pipe it in as `-`"
                    .into()
            }
            ReadProblem::StreamTooLarge { .. } => {
                "raise the limit with `--max-input-bytes`, or check that the file is the one meant"
                    .into()
            }
        })
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        if lang == Lang::En {
            return Some(self.to_string());
        }
        let nb = lang == Lang::Nb;
        let t = |b: String, n: String| if nb { b } else { n };
        Some(match self {
            ReadProblem::Unreadable { path, reason } => t(
                format!("kan ikke lese `{path}`: {reason}"),
                format!("kan ikkje lese `{path}`: {reason}"),
            ),
            ReadProblem::NotUtf8 { path } => t(
                format!("`{path}` er ikke gyldig UTF-8-tekst"),
                format!("`{path}` er ikkje gyldig UTF-8-tekst"),
            ),
            ReadProblem::Empty { path } => {
                t(format!("`{path}` er tom"), format!("`{path}` er tom"))
            }
            ReadProblem::TooLarge { path, size, max } => t(
                format!("`{path}` er {size} byte, mer enn grensen på {max} byte"),
                format!("`{path}` er {size} byte, meir enn grensa på {max} byte"),
            ),
            ReadProblem::TooLargeStream { path, max } => t(
                format!("`{path}` er større enn grensen på {max} byte"),
                format!("`{path}` er større enn grensa på {max} byte"),
            ),
            ReadProblem::TooManyFiles { path, max } => t(
                format!("`{path}` har mer enn {max} inndatafiler"),
                format!("`{path}` har meir enn {max} inndatafiler"),
            ),
            ReadProblem::LineTooLong { path, line, max } => t(
                format!("linje {line} i `{path}` er lengre enn grensen på {max} byte"),
                format!("linje {line} i `{path}` er lengre enn grensa på {max} byte"),
            ),
            ReadProblem::NotRegular { path } => t(
                format!("`{path}` er ikke en vanlig fil"),
                format!("`{path}` er ikkje ei vanleg fil"),
            ),
            ReadProblem::EmptyDir { path } => t(
                format!("mappen `{path}` har ingen `.json`- eller `.jsonl`-fil"),
                format!("mappa `{path}` har inga `.json`- eller `.jsonl`-fil"),
            ),
            ReadProblem::StreamTooLarge { path, max } => t(
                format!(
                    "`{path}` er større enn grensen på {max} byte for én inndatakilde; resten blir ikke lest"
                ),
                format!(
                    "`{path}` er større enn grensa på {max} byte for éi inndatakjelde; resten blir ikkje lesen"
                ),
            ),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        let w = |nb: &'static str, nn: &'static str, en: &'static str| pick(lang, nb, nn, en);
        Some(
            match self {
                ReadProblem::Unreadable { .. } => w(
                    "sjekk stien og tilgangene",
                    "sjekk stien og tilgangane",
                    "check the path and its permissions",
                ),
                ReadProblem::NotUtf8 { .. } => w(
                    "lagre filen som UTF-8",
                    "lagre fila som UTF-8",
                    "save the file as UTF-8",
                ),
                ReadProblem::Empty { .. } => w(
                    "et dokument er ett JSON-objekt: `{ … }`",
                    "eit dokument er eitt JSON-objekt: `{ … }`",
                    "a document is one JSON object: `{ … }`",
                ),
                ReadProblem::TooLarge { .. } | ReadProblem::TooLargeStream { .. } => w(
                    "ingen enkelt tiltak er så stort; del en samling i flere filer eller bruk `.jsonl`",
                    "ikkje noko einskilt tiltak er så stort; del ei samling i fleire filer eller bruk `.jsonl`",
                    "no single initiative is this large; split a batch into several files or use `.jsonl`",
                ),
                ReadProblem::TooManyFiles { .. } => w(
                    "nevn undermappene én for én, eller legg dokumentene i `.jsonl`-filer",
                    "nemn undermappene éi for éi, eller legg dokumenta i `.jsonl`-filer",
                    "name its subdirectories one by one, or put the documents in `.jsonl` files",
                ),
                ReadProblem::LineTooLong { .. } => w(
                    "hver linje i en `.jsonl`-fil har ett dokument",
                    "kvar linje i ei `.jsonl`-fil har eitt dokument",
                    "each line of a `.jsonl` file holds one document",
                ),
                ReadProblem::EmptyDir { .. } => w(
                    "en mappe som er nevnt på kommandolinjen, må ha dokumenter; sjekk stien",
                    "ei mappe som er nemnd på kommandolinja, må ha dokument; sjekk stien",
                    "a directory named on the command line must hold documents; check the path",
                ),
                ReadProblem::NotRegular { .. } => w(
                    "en rørledning eller en enhet tar kanskje aldri slutt; nevn en vanlig fil, eller send den inn som `-`",
                    "ei røyrleidning eller ei eining tek kanskje aldri slutt; nemn ei vanleg fil, eller send henne inn som `-`",
                    "a pipe or a device may never end; name a regular file, or pipe it in as `-`",
                ),
                ReadProblem::StreamTooLarge { .. } => w(
                    "hev grensen med `--max-input-bytes`, eller sjekk at filen er den du mente",
                    "hev grensa med `--max-input-bytes`, eller sjekk at fila er den du meinte",
                    "raise the limit with `--max-input-bytes`, or check that the file is the one meant",
                ),
            }
            .into(),
        )
    }
}
