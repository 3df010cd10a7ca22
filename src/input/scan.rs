//! How a directory named on the command line is listed (`Scan`, over the `ignore` crate): as git
//! sees it, with `--exclude` globs and the run's own output left out.

use super::*;
use crate::files::{error_path, is_loop};

/// How a directory named on the command line is searched (README, "What a directory check reads"): `.gitignore` files (and
/// `.ignore`, and the repository's `.git/info/exclude`) are honoured whether or not the directory
/// is in a git repository, hidden files and directories (`.git`, `.vscode`) are skipped, and so are
/// paths matching an `--exclude` glob and the files in `skip` (the run's own `--output`). Files and
/// JSONL files named directly are always read.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Globs in `.gitignore` syntax, matched against paths relative to the directory searched.
    pub exclude: Vec<String>,
    /// Files never read as input.
    pub skip: Vec<PathBuf>,
}

/// A problem with a scan's settings.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid `--exclude` glob `{glob}`: {reason}")]
pub struct ExcludeProblem {
    pub glob: String,
    pub reason: String,
}

impl Problem for ExcludeProblem {
    fn code(&self) -> &'static str {
        "input::exclude"
    }

    fn help(&self) -> Option<String> {
        Some("globs use `.gitignore` syntax, e.g. `--exclude 'drafts/**'`".into())
    }

    fn message_in(&self, lang: Lang) -> Option<String> {
        let (glob, reason) = (&self.glob, &self.reason);
        Some(match lang {
            Lang::Nb => format!("ugyldig `--exclude`-mønster `{glob}`: {reason}"),
            Lang::Nn => format!("ugyldig `--exclude`-mønster `{glob}`: {reason}"),
            Lang::En => self.to_string(),
        })
    }

    fn help_in(&self, lang: Lang) -> Option<String> {
        Some(
            pick(
                lang,
                "mønstrene bruker `.gitignore`-syntaks, f.eks. `--exclude 'drafts/**'`",
                "mønstera brukar `.gitignore`-syntaks, t.d. `--exclude 'drafts/**'`",
                "globs use `.gitignore` syntax, e.g. `--exclude 'drafts/**'`",
            )
            .into(),
        )
    }
}

impl Scan {
    /// Every `--exclude` glob that does not parse.
    pub fn check(&self) -> Result<(), ExcludeProblem> {
        let mut b = ignore::overrides::OverrideBuilder::new(".");
        for g in &self.exclude {
            b.add(&format!("!{g}")).map_err(|e| ExcludeProblem {
                glob: g.clone(),
                reason: io_reason(&io::Error::other(e.to_string())),
            })?;
        }
        Ok(())
    }

    /// Whether listing one of the directories among `paths` would read the existing `file` as an
    /// input, leaving `skip` aside: the question to ask before writing an output there.
    pub fn finds(&self, file: &Path, paths: &[PathBuf]) -> bool {
        let Ok(real) = std::fs::canonicalize(file) else {
            return false;
        };
        let all = Scan {
            exclude: self.exclude.clone(),
            skip: Vec::new(),
        };
        paths.iter().any(|p| {
            std::fs::canonicalize(p).is_ok_and(|dir| dir.is_dir() && real.starts_with(&dir))
                && all.walk(p).is_ok_and(|found| {
                    found.iter().any(|(f, err)| {
                        err.is_none() && std::fs::canonicalize(f).is_ok_and(|c| c == real)
                    })
                })
        })
    }

    /// The `.json` and `.jsonl` files under `dir`, and the entries that could not be read (each
    /// an error unit, so one unreadable folder does not hide the rest of the batch). Fails only
    /// when `dir` itself cannot be listed.
    pub(super) fn walk(&self, dir: &Path) -> io::Result<Vec<(PathBuf, Option<io::Error>)>> {
        std::fs::read_dir(dir)?;
        let mut overrides = ignore::overrides::OverrideBuilder::new(dir);
        for g in &self.exclude {
            // Checked before the run (`Scan::check`); a glob that still fails excludes nothing.
            let _ = overrides.add(&format!("!{g}"));
        }
        let overrides = overrides
            .build()
            .unwrap_or_else(|_| ignore::overrides::Override::empty());
        let skip: Vec<PathBuf> = self
            .skip
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        let walk = ignore::WalkBuilder::new(dir)
            .hidden(true)
            .parents(true)
            .ignore(true)
            .git_ignore(true)
            .git_exclude(true)
            // The CI machine's own global ignore file must not change what a run reads.
            .git_global(false)
            .require_git(false)
            .follow_links(true)
            .overrides(overrides)
            .build();
        let mut found = Vec::new();
        for entry in walk {
            // Past the limit the whole directory is refused; stop listing.
            if found.len() > MAX_DIR_FILES {
                break;
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // A link back up the tree was already walked: followed once, not forever.
                    if is_loop(&e) {
                        continue;
                    }
                    let path = error_path(&e).unwrap_or_else(|| dir.to_path_buf());
                    let err = e
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("cannot be listed"));
                    found.push((path, Some(err)));
                    continue;
                }
            };
            let path = entry.path();
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                continue;
            }
            if !path
                .extension()
                .is_some_and(|e| e == "json" || e == "jsonl")
            {
                continue;
            }
            if !skip.is_empty()
                && std::fs::canonicalize(path).is_ok_and(|real| skip.contains(&real))
            {
                continue;
            }
            found.push((path.to_path_buf(), None));
        }
        Ok(found)
    }
}
