use std::path::PathBuf;

use super::*;
use crate::i18n::Lang;
use crate::state::ItemState;
use upstage_client::{Event, Links, UploadError};

fn state() -> State {
    State::new(Lang::En, "t".into(), 10_000_000, 4)
}

fn added(s: &mut State, id: usize, size: u64, refused: Option<UploadError>) {
    update(
        s,
        Action::Engine(Event::Added {
            id,
            path: PathBuf::from(format!("/p/{id}.jpg")),
            size,
            refused,
        }),
    );
}

fn links() -> Links {
    Links {
        name: "x".into(),
        direct: "http://h/x.jpg".into(),
        ..Links::default()
    }
}

#[test]
fn engine_events_drive_items_and_overall_progress() {
    let mut s = state();
    added(&mut s, 0, 100, None);
    added(&mut s, 1, 300, None);
    added(
        &mut s,
        2,
        999,
        Some(UploadError::rejected("too_large", "big")),
    );
    assert_eq!(s.total_bytes(), 400, "refused files do not count");
    update(&mut s, Action::Engine(Event::Started { id: 1, attempt: 1 }));
    update(
        &mut s,
        Action::Engine(Event::Progress {
            id: 1,
            sent: 100,
            total: 300,
            bytes_per_sec: 50.0,
        }),
    );
    assert_eq!(s.percent(), 25);
    // The speed is the window's, not the body's claim: 100 bytes in (at least) a second.
    assert!(s.speed() <= 100.0, "{}", s.speed());
    assert_eq!(s.counts(), (0, 1, 2), "refused counts as failed");
    update(
        &mut s,
        Action::Engine(Event::Progress {
            id: 1,
            sent: 300,
            total: 300,
            bytes_per_sec: 50.0,
        }),
    );
    assert!(
        s.items[1].processing_now(),
        "every byte sent, no answer yet"
    );
    update(
        &mut s,
        Action::Engine(Event::Done {
            id: 0,
            links: links(),
            processing: std::time::Duration::from_millis(1500),
        }),
    );
    assert_eq!(s.counts(), (1, 1, 1));
    assert_eq!(s.percent(), 100);
    assert_eq!(s.uploaded().len(), 1);
    assert_eq!(s.errors().len(), 1);
    let e = UploadError::server(400, 100, "Invalid API v1 key.");
    update(&mut s, Action::Engine(Event::Failed { id: 1, error: e }));
    assert_eq!(s.percent(), 100);
    assert_eq!(s.errors().len(), 2);
    update(&mut s, Action::Engine(Event::Idle));
    assert!(s.idle);
    assert_eq!(s.screen, Screen::Done, "the done screen opens at the end");
}

#[test]
fn start_validates_then_sends_the_options_once() {
    let mut s = state();
    s.options.width = "0".into();
    assert!(update(&mut s, Action::Start).is_empty());
    assert_eq!(s.screen, Screen::Options);
    assert!(s.flash.is_some());
    // An expiration the API would read as 5 minutes never starts the batch.
    s.options.width = String::new();
    s.lang = Lang::Da;
    s.options.expiration = "tomorrow".into();
    assert!(update(&mut s, Action::Start).is_empty());
    assert!(
        s.flash.as_deref().is_some_and(|f| f.starts_with("Udløb")),
        "{:?}",
        s.flash
    );
    s.options.expiration = "1d".into();
    s.options.width = "800".into();
    let fx = update(&mut s, Action::Start);
    assert_eq!(fx, vec![Effect::Engine(Command::Start(s.options.clone()))]);
    assert!(s.started);
    assert!(update(&mut s, Action::Start).is_empty());
}

#[test]
fn options_form_edits_fields() {
    let mut s = state();
    update(&mut s, Action::Show(Screen::Options));
    for c in "Trip".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Backspace);
    assert_eq!(s.options.album, "Tri");
    for _ in 0..3 {
        update(&mut s, Action::Down);
    }
    update(&mut s, Action::Toggle);
    assert!(s.options.nsfw);
    update(&mut s, Action::Down);
    update(&mut s, Action::Down);
    for c in "8a0".chars() {
        update(&mut s, Action::Input(c));
    }
    assert_eq!(s.options.width, "80", "width takes digits only");
    update(&mut s, Action::Down);
    assert_eq!(s.field, 5, "the cursor stops at the last field");
    s.albums = vec![("A".into(), "id1".into()), ("B".into(), "id2".into())];
    s.field = 0;
    update(&mut s, Action::Right);
    assert_eq!(s.options.album, "A");
    update(&mut s, Action::Right);
    assert_eq!(s.options.album, "B");
    update(&mut s, Action::Enter);
    assert_eq!(s.screen, Screen::Queue);
}

#[test]
fn queue_keys_become_engine_commands() {
    let mut s = state();
    added(&mut s, 0, 10, None);
    added(&mut s, 1, 10, None);
    update(&mut s, Action::Down);
    assert_eq!(
        update(&mut s, Action::Cancel),
        vec![Effect::Engine(Command::Cancel(1))]
    );
    assert_eq!(
        update(&mut s, Action::TogglePause),
        vec![Effect::Engine(Command::Pause)]
    );
    update(&mut s, Action::Engine(Event::Paused(true)));
    assert_eq!(
        update(&mut s, Action::TogglePause),
        vec![Effect::Engine(Command::Resume)]
    );
    assert_eq!(
        update(&mut s, Action::MoreWorkers),
        vec![Effect::Engine(Command::SetWorkers(5))]
    );
    // A burst typed faster than the engine answers: every press counts.
    let fx: Vec<Effect> = (0..3)
        .flat_map(|_| update(&mut s, Action::FewerWorkers))
        .collect();
    assert_eq!(
        fx,
        [4, 3, 2].map(|n| Effect::Engine(Command::SetWorkers(n)))
    );
    s.workers = 1;
    assert_eq!(
        update(&mut s, Action::FewerWorkers),
        vec![Effect::Engine(Command::SetWorkers(1))]
    );
    assert_eq!(
        update(&mut s, Action::RetryAll),
        vec![Effect::Engine(Command::RetryAll)]
    );
}

#[test]
fn retry_in_the_error_report_targets_the_failed_file() {
    let mut s = state();
    added(&mut s, 0, 10, None);
    added(&mut s, 1, 10, None);
    update(
        &mut s,
        Action::Engine(Event::Failed {
            id: 1,
            error: UploadError::network("reset"),
        }),
    );
    update(&mut s, Action::Show(Screen::Errors));
    assert_eq!(
        update(&mut s, Action::Retry),
        vec![Effect::Engine(Command::Retry(1))]
    );
    update(&mut s, Action::Engine(Event::Requeued { id: 1 }));
    assert_eq!(s.items[1].state, ItemState::Queued);
}

#[test]
fn done_screen_copies_and_saves_in_the_chosen_format() {
    let mut s = state();
    added(&mut s, 0, 10, None);
    update(
        &mut s,
        Action::Engine(Event::Done {
            id: 0,
            links: links(),
            processing: std::time::Duration::ZERO,
        }),
    );
    s.clock = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).and_then(|d| d.and_hms_opt(14, 30, 5));
    update(&mut s, Action::Show(Screen::Done));
    update(&mut s, Action::Left);
    assert_eq!(s.link_format, LinkFormat::BbCode);
    let fx = update(&mut s, Action::CopyLinks);
    assert_eq!(
        fx,
        vec![Effect::Copy(
            "[url=http://h/x.jpg][img]http://h/x.jpg[/img][/url]\n".into()
        )]
    );
    match update(&mut s, Action::SaveCsv).as_slice() {
        [Effect::Save { path, contents }] => {
            assert!(
                path.ends_with("upstage-links-20261126-143005.csv"),
                "{path:?}"
            );
            assert!(contents
                .lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("/p/0.jpg,0.jpg,uploaded,http://h/x.jpg")));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn picker_browses_selects_and_adds() {
    use crate::state::DirEntry;
    let mut s = state();
    s.picker.dir = PathBuf::from("/p");
    let fx = update(&mut s, Action::Show(Screen::Picker));
    assert_eq!(fx, vec![Effect::ListDir(PathBuf::from("/p"))]);
    let entries = vec![
        DirEntry {
            name: "sub".into(),
            is_dir: true,
            size: 0,
        },
        DirEntry {
            name: "a.jpg".into(),
            is_dir: false,
            size: 5,
        },
    ];
    update(
        &mut s,
        Action::Listed {
            dir: PathBuf::from("/p"),
            entries: Ok(entries),
        },
    );
    assert_eq!(
        update(&mut s, Action::Enter),
        vec![Effect::ListDir(PathBuf::from("/p/sub"))]
    );
    update(&mut s, Action::Down);
    update(&mut s, Action::Toggle);
    assert_eq!(s.picker.selected.len(), 1);
    assert_eq!(
        update(&mut s, Action::AddPicked),
        vec![Effect::Add(vec![PathBuf::from("/p/a.jpg")])]
    );
    assert_eq!(s.screen, Screen::Queue);
    s.screen = Screen::Picker;
    assert_eq!(
        update(&mut s, Action::Backspace),
        vec![Effect::ListDir(PathBuf::from("/"))]
    );
}
