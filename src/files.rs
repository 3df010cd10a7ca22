//! Rule-set files as a unit: the embedded default or a directory on disk.
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

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("cannot read rule directory `{path}`: {reason}")]
    Dir { path: String, reason: String },
    #[error("cannot read `{path}`: {reason}")]
    File { path: String, reason: String },
}

impl crate::diag::Problem for FilesError {
    fn code(&self) -> &'static str {
        match self {
            FilesError::Dir { .. } => "rules::dir",
            FilesError::File { .. } => "rules::file",
        }
    }

    fn help(&self) -> Option<String> {
        Some("check the path given to `--rules`; it must be a directory of `.toml` files".into())
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
        let mut paths = Vec::new();
        walk(dir, dir, &mut paths)?;
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
            let file = SourceFile::new(p.to_string_lossy().replace('\\', "/"), read(&p)?);
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
            let mut sp = Vec::new();
            walk(&sd, &sd, &mut sp)?;
            sp.retain(|p| p.extension().is_some_and(|e| e == "txt"));
            sp.sort();
            for p in sp {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                seeds.push(SourceFile::new(name, read(&p)?));
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
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), FilesError> {
    let entries = std::fs::read_dir(dir).map_err(|e| FilesError::Dir {
        path: root.display().to_string(),
        reason: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn read(p: &Path) -> Result<String, FilesError> {
    std::fs::read_to_string(p).map_err(|e| FilesError::File {
        path: p.display().to_string(),
        reason: e.to_string(),
    })
}
