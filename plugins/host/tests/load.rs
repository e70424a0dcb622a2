//! Loading real plugin libraries: what is accepted, what is refused and how it is reported.

#[path = "support/dylibs.rs"]
mod dylibs;

use std::collections::BTreeMap;

use upstage_plugin_host::{
    load_library, AllowEntry, AllowList, Catalog, EntryStatus, LoadError, PluginKind,
    PluginLibrary, ScanMode, SearchPath,
};

fn allow(names: &[&str]) -> AllowList {
    names
        .iter()
        .map(|n| ((*n).to_owned(), AllowEntry::enabled("null")))
        .collect::<BTreeMap<_, _>>()
}

#[test]
fn example_plugins_load_with_their_descriptors() {
    let cas = load_library(&dylibs::example("cas_store")).unwrap();
    assert_eq!(cas.info.name, "cas-store", "[lib] name, with dashes");
    assert_eq!(cas.info.kind, PluginKind::Storage);
    assert_eq!(cas.info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(cas.info.sdk_version, env!("CARGO_PKG_VERSION"));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    assert_eq!(cas.info.build_profile, profile);
    assert!(cas.info.description.contains("sha256"));
    let wm = load_library(&dylibs::example("watermark")).unwrap();
    assert_eq!(
        (wm.info.name.as_str(), wm.info.kind),
        ("watermark", PluginKind::Stage)
    );
    // Loading the same file twice is fine (libraries stay resident).
    assert!(load_library(&dylibs::example("watermark")).is_ok());
}

#[test]
fn a_wrong_abi_version_is_refused_with_both_versions() {
    let e = load_library(&dylibs::example("wrong_abi")).unwrap_err();
    assert!(
        matches!(
            e,
            LoadError::AbiMismatch {
                found: 2,
                expected: 1,
                ..
            }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("ABI version 2") && msg.contains("supports version 1"),
        "{msg}"
    );
    // The same descriptor linked statically is refused the same way.
    let e = PluginLibrary::from_static(wrong_abi::plugin_descriptor()).unwrap_err();
    assert_eq!(e.code(), "abi_mismatch");
}

#[test]
fn random_files_named_like_libraries_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join(dylibs::lib_file("notes"));
    std::fs::write(&text, "just some text, not ELF").unwrap();
    let e = load_library(&text).unwrap_err();
    assert_eq!(e.code(), "open_failed", "{e}");
    assert!(e.to_string().contains("cannot be loaded"), "{e}");

    // A real library under another plugin's name: it has no entry symbol for that name.
    let renamed = dir.path().join(dylibs::lib_file("other_store"));
    std::fs::copy(dylibs::example("cas_store"), &renamed).unwrap();
    let e = load_library(&renamed).unwrap_err();
    assert!(
        matches!(&e, LoadError::NotAPlugin { symbol, .. } if symbol == "upstage_plugin_other_store_entry_v1"),
        "{e:?}"
    );

    let system = dylibs::system_library().expect("a system shared library to test with");
    let copy = dir.path().join(dylibs::lib_file("m"));
    std::fs::copy(system, &copy).unwrap();
    let e = load_library(&copy).unwrap_err();
    assert_eq!(e.code(), "not_a_plugin", "{e}");
    assert!(e.to_string().contains("not an Upstage plugin"), "{e}");
}

#[test]
fn a_scan_reports_every_file_and_one_bad_file_stops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    dylibs::install(
        &plugins,
        &["cas_store", "watermark", "misbehave", "wrong_abi"],
    );
    std::fs::write(plugins.join(dylibs::lib_file("junk")), "junk").unwrap();
    let search = SearchPath::new(&[], None, dir.path());
    let allowed = allow(&["cas-store", "watermark", "wrong-abi", "junk", "absent"]);

    let all = Catalog::scan(&search, &allowed, ScanMode::All);
    assert_eq!(all.entries.len(), 5);
    let status = |stem: &str| {
        all.entries
            .iter()
            .find(|e| e.path.ends_with(dylibs::lib_file(stem)))
            .map(|e| (e.enabled, e.status.clone()))
            .unwrap()
    };
    assert!(matches!(
        status("cas_store"),
        (true, EntryStatus::Loaded(_))
    ));
    assert!(matches!(
        status("watermark"),
        (true, EntryStatus::Loaded(_))
    ));
    // Not allowed, but `All` still inspects it.
    assert!(matches!(
        status("misbehave"),
        (false, EntryStatus::Loaded(_))
    ));
    assert!(matches!(
        status("wrong_abi"),
        (true, EntryStatus::Failed(LoadError::AbiMismatch { .. }))
    ));
    assert!(matches!(
        status("junk"),
        (true, EntryStatus::Failed(LoadError::Open { .. }))
    ));
    assert_eq!(all.missing.len(), 1);
    assert!(all.missing[0].to_string().contains("'absent'"));

    // The runtime scan never opens what is not allowed, and only hands out what loaded.
    let run = Catalog::scan(&search, &allowed, ScanMode::Enabled);
    let misbehave = run
        .entries
        .iter()
        .find(|e| e.path.ends_with(dylibs::lib_file("misbehave")))
        .unwrap();
    assert!(matches!(misbehave.status, EntryStatus::Skipped));
    let names: Vec<&str> = run.loaded().map(|l| l.info.name.as_str()).collect();
    assert_eq!(names, ["cas-store", "watermark"]);
    assert_eq!(run.unavailable("misbehave").code(), "not_enabled");
    assert_eq!(run.unavailable("wrong-abi").code(), "abi_mismatch");
    assert!(
        run.storage("cas-store").is_err(),
        "null config is refused by cas-store"
    );
    let e = run.storage("watermark").err().unwrap();
    assert_eq!(e.code(), "wrong_kind");

    let mut registry = upstage_core::StageRegistry::new();
    run.register_stages(&mut registry).unwrap();
    let stages: Vec<&str> = registry.list().into_iter().map(|(n, _)| n).collect();
    assert_eq!(stages, ["watermark"]);
}

#[test]
fn the_first_library_on_the_search_path_wins() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    dylibs::install(&a, &["watermark"]);
    dylibs::install(&b, &["watermark"]);
    let search = SearchPath::new(
        std::slice::from_ref(&a),
        Some(b.clone().into_os_string()),
        dir.path(),
    );
    let c = Catalog::scan(&search, &allow(&["watermark"]), ScanMode::Enabled);
    assert_eq!(c.loaded().count(), 1);
    let dup = c.entries.iter().find(|e| e.path.starts_with(&b)).unwrap();
    assert!(matches!(
        &dup.status,
        EntryStatus::Failed(LoadError::Duplicate { .. })
    ));
}

/// Several plugins linked into one binary (this test executable links every example): the
/// per-plugin entry symbols do not clash, and the static descriptors pass the same checks.
#[test]
fn plugins_linked_statically_are_checked_like_loaded_ones() {
    let cas = PluginLibrary::from_static(cas_store::plugin_descriptor()).unwrap();
    assert_eq!(
        (cas.info.name.as_str(), cas.info.path.as_deref()),
        ("cas-store", None)
    );
    let wm = PluginLibrary::from_static(watermark::plugin_descriptor()).unwrap();
    let f = upstage_plugin_host::PluginStageFactory::new(wm, "null".into()).unwrap();
    assert!(f.instance("{\"scale\": 0}").is_err());
    assert!(f.instance("null").is_ok());
}

/// `bytes` with the same-length text `old` replaced by `new`: another build of a plugin.
fn rebuilt(bytes: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    assert_eq!(old.len(), new.len(), "a patch keeps the library's layout");
    let mut out = bytes.to_vec();
    let at = out
        .windows(old.len())
        .position(|w| w == old)
        .expect("the text to patch is in the library");
    out[at..at + old.len()].copy_from_slice(new);
    out
}

/// The file users install is never what a process maps: a private copy named by content is. So
/// overwriting the file in place (as `cp` does) leaves a loaded plugin working, and loading
/// the file again (a restart) picks up the new content.
#[test]
fn a_loaded_plugin_survives_its_file_being_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    let file = dylibs::install(&plugins, &["watermark"]).remove(0);
    // Content of its own: one content is opened once per process, so a library other tests here
    // opened first would be reused without a copy in this directory.
    let built = std::fs::read(&file).unwrap();
    let own = rebuilt(
        &built,
        b"Text watermark in a corner",
        b"Text watermark in a Corner",
    );
    std::fs::write(&file, own).unwrap();
    let search = SearchPath::new(&[], None, dir.path());
    let copies = search.copy_dir.clone().unwrap();
    assert_eq!(copies, plugins.join(".loaded"));
    let c = Catalog::scan(&search, &allow(&["watermark"]), ScanMode::Enabled);
    let lib = c.loaded().next().unwrap().clone();
    let sha = lib.info.sha256.clone().unwrap();
    let copy = copies.join(format!("{sha}{}", std::env::consts::DLL_SUFFIX));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&file).unwrap());
    let stage = upstage_plugin_host::PluginStageFactory::new(lib, "null".into())
        .unwrap()
        .instance("null")
        .unwrap();

    // Another build of the same plugin, written over the file in place.
    let installed = std::fs::read(&file).unwrap();
    let next = rebuilt(
        &installed,
        b"Text watermark in a Corner",
        b"Text watermark in a CORNER",
    );
    std::fs::write(&file, next).unwrap();

    use upstage_sdk::Stage;
    let mut ctx = upstage_sdk::ItemContext::new(
        "a.png".into(),
        upstage_sdk::Format::Png,
        Default::default(),
        vec![],
    );
    ctx.meta.stored_width = 300;
    ctx.meta.stored_height = 100;
    let black = vec![0; 300 * 100 * 3];
    ctx.pixels = upstage_sdk::Raster::new(300, 100, upstage_sdk::PixelLayout::Rgb8, black);
    stage.process(&mut ctx).unwrap();
    assert!(ctx.outputs.main.is_some(), "the loaded copy still runs");

    let again = Catalog::scan(&search, &allow(&["watermark"]), ScanMode::Enabled);
    let info = &again.loaded().next().unwrap().info;
    assert!(info.description.contains("CORNER"), "{info:?}");
    assert_ne!(info.sha256.as_deref(), Some(sha.as_str()));
    assert!(copy.is_file(), "the first copy is never rewritten");
}
