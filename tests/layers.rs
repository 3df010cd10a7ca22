//! The modules of `src/` form layers: no top-level module depends on another that depends back on
//! it, directly or through others. Read from the source text (every `crate::` path outside
//! comments and test code), so a new import that closes a cycle fails here with the lines that
//! make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One use of another module: where it is written.
#[derive(Debug, Clone)]
struct Site {
    file: PathBuf,
    line: usize,
}

type Edges = BTreeMap<String, BTreeMap<String, Site>>;

/// The top-level module a file under `src/` belongs to, or `None` for the crate root.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    match name {
        "lib" | "main" => None,
        // `gen` is a reserved word in edition 2024: the folder is mounted as `generator`.
        "gen" => Some("generator".to_string()),
        _ => Some(name.to_string()),
    }
}

/// The names that follow `crate::` in `code`: `crate::a::b` gives `a`, `crate::{a, b::c}` gives
/// `a` and `b`.
fn targets(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        // `$crate::` in macros and a longer identifier ending in `crate` are not paths of ours.
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric()) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Only the group's top-level names: `{a::{x, y}, b}` gives `a` and `b`.
            let mut depth = 0usize;
            let mut start = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => name.push(c),
                    _ => {
                        if start && !name.is_empty() {
                            out.push(std::mem::take(&mut name));
                            start = false;
                        }
                    }
                }
            }
            if !name.is_empty() {
                out.push(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read `{}`", dir.display());
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every module-to-module use in `src/`, with the first place each is written. Test code is left
/// out: a unit test may reach across layers to build its inputs.
fn edges(src: &Path) -> Edges {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut edges = Edges::new();
    for file in files {
        let Ok(rel) = file.strip_prefix(src) else {
            continue;
        };
        let Some(from) = module_of(rel) else { continue };
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", file.display()));
        for (i, line) in text.lines().enumerate() {
            // Unit tests sit at the end of a file, after their `#[cfg(test)]`.
            if line.starts_with("#[cfg(test)]") {
                break;
            }
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for to in targets(code) {
                if to != from && to != "self" && to != "super" {
                    edges
                        .entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_insert(Site {
                            file: rel.to_path_buf(),
                            line: i + 1,
                        });
                }
            }
        }
    }
    edges
}

/// The strongly connected components with more than one module (the graph is a few dozen nodes,
/// so a reachability closure is plenty).
fn cycles(edges: &Edges) -> Vec<BTreeSet<String>> {
    let nodes: BTreeSet<String> = edges
        .iter()
        .flat_map(|(a, to)| std::iter::once(a.clone()).chain(to.keys().cloned()))
        .collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for m in edges.get(&n).into_iter().flat_map(|t| t.keys()) {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> = nodes.iter().map(|n| (n, reach(n))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for n in &nodes {
        let comp: BTreeSet<String> = nodes
            .iter()
            .filter(|m| *m == n || (reach[n].contains(*m) && reach[*m].contains(n)))
            .cloned()
            .collect();
        if comp.len() > 1 && !out.contains(&comp) {
            out.push(comp);
        }
    }
    out
}

#[test]
fn the_modules_of_src_have_no_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    let found = cycles(&edges);
    let mut msg = String::new();
    for comp in &found {
        msg.push_str(&format!(
            "cycle among {}:\n",
            comp.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
        for a in comp {
            for (b, site) in edges.get(a).into_iter().flatten() {
                if comp.contains(b) {
                    msg.push_str(&format!(
                        "  {a} -> {b} (src/{}:{})\n",
                        site.file.display(),
                        site.line
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "{msg}");
}

/// The path of uses by which `from` reaches `to` (`from`, …, `to`), if it does at all.
fn path_between(edges: &Edges, from: &str, to: &str) -> Option<Vec<String>> {
    let mut came: BTreeMap<String, String> = BTreeMap::new();
    let mut todo = vec![from.to_string()];
    while let Some(n) = todo.pop() {
        for m in edges.get(&n).into_iter().flat_map(|t| t.keys()) {
            if m != from && !came.contains_key(m) {
                came.insert(m.clone(), n.clone());
                todo.push(m.clone());
            }
        }
    }
    came.get(to)?;
    let mut path = vec![to.to_string()];
    while let Some(prev) = came.get(path.last()?) {
        path.push(prev.clone());
        if prev == from {
            break;
        }
    }
    path.reverse();
    Some(path)
}

/// The command line (`cli`) and the HTTP server (`server`) are two edges over the same library:
/// what both need sits below them (`service`), and neither uses the other, directly or through
/// a module between (only `app`, which dispatches the command line, sits above both).
#[test]
fn the_two_edges_do_not_use_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    let mut msg = String::new();
    for (a, b) in [("server", "cli"), ("cli", "server")] {
        if let Some(path) = path_between(&edges, a, b) {
            msg.push_str(&format!("{a} uses {b}:"));
            for w in path.windows(2) {
                if let [x, y] = w
                    && let Some(site) = edges.get(x).and_then(|t| t.get(y))
                {
                    msg.push_str(&format!(
                        " {x} -> {y} (src/{}:{})",
                        site.file.display(),
                        site.line
                    ));
                }
            }
            msg.push('\n');
        }
    }
    assert!(msg.is_empty(), "{msg}");
}

#[test]
fn a_use_through_a_module_between_is_found() {
    let site = || Site {
        file: PathBuf::from("x.rs"),
        line: 1,
    };
    let mut e = Edges::new();
    e.entry("server".into())
        .or_default()
        .insert("service".into(), site());
    e.entry("cli".into())
        .or_default()
        .insert("service".into(), site());
    assert_eq!(path_between(&e, "server", "cli"), None);
    e.entry("service".into())
        .or_default()
        .insert("cli".into(), site());
    assert_eq!(
        path_between(&e, "server", "cli"),
        Some(vec!["server".into(), "service".into(), "cli".into()])
    );
}

#[test]
fn the_reader_of_paths_finds_every_form() {
    assert_eq!(targets("use crate::diag::Diagnostic;"), ["diag"]);
    assert_eq!(
        targets("use crate::{json::{A, B}, value::Node};"),
        ["json", "value"]
    );
    assert_eq!(targets("let x = crate::text::Lang::Nb;"), ["text"]);
    assert!(targets("$crate::x::y").is_empty());
}

#[test]
fn a_cycle_is_found_and_a_chain_is_not() {
    let site = || Site {
        file: PathBuf::from("x.rs"),
        line: 1,
    };
    let mut chain = Edges::new();
    chain
        .entry("a".into())
        .or_default()
        .insert("b".into(), site());
    chain
        .entry("b".into())
        .or_default()
        .insert("c".into(), site());
    assert!(cycles(&chain).is_empty());
    chain
        .entry("c".into())
        .or_default()
        .insert("a".into(), site());
    assert_eq!(cycles(&chain).len(), 1);
}
