//! Interface strings. English and Danish; the Danish uploader messages are Chevereto's own Danish
//! uploader strings, kept verbatim so the terminal says what the website says.

mod da;
mod en;

use upstage_client::{ExpiryError, OptionError};
mod hints;

pub use hints::{hint, message};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Da,
}

impl Lang {
    /// `--lang` (or the config) first, then `LC_ALL`, `LC_MESSAGES`, `LANG`; English otherwise.
    pub fn choose(flag: Option<&str>) -> Lang {
        let from_env = || {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty())
        };
        match flag.map(str::to_owned).or_else(from_env) {
            Some(v) => Lang::parse(&v),
            None => Lang::En,
        }
    }

    /// `da`, `da_DK.UTF-8`, `Danish` … are Danish; anything else English.
    pub fn parse(v: &str) -> Lang {
        let v = v.trim().to_ascii_lowercase();
        if v.starts_with("da") {
            Lang::Da
        } else {
            Lang::En
        }
    }

    pub fn t(self) -> &'static Strings {
        match self {
            Lang::En => &en::EN,
            Lang::Da => &da::DA,
        }
    }
}

/// Every string the interface shows. `{}` placeholders are filled by the helpers below.
pub struct Strings {
    pub uploader: &'static str,
    /// `{n}` files, `{p}` percent.
    pub files_done: &'static str,
    pub in_progress: &'static str,
    pub complete: &'static str,
    pub nothing_uploaded: &'static str,
    pub some_failed: &'static str,
    pub eta: &'static str,
    pub parallel: &'static str,
    pub paused: &'static str,
    pub not_started: &'static str,
    pub target: &'static str,
    pub col_name: &'static str,
    pub col_size: &'static str,
    pub col_state: &'static str,
    pub col_progress: &'static str,
    pub col_speed: &'static str,
    pub col_result: &'static str,
    pub st_queued: &'static str,
    pub st_uploading: &'static str,
    pub st_retrying: &'static str,
    pub st_done: &'static str,
    pub st_skipped: &'static str,
    pub st_failed: &'static str,
    pub st_refused: &'static str,
    pub st_cancelled: &'static str,
    pub errors_title: &'static str,
    pub col_file: &'static str,
    pub col_code: &'static str,
    pub col_message: &'static str,
    pub no_errors: &'static str,
    pub links_title: &'static str,
    pub link_direct: &'static str,
    pub link_viewer: &'static str,
    pub link_thumb: &'static str,
    pub link_delete: &'static str,
    pub options_title: &'static str,
    pub opt_album: &'static str,
    pub opt_title: &'static str,
    pub opt_tags: &'static str,
    pub opt_nsfw: &'static str,
    pub opt_expiration: &'static str,
    pub opt_width: &'static str,
    pub opt_albums_known: &'static str,
    pub opt_album_hint_remote: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub picker_title: &'static str,
    pub picker_selected: &'static str,
    pub keys_queue: &'static str,
    pub keys_errors: &'static str,
    pub keys_done: &'static str,
    pub keys_options: &'static str,
    pub keys_picker: &'static str,
    pub copied: &'static str,
    pub saved: &'static str,
    pub save_failed: &'static str,
    /// `{n}` files.
    pub already_queued: &'static str,
    /// `{ok}`, `{failed}`, `{left}`.
    pub counters: &'static str,
    /// `{s}` seconds.
    pub unreachable: &'static str,
    pub stopped: &'static str,
    pub st_processing: &'static str,
    /// `{n}` files in flight.
    pub confirm_quit: &'static str,
    pub help_title: &'static str,
    pub help_close: &'static str,
    pub d_path: &'static str,
    pub d_state: &'static str,
    pub d_processing: &'static str,
    pub d_error: &'static str,
    pub d_todo: &'static str,
    /// `{d}` date.
    pub expires_at: &'static str,
    pub width_hint: &'static str,
    /// `{v}` the value typed.
    pub err_expiration: &'static str,
    pub err_expiration_range: &'static str,
    pub err_width: &'static str,
}

impl Strings {
    pub fn files_done(&self, n: usize, percent: u8) -> String {
        self.files_done
            .replace("{n}", &n.to_string())
            .replace("{p}", &percent.to_string())
    }

    pub fn already_queued(&self, n: usize) -> String {
        self.already_queued.replace("{n}", &n.to_string())
    }

    pub fn counters(&self, (ok, failed, left): (usize, usize, usize)) -> String {
        self.counters
            .replace("{ok}", &ok.to_string())
            .replace("{failed}", &failed.to_string())
            .replace("{left}", &left.to_string())
    }

    pub fn unreachable(&self, secs: u64) -> String {
        self.unreachable.replace("{s}", &secs.to_string())
    }

    pub fn confirm_quit(&self, n: usize) -> String {
        self.confirm_quit.replace("{n}", &n.to_string())
    }

    pub fn option_error(&self, e: &OptionError) -> String {
        let (text, v) = match e {
            OptionError::Expiration(ExpiryError::Unreadable(v)) => (self.err_expiration, v),
            OptionError::Expiration(ExpiryError::OutOfRange(v)) => (self.err_expiration_range, v),
            OptionError::Width(v) => (self.err_width, v),
        };
        text.replace("{v}", v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names() {
        assert_eq!(Lang::parse("da_DK.UTF-8"), Lang::Da);
        assert_eq!(Lang::parse("da"), Lang::Da);
        assert_eq!(Lang::parse("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::parse("C"), Lang::En);
        assert_eq!(Lang::choose(Some("DA")), Lang::Da);
    }

    #[test]
    fn danish_uses_the_sites_words() {
        let t = Lang::Da.t();
        assert_eq!(t.files_done(0, 0), "0 filer (0% færdig)");
        assert_eq!(t.complete, "Upload gennemført");
        assert_eq!(Lang::En.t().files_done(3, 50), "3 files (50% done)");
        let e = OptionError::Expiration(ExpiryError::Unreadable("tomorrow".into()));
        assert!(t.option_error(&e).starts_with("Udløb \"tomorrow\" er ikke"));
        assert_eq!(t.counters((1, 2, 3)), "1 ok · 2 fejlet · 3 tilbage");
    }

    #[test]
    fn danish_says_everything_in_danish() {
        // Words that give away an English string left in the Danish table.
        let english = [
            "files", "failed", "network", "error", "left", "Some ", "retry",
        ];
        for text in [
            Lang::Da.t().some_failed,
            Lang::Da.t().in_progress,
            Lang::Da.t().counters,
            Lang::Da.t().unreachable,
            Lang::Da.t().confirm_quit,
            Lang::Da.t().keys_queue,
            Lang::Da.t().files_done,
        ] {
            // Placeholders such as `{failed}` are not words shown.
            let shown: String = text
                .split('{')
                .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
                .collect();
            for w in english {
                assert!(!shown.contains(w), "{w:?} in {text:?}");
            }
        }
    }
}
