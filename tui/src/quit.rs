//! Leaving (part of `update`): with files in flight, ask first; then either let them finish (the
//! queue is cancelled) or cancel them too. The app prints the summary once the screen is gone.

use crate::action::{Action, Effect};
use crate::state::{Quit, State};
use upstage_client::Command;

/// `q` or Ctrl-C.
pub fn ask(s: &mut State) -> Vec<Effect> {
    s.quit = if s.in_flight() > 0 {
        Quit::Confirm
    } else {
        Quit::Now
    };
    vec![]
}

/// The answer to "files are in flight — leave?".
pub fn answer(s: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::Engine(_) | Action::Tick { .. } | Action::Resized(_) => {
            let fx = crate::update::update_plain(s, a);
            // Everything finished while the question was open: nothing left to decide.
            if s.quit == Quit::Confirm && s.in_flight() == 0 {
                s.quit = Quit::Now;
            }
            fx
        }
        Action::QuitAfterInFlight | Action::Enter => {
            s.quit = Quit::AfterInFlight;
            vec![Effect::Engine(Command::Drain)]
        }
        // A second Ctrl-C or `q` means now.
        Action::QuitNow | Action::Quit => {
            let mut fx = vec![Effect::Engine(Command::Drain)];
            for i in s.items.iter().filter(|i| i.state.is_active()) {
                fx.push(Effect::Engine(Command::Cancel(i.id)));
            }
            s.quit = Quit::Now;
            fx
        }
        Action::Back => {
            s.quit = Quit::No;
            vec![]
        }
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::update::update;
    use upstage_client::{Event, UploadError};

    fn busy() -> State {
        let mut s = State::new(Lang::En, "t".into(), 1000, 2);
        for id in 0..3 {
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
        update(&mut s, Action::Engine(Event::Started { id: 0, attempt: 1 }));
        s
    }

    #[test]
    fn quitting_with_files_in_flight_asks_and_each_answer_is_clean() {
        let mut s = busy();
        assert!(update(&mut s, Action::Quit).is_empty());
        assert_eq!(s.quit, Quit::Confirm, "in flight: ask first");
        update(&mut s, Action::Back);
        assert_eq!(s.quit, Quit::No, "Esc keeps going");

        update(&mut s, Action::Quit);
        let fx = update(&mut s, Action::QuitAfterInFlight);
        assert_eq!(fx, [Effect::Engine(Command::Drain)]);
        assert_eq!(s.quit, Quit::AfterInFlight);
        update(&mut s, Action::Engine(Event::Idle));
        assert_eq!(
            s.quit,
            Quit::Now,
            "leaves once the files in flight are done"
        );

        let mut s = busy();
        update(&mut s, Action::Quit);
        let fx = update(&mut s, Action::QuitNow);
        assert_eq!(
            fx,
            [
                Effect::Engine(Command::Drain),
                Effect::Engine(Command::Cancel(0))
            ]
        );
        assert_eq!(s.quit, Quit::Now);
    }

    #[test]
    fn nothing_in_flight_means_no_question() {
        let mut s = busy();
        update(
            &mut s,
            Action::Engine(Event::Failed {
                id: 0,
                error: UploadError::network("x"),
            }),
        );
        update(&mut s, Action::Quit);
        assert_eq!(s.quit, Quit::Now);
    }
}
