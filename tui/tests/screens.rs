//! Snapshots of the main screens (queue mid-upload, error report, done) at 80×24 and 140×40, in
//! English and Danish, drawn by the real `render` into ratatui's `TestBackend`.

use std::path::PathBuf;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use upstage_client::{Links, UploadError};
use upstage_tui::i18n::Lang;
use upstage_tui::render::render;
use upstage_tui::state::{Item, ItemState, Quit, Screen, State};

fn links(name: &str, id: &str) -> Links {
    Links {
        name: name.to_owned(),
        direct: format!("http://127.0.0.1:8080/images/2026/11/26/{name}"),
        viewer: Some(format!("http://127.0.0.1:8080/image/{id}")),
        thumb: Some(format!(
            "http://127.0.0.1:8080/images/2026/11/26/{}.th.jpg",
            name.trim_end_matches(".jpg")
        )),
        delete: Some(format!("http://127.0.0.1:8080/image/{id}/delete/8f3a")),
    }
}

fn item(id: usize, name: &str, size: u64, sent: u64, speed: f64, state: ItemState) -> Item {
    let mut i = Item::new(
        id,
        PathBuf::from(format!("/photos/2026 Holiday/{name}")),
        size,
        state,
    );
    i.sent = sent;
    i.bytes_per_sec = speed;
    i
}

fn too_big() -> UploadError {
    UploadError::rejected("too_large", "File too big - max 10 MB (12.6 MB given)")
}

fn server_err() -> UploadError {
    UploadError::server(400, 610, "Invalid file data")
}

/// A batch of 8: two done, one skipped, two uploading, one retrying, one queued, one refused.
fn mid_upload(lang: Lang) -> State {
    let mut s = State::new(
        lang,
        "http://127.0.0.1:8080/api/1/upload".into(),
        10_000_000,
        4,
    );
    s.started = true;
    s.rate = 1_600_000.0;
    s.items = vec![
        item(
            0,
            "beach.jpg",
            2_100_000,
            2_100_000,
            0.0,
            ItemState::Done(links("beach.jpg", "ZfGd")),
        ),
        item(
            1,
            "dunes.jpg",
            1_900_000,
            1_900_000,
            0.0,
            ItemState::Done(links("dunes.jpg", "Zk2a")),
        ),
        item(
            2,
            "old.png",
            800_000,
            800_000,
            0.0,
            ItemState::Skipped(links("old.png", "Zq9x")),
        ),
        item(
            3,
            "IMG_20260612_101530.jpg",
            2_000_000,
            1_000_000,
            900_000.0,
            ItemState::Uploading { attempt: 1 },
        ),
        item(
            8,
            "IMG_20260612_101531.jpg",
            16_400_000,
            16_400_000,
            0.0,
            ItemState::Uploading { attempt: 1 },
        ),
        item(
            4,
            "clip.mp4",
            8_000_000,
            2_000_000,
            700_000.0,
            ItemState::Uploading { attempt: 2 },
        ),
        item(
            5,
            "sunset.webp",
            1_500_000,
            0,
            0.0,
            ItemState::Retrying {
                attempt: 1,
                error: UploadError::network("connection reset by peer"),
            },
        ),
        item(6, "forest.jpg", 2_200_000, 0, 0.0, ItemState::Queued),
        item(
            7,
            "panorama.jpg",
            12_600_000,
            0,
            0.0,
            ItemState::Refused(too_big()),
        ),
    ];
    s.cursor = 3;
    s
}

/// The batch finished: five uploaded, two failed, one refused.
fn finished(lang: Lang) -> State {
    let mut s = mid_upload(lang);
    s.idle = true;
    s.cursor = 0;
    s.rate = 0.0;
    for i in &mut s.items {
        i.bytes_per_sec = 0.0;
        i.state = match i.id {
            3 | 6 | 8 => ItemState::Done(links(&i.name, &format!("Z{}", i.id))),
            4 => ItemState::Failed(server_err()),
            5 => ItemState::Failed(UploadError::network(
                "error sending request: connection refused",
            )),
            _ => i.state.clone(),
        };
        if i.state.links().is_some() {
            i.sent = i.size;
        }
    }
    s
}

fn draw(s: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| render(s, f)).expect("draw");
    t
}

fn check(name: &str, s: &State) {
    for (w, h) in [(80, 24), (140, 40)] {
        let t = draw(s, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

#[test]
fn queue_mid_upload() {
    check("queue_en", &mid_upload(Lang::En));
    check("queue_da", &mid_upload(Lang::Da));
}

#[test]
fn error_report() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Da, "da")] {
        let mut s = finished(lang);
        s.screen = Screen::Errors;
        check(&format!("errors_{tag}"), &s);
    }
}

#[test]
fn done_screen() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Da, "da")] {
        let mut s = finished(lang);
        s.screen = Screen::Done;
        check(&format!("done_{tag}"), &s);
        s.link_format = upstage_tui::state::LinkFormat::Markdown;
        let t = draw(&s, 140, 40);
        insta::assert_snapshot!(format!("done_{tag}_markdown_140x40"), t.backend());
    }
}

/// The queue with the selected file's detail pane, the help box and the quit question; an
/// outage and a stopped batch in the header.
#[test]
fn detail_help_quit_outage_and_stop() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Da, "da")] {
        let mut s = finished(lang);
        s.idle = false;
        s.screen = Screen::Queue;
        s.detail = true;
        s.cursor = 5;
        check(&format!("detail_failed_{tag}"), &s);
        s.cursor = 3;
        s.items[3].processing = Some(std::time::Duration::from_millis(2400));
        s.outage = Some((7, UploadError::unreachable("connection refused")));
        check(&format!("detail_done_outage_{tag}"), &s);
        let mut s = mid_upload(lang);
        s.help = true;
        check(&format!("help_{tag}"), &s);
        s.help = false;
        s.quit = Quit::Confirm;
        s.stopped = Some(UploadError::server(400, 100, "Invalid API v1 key."));
        check(&format!("quit_stopped_{tag}"), &s);
    }
}

/// The options form: a typo in the expiration is shown before starting; a valid one previews
/// the date; the width says "at most".
#[test]
fn options_check_before_start() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Da, "da")] {
        let mut s = mid_upload(lang);
        s.screen = Screen::Options;
        s.clock =
            chrono::NaiveDate::from_ymd_opt(2026, 11, 26).and_then(|d| d.and_hms_opt(14, 30, 0));
        s.options.expiration = "tomorrow".into();
        s.options.width = "1600".into();
        s.field = 4;
        check(&format!("options_typo_{tag}"), &s);
        s.options.expiration = "1d".into();
        check(&format!("options_ok_{tag}"), &s);
    }
}

#[test]
fn tiny_terminal_does_not_panic() {
    let s = mid_upload(Lang::Da);
    for (w, h) in [(1, 1), (20, 5), (80, 3)] {
        draw(&s, w, h);
    }
}
