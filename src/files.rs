//! Files read from disk, in one place: rule-set files as a unit (the embedded default or a
//! directory), a rule set's test cases, and any text read with its size limit.
//!
//! The loader never touches the file system itself; it receives a [`RuleFiles`] from here.

use crate::source::SourceFile;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The files of one rule set: its `.toml` files (names relative to the rule-set root, `/`-separated)
/// and the seed documents its quotes are checked against.
#[derive(Debug, Clone)]
pub struct RuleFiles {
    /// Where the rule set came from: `embedded` or the directory given.
    pub origin: String,
    /// The directory on disk, when not embedded (rule tests read their inputs relative to it).
    pub dir: Option<PathBuf>,
    pub files: Vec<SourceFile>,
    pub seeds: Vec<SourceFile>,
    /// Profiles for `samstyr gen` (`generator/*.toml`): data about realistic documents, not rules.
    pub generator: Vec<SourceFile>,
}

/// Largest rule file (or seed, parameter file, generator profile, rule test case) read. The
/// largest file of the samstyring rule set is about 20 KB.
pub const MAX_RULE_FILE_BYTES: usize = 1024 * 1024;
/// Largest `.json` file (or stdin document) read: a document, or a rule test's input.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Largest seed document read (the five seeds of samstyring are 164 KB together).
pub const MAX_SEED_BYTES: usize = 10 * 1024 * 1024;
/// The file of a rule-set directory that holds the input format.
pub const INPUT_FILE: &str = "input.toml";
/// Most files read from one rule-set directory.
pub const MAX_RULE_FILES: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("cannot read rule directory `{path}`: {reason}")]
    Dir { path: String, reason: String },
    #[error("cannot read `{path}`: {reason}")]
    File { path: String, reason: String },
    #[error("`{path}` is larger than the limit of {max} bytes")]
    TooLarge { path: String, max: usize },
    #[error("`{path}` is not valid UTF-8 text")]
    NotUtf8 { path: String },
    #[error("rule directory `{path}` holds more than {max} files")]
    TooManyFiles { path: String, max: usize },
    #[error("rule directory `{path}` has no `{file}`")]
    MissingFile { path: String, file: &'static str },
}

impl crate::diag::Problem for FilesError {
    fn code(&self) -> &'static str {
        match self {
            FilesError::Dir { .. } => "rules::dir",
            FilesError::File { .. } => "rules::file",
            FilesError::TooLarge { .. } => "rules::too-large",
            FilesError::NotUtf8 { .. } => "rules::not-utf8",
            FilesError::TooManyFiles { .. } => "rules::too-many-files",
            FilesError::MissingFile { .. } => "rules::missing-file",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            FilesError::Dir { .. } | FilesError::File { .. } => {
                "check the path given to `--rules`; it must be a directory of `.toml` files".into()
            }
            FilesError::TooLarge { .. } => {
                "no rule file needs to be this large; split it, or check that the path is right"
                    .into()
            }
            FilesError::NotUtf8 { .. } => "save the file as UTF-8".into(),
            FilesError::TooManyFiles { .. } => {
                "point `--rules` at the rule set's own directory".into()
            }
            FilesError::MissingFile { file, .. } => format!(
                "a rule set's directory holds `{file}` (the input format) beside the rule files; point `--rules` at that directory"
            ),
        })
    }

    fn message_in(&self, lang: crate::text::Lang) -> Option<String> {
        use crate::text::Lang;
        if lang == Lang::En {
            return Some(self.to_string());
        }
        let t = |nb: String, nn: String| if lang == Lang::Nb { nb } else { nn };
        Some(match self {
            FilesError::Dir { path, reason } => t(
                format!("kan ikke lese regelmappen `{path}`: {reason}"),
                format!("kan ikkje lese regelmappa `{path}`: {reason}"),
            ),
            FilesError::File { path, reason } => t(
                format!("kan ikke lese `{path}`: {reason}"),
                format!("kan ikkje lese `{path}`: {reason}"),
            ),
            FilesError::TooLarge { path, max } => t(
                format!("`{path}` er større enn grensen på {max} byte"),
                format!("`{path}` er større enn grensa på {max} byte"),
            ),
            FilesError::NotUtf8 { path } => t(
                format!("`{path}` er ikke gyldig UTF-8-tekst"),
                format!("`{path}` er ikkje gyldig UTF-8-tekst"),
            ),
            FilesError::TooManyFiles { path, max } => t(
                format!("regelmappen `{path}` har mer enn {max} filer"),
                format!("regelmappa `{path}` har meir enn {max} filer"),
            ),
            FilesError::MissingFile { path, file } => t(
                format!("regelmappen `{path}` har ingen `{file}`"),
                format!("regelmappa `{path}` har inga `{file}`"),
            ),
        })
    }

    fn help_in(&self, lang: crate::text::Lang) -> Option<String> {
        use crate::text::pick;
        Some(match self {
            FilesError::Dir { .. } | FilesError::File { .. } => pick(
                lang,
                "sjekk stien som er gitt til `--rules`; den må være en mappe med `.toml`-filer",
                "sjekk stien som er gitt til `--rules`; han må vere ei mappe med `.toml`-filer",
                "check the path given to `--rules`; it must be a directory of `.toml` files",
            )
            .into(),
            FilesError::TooLarge { .. } => pick(
                lang,
                "ingen regelfil trenger å være så stor; del den opp, eller sjekk at stien er riktig",
                "inga regelfil treng å vere så stor; del henne opp, eller sjekk at stien er rett",
                "no rule file needs to be this large; split it, or check that the path is right",
            )
            .into(),
            FilesError::NotUtf8 { .. } => pick(
                lang,
                "lagre filen som UTF-8",
                "lagre fila som UTF-8",
                "save the file as UTF-8",
            )
            .into(),
            FilesError::TooManyFiles { .. } => pick(
                lang,
                "pek `--rules` på regelsettets egen mappe",
                "peik `--rules` på den eigne mappa til regelsettet",
                "point `--rules` at the rule set's own directory",
            )
            .into(),
            FilesError::MissingFile { file, .. } => match lang {
                crate::text::Lang::Nb => format!(
                    "mappen til et regelsett har `{file}` (inndataformatet) ved siden av regelfilene; pek `--rules` på den mappen"
                ),
                crate::text::Lang::Nn => format!(
                    "mappa til eit regelsett har `{file}` (inndataformatet) ved sida av regelfilene; peik `--rules` på den mappa"
                ),
                crate::text::Lang::En => self.help().unwrap_or_default(),
            },
        })
    }
}

impl RuleFiles {
    /// The rule set compiled into the binary (`rules/` and `seeds/` of the source tree).
    pub fn embedded() -> Self {
        let files = embedded::RULE_FILES
            .iter()
            .map(|(name, text)| SourceFile::new(format!("rules/{name}"), *text))
            .collect();
        let seeds = embedded::SEED_FILES
            .iter()
            .map(|(name, text)| SourceFile::new(*name, *text))
            .collect();
        let generator = embedded::GENERATOR_FILES
            .iter()
            .map(|(name, text)| SourceFile::new(format!("rules/generator/{name}"), *text))
            .collect();
        RuleFiles {
            origin: "embedded".into(),
            dir: None,
            files,
            seeds,
            generator,
        }
    }

    /// Every `.toml` file under `dir` except `tests/` and `generator/`, sorted by path. Seeds come from the
    /// directory `seeds/` inside `dir`, else `../seeds` beside it.
    pub fn from_dir(dir: &Path) -> Result<Self, FilesError> {
        let mut paths = walk(dir)?;
        paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        paths.sort();
        let mut files = Vec::new();
        let mut generator = Vec::new();
        for p in paths {
            let rel = p.strip_prefix(dir).unwrap_or(&p);
            if rel.starts_with("tests") {
                continue;
            }
            let is_generator = rel.starts_with("generator");
            let text = read_text(&p, MAX_RULE_FILE_BYTES)?;
            let file = SourceFile::new(p.to_string_lossy().replace('\\', "/"), text);
            if is_generator {
                generator.push(file);
            } else {
                files.push(file);
            }
        }
        let mut seeds = Vec::new();
        let seed_dir = [dir.join("seeds"), dir.join("../seeds")]
            .into_iter()
            .find(|d| d.is_dir());
        if let Some(sd) = seed_dir {
            let mut sp = walk(&sd)?;
            sp.retain(|p| p.extension().is_some_and(|e| e == "txt"));
            sp.sort();
            for p in sp {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                seeds.push(SourceFile::new(name, read_text(&p, MAX_SEED_BYTES)?));
            }
        }
        Ok(RuleFiles {
            origin: dir.to_string_lossy().into_owned(),
            dir: Some(dir.to_path_buf()),
            files,
            seeds,
            generator,
        })
    }

    /// `--rules DIR` when given, else the embedded set.
    pub fn load(dir: Option<&Path>) -> Result<Self, FilesError> {
        match dir {
            Some(d) => Self::from_dir(d),
            None => Ok(Self::embedded()),
        }
    }

    pub fn seed(&self, name: &str) -> Option<&SourceFile> {
        self.seeds.iter().find(|s| s.name() == name)
    }

    /// SHA-256 (hex) of the rule set's content: every rule file and seed, each by its name
    /// within the set and its text. Where the set lies does not change it: `--rules rules` in a
    /// checkout hashes as the embedded set does. Generator profiles are not rules and are left
    /// out.
    pub fn sha256(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        let rules = self.files.iter().map(|f| ("rule", f));
        for (kind, f) in rules.chain(self.seeds.iter().map(|f| ("seed", f))) {
            let name = f.name();
            let within = match &self.dir {
                Some(dir) => Path::new(name)
                    .strip_prefix(dir)
                    .ok()
                    .map(|p| p.to_string_lossy().replace('\\', "/")),
                None => name.strip_prefix("rules/").map(str::to_string),
            };
            let name = within.as_deref().unwrap_or(name);
            // Each part with its length first: no two different sets of files give the same
            // bytes to hash.
            for part in [kind, name, f.text()] {
                h.update((part.len() as u64).to_le_bytes());
                h.update(part.as_bytes());
            }
        }
        hex(&h.finalize())
    }
}

/// Bytes as lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    // A digit at a time, not `write!("{b:02x}")`: a batch report hashes every document's digest
    // in hex on its one folding thread, and the formatter cost 300 instructions a byte there.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        for d in [b >> 4, b & 0xf] {
            s.push(char::from(
                DIGITS.get(usize::from(d)).copied().unwrap_or(b'0'),
            ));
        }
    }
    s
}

/// The `*.toml` files directly in `dir` (not below it), sorted: a rule set's test cases.
pub fn toml_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_file() && p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Every file under `dir`, links followed (a link back up the tree is followed once, not
/// forever). Nothing is filtered out: a rule set is what its folder holds, hidden files too.
fn walk(dir: &Path) -> Result<Vec<PathBuf>, FilesError> {
    let refused = |reason: String| FilesError::Dir {
        path: dir.display().to_string(),
        reason,
    };
    std::fs::read_dir(dir).map_err(|e| refused(e.to_string()))?;
    let mut out = Vec::new();
    let entries = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .follow_links(true)
        .build();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if is_loop(&e) => continue,
            Err(e) => return Err(refused(e.to_string())),
        };
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            continue;
        }
        if out.len() >= MAX_RULE_FILES {
            return Err(FilesError::TooManyFiles {
                path: dir.display().to_string(),
                max: MAX_RULE_FILES,
            });
        }
        out.push(entry.into_path());
    }
    Ok(out)
}

/// Whether a walk's error is a link back up the tree, which the walk has already listed.
pub(crate) fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

/// The path a walk's error is about, where it names one.
pub(crate) fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// The reason [`open_regular`] gives for a path that is no regular file.
pub const NOT_REGULAR: &str = "not a regular file";

/// Opens a file to read, refusing what is not a regular file (error kind `InvalidInput`,
/// [`NOT_REGULAR`]): opening a FIFO blocks until someone writes to it, and a device such as
/// `/dev/zero` never ends. Every input, rule file, seed, parameter file and JSONL file is
/// opened here (standard input, `-`, is read as such).
pub fn open_regular(p: &Path) -> std::io::Result<std::fs::File> {
    let not_regular = || std::io::Error::new(std::io::ErrorKind::InvalidInput, NOT_REGULAR);
    // Asked before opening: the open itself is what blocks on a FIFO.
    if !std::fs::metadata(p)?.is_file() {
        return Err(not_regular());
    }
    let f = std::fs::File::open(p)?;
    // And of the file opened, in case the path was replaced in between.
    if !f.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(f)
}

/// The UTF-8 text of a regular file of at most `max` bytes, reading no more than that (a
/// file that grows).
pub fn read_text(p: &Path, max: usize) -> Result<String, FilesError> {
    use std::io::Read;
    let path = || p.display().to_string();
    let mut bytes = Vec::new();
    open_regular(p)
        .and_then(|f| f.take(max as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| FilesError::File {
            path: path(),
            reason: e.to_string(),
        })?;
    if bytes.len() > max {
        return Err(FilesError::TooLarge { path: path(), max });
    }
    String::from_utf8(bytes).map_err(|_| FilesError::NotUtf8 { path: path() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::hex(&all), expected);
        assert_eq!(super::hex(&[]), "");
    }
}
