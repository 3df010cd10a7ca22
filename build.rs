//! Embeds `rules/` and `seeds/` into the binary so that the default rule set needs no files at run
//! time. Writes `$OUT_DIR/embedded.rs` with one `include_str!` per file, in a stable order.

use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn table(name: &str, root: &Path, keep: &dyn Fn(&Path) -> bool) -> String {
    let mut files = Vec::new();
    collect(root, &mut files);
    files.retain(|p| keep(p));
    files.sort();
    let mut s = format!("pub static {name}: &[(&str, &str)] = &[\n");
    for f in files {
        let rel = f
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let abs = f.canonicalize().unwrap_or(f.clone());
        s.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            abs.to_string_lossy()
        ));
    }
    s.push_str("];\n");
    s
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let rules = manifest.join("rules");
    let seeds = manifest.join("seeds");
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=seeds");
    // Rule tests and their inputs stay on disk: they are for `rules test`, not for checking.
    // The generator profile is embedded apart: it is not part of the rules.
    let code = table("RULE_FILES", &rules, &|p: &Path| {
        let rel = p.strip_prefix(&rules).unwrap_or(p);
        !rel.starts_with("tests")
            && !rel.starts_with("generator")
            && p.extension().is_some_and(|e| e == "toml")
    }) + &table("GENERATOR_FILES", &rules.join("generator"), &|p: &Path| {
        p.extension().is_some_and(|e| e == "toml")
    }) + &table("SEED_FILES", &seeds, &|p: &Path| {
        p.extension().is_some_and(|e| e == "txt")
    });
    if let Err(e) = fs::write(out.join("embedded.rs"), code) {
        panic!("cannot write embedded.rs: {e}");
    }
}
