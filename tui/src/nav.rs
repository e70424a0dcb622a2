//! Moving through the lists (part of `update`): one row, a page, the ends, a click; the first
//! row shown follows the cursor so a click lands where the row is drawn.

use crate::render::layout;
use crate::state::{Screen, State, FIELDS};

/// (cursor, rows) of the current screen's list.
fn list(s: &mut State) -> (&mut usize, usize) {
    match s.screen {
        Screen::Options => (&mut s.field, FIELDS),
        Screen::Picker => (&mut s.picker.cursor, s.picker.entries.len()),
        Screen::Errors => (
            &mut s.cursor,
            s.items.iter().filter(|i| i.state.error().is_some()).count(),
        ),
        Screen::Done => (
            &mut s.cursor,
            s.items.iter().filter(|i| i.state.links().is_some()).count(),
        ),
        Screen::Queue => (&mut s.cursor, s.items.len()),
    }
}

/// Move by `step` rows (clamped at the ends).
pub fn by(s: &mut State, step: isize) {
    let (pos, len) = list(s);
    *pos = if len == 0 {
        0
    } else {
        (*pos as isize)
            .saturating_add(step)
            .clamp(0, len as isize - 1) as usize
    };
    follow(s);
}

pub fn page(s: &mut State, down: bool) {
    let step = layout::rows(s).max(1) as isize;
    by(s, if down { step } else { -step });
}

pub fn end(s: &mut State, last: bool) {
    by(s, if last { isize::MAX / 2 } else { isize::MIN / 2 });
}

/// A click on screen row `y` selects the row drawn there.
pub fn click(s: &mut State, y: u16) {
    let Some(first) = layout::first_row(s) else {
        return;
    };
    if y < first {
        return;
    }
    let target = s.offset + usize::from(y - first);
    let (pos, len) = list(s);
    if target < len {
        *pos = target;
    }
}

/// Keep the cursor inside the rows shown.
fn follow(s: &mut State) {
    let page = layout::rows(s).max(1);
    if s.cursor < s.offset {
        s.offset = s.cursor;
    } else if s.cursor >= s.offset + page {
        s.offset = s.cursor + 1 - page;
    }
}

/// The file under the cursor of the queue, the error report or the links list.
pub fn selected(s: &State) -> Option<&crate::state::Item> {
    match s.screen {
        Screen::Errors => s.errors().get(s.cursor).copied(),
        Screen::Done => s.uploaded().get(s.cursor).copied(),
        Screen::Queue => s.items.get(s.cursor),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::i18n::Lang;
    use crate::update::update;
    use upstage_client::Event;

    #[test]
    fn paging_ends_and_clicks_land_on_the_drawn_row() {
        let mut s = State::new(Lang::En, "t".into(), 1000, 2);
        s.height = 24; // 24 - 4 header - 2 footer - 2 above the rows: 16 rows.
        for id in 0..40 {
            update(
                &mut s,
                Action::Engine(Event::Added {
                    id,
                    path: format!("/p/{id}.jpg").into(),
                    size: 10,
                    refused: None,
                }),
            );
        }
        assert_eq!(layout::rows(&s), 16);
        update(&mut s, Action::PageDown);
        assert_eq!((s.cursor, s.offset), (16, 1));
        update(&mut s, Action::End);
        assert_eq!((s.cursor, s.offset), (39, 24));
        update(&mut s, Action::PageUp);
        assert_eq!(s.cursor, 23);
        update(&mut s, Action::Home);
        assert_eq!((s.cursor, s.offset), (0, 0));
        update(&mut s, Action::Click(6 + 3));
        assert_eq!(s.cursor, 3, "the fourth row drawn");
        update(&mut s, Action::Click(2));
        assert_eq!(s.cursor, 3, "a click on the header selects nothing");
    }
}
