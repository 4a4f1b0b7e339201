//! A project rule: nothing in the repository names a registry host or a download address.
//! Packages come only through their clients (pip, cargo) as the machine configures them, so a
//! machine with another index, a mirror or a proxy works unchanged. Names of registries as
//! words ("PyPI", "crates.io") are fine; addresses are not.

use std::path::{Path, PathBuf};

/// Host names that must not appear even without a scheme. Spelled in pieces so that this file
/// does not name them itself (it is left out of the scan for its own examples of addresses).
fn forbidden_hosts() -> Vec<String> {
    [
        ["files.", "pythonhosted", ".org"],
        ["", "pypi", ".org"],
        ["pypi.", "python", ".org"],
        ["static.", "crates", ".io"],
        ["index.", "crates", ".io"],
        ["download.", "ros", ".org"],
        ["hugging", "face", ".co"],
        ["git", "hub", ".com"],
        ["raw.", "githubusercontent", ".com"],
    ]
    .iter()
    .map(|parts| parts.concat())
    .collect()
}

/// Files git would track here: everything below `root` but build output, VCS data and
/// virtual environments (folders starting with a dot, or marked as a cache).
fn files(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name != ".ci" {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if name == "target" || path.join("CACHEDIR.TAG").exists() {
                continue;
            }
            files(&path, out);
        } else if kind.is_file() {
            out.push(path);
        }
    }
}

/// XML namespace names that look like addresses but are identifiers no program fetches (the
/// SVG namespace, which every SVG file must declare), allowed only as a whole quoted value:
/// `"http://www.w3.org/2000/svg"`, never as part of a longer address.
const NAMESPACE_NAMES: &[&str] = &["http://www.w3.org/2000/svg"];

/// Whether `text[start..end]` is exactly one of [`NAMESPACE_NAMES`] between double quotes.
fn is_quoted_namespace(text: &str, start: usize, end: usize) -> bool {
    NAMESPACE_NAMES.iter().any(|ns| {
        text[start..].starts_with(ns)
            && text[..start].ends_with('"')
            && text[start + ns.len()..].starts_with('"')
            && start + ns.len() >= end
    })
}

/// The addresses a text names: every `scheme://host.name` except under the reserved domains
/// of RFC 2606 (`.invalid`, `.example`, `.test`), which name nothing, and the quoted XML
/// namespace names of [`NAMESPACE_NAMES`].
fn addresses(text: &str) -> Vec<String> {
    let mut offset = 0;
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let scheme_start = rest[..i]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |j| j + 1);
        let host_end = rest[i + 3..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .map_or(rest.len(), |j| i + 3 + j);
        let host = &rest[i + 3..host_end];
        let reserved = [".invalid", ".example", ".test"]
            .iter()
            .any(|tld| host.ends_with(tld));
        let namespace = is_quoted_namespace(text, offset + scheme_start, offset + host_end);
        if host.contains('.') && !reserved && !namespace {
            found.push(rest[scheme_start..host_end].to_owned());
        }
        let next = host_end.max(i + 3);
        offset += next;
        rest = &rest[next..];
    }
    found
}

#[test]
fn no_file_in_the_repository_names_a_host_or_download_address() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut all = Vec::new();
    files(&root, &mut all);
    assert!(
        all.len() > 50,
        "found only {} files under {root:?}",
        all.len()
    );
    let hosts = forbidden_hosts();
    let mut bad = Vec::new();
    for path in &all {
        // Cargo writes the registry's index address into the lock file itself; this file
        // holds examples.
        if path
            .file_name()
            .is_some_and(|n| n == "Cargo.lock" || n == "no_hosts.rs")
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // not text
        };
        for address in addresses(&text) {
            bad.push(format!("{}: {address}", path.display()));
        }
        for host in &hosts {
            if text.contains(host.as_str()) {
                bad.push(format!("{}: {host}", path.display()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "these files name hosts or addresses (fetch through pip or cargo instead):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_address_finder_sees_schemes_and_spares_reserved_names() {
    assert_eq!(
        addresses("see http://a.b/x and ftp://b-c.d, not https://x.invalid/y or http://a.example"),
        ["http://a.b", "ftp://b-c.d"]
    );
    assert!(addresses("a bare :// or scheme://host is no address").is_empty());
    assert!(addresses("no address here").is_empty());
}

#[test]
fn only_the_quoted_svg_namespace_is_spared() {
    let ns = NAMESPACE_NAMES[0];
    assert!(addresses(&format!(r#"<svg xmlns="{ns}">"#)).is_empty());
    assert!(addresses(&format!(r#"const NS: &str = "{ns}";"#)).is_empty());
    // Unquoted, extended or on another host, it is an address like any other.
    assert_eq!(addresses(&format!("see {ns} here")).len(), 1);
    assert_eq!(addresses(&format!(r#""{ns}/extra""#)).len(), 1);
    assert_eq!(addresses(r#""http://www.w3.org/1999/xhtml""#).len(), 1);
}
