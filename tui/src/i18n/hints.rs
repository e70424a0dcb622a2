//! Every error the uploader can show, explained in plain words with what to do, in both
//! languages. The server's own message is shown as sent; this goes beside it.

use super::Lang;
use upstage_client::UploadError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hint {
    Key,
    Unreadable610,
    ServerRefused,
    ServerFailed,
    Network,
    Unreachable,
    TooLarge,
    NotMedia,
    Empty,
    LocalIo,
}

const TEXT: [(Hint, &str, &str); 10] = [
    (
        Hint::Key,
        "The site refused the API key, so the batch stopped. Check --key (or upload.key) and start again.",
        "Siden afviste API-nøglen, så køen stoppede. Tjek --key (eller upload.key) og start igen.",
    ),
    (
        Hint::Unreadable610,
        "The server could not read the file as an image: it is cut off or damaged. Open it to check; sending it again will not help.",
        "Serveren kunne ikke læse filen som et billede: den er afkortet eller beskadiget. Åbn den og tjek; det hjælper ikke at sende den igen.",
    ),
    (
        Hint::ServerRefused,
        "The server refused this file; its message says why. Sending it again will not help.",
        "Serveren afviste filen; dens besked siger hvorfor. Det hjælper ikke at sende den igen.",
    ),
    (
        Hint::ServerFailed,
        "The server failed while handling the file. Try again later (r).",
        "Serveren fejlede, mens den behandlede filen. Prøv igen senere (r).",
    ),
    (
        Hint::Network,
        "The connection broke during the upload. Check the network, then retry (r).",
        "Forbindelsen blev afbrudt under uploaden. Tjek netværket, og prøv igen (r).",
    ),
    (
        Hint::Unreachable,
        "The server cannot be reached. The batch waits and goes on by itself when it answers.",
        "Serveren kan ikke nås. Køen venter og fortsætter af sig selv, når den svarer.",
    ),
    (
        Hint::TooLarge,
        "The file is larger than the size limit. Make it smaller, or raise limits.max_bytes on your own server.",
        "Filen er større end grænsen. Gør den mindre, eller hæv limits.max_bytes på din egen server.",
    ),
    (
        Hint::NotMedia,
        "The content is not an image or video the site accepts, whatever the file is called.",
        "Indholdet er ikke et billede eller en video, som siden accepterer, uanset hvad filen hedder.",
    ),
    (
        Hint::Empty,
        "The file is empty: there is nothing to upload.",
        "Filen er tom: der er intet at uploade.",
    ),
    (
        Hint::LocalIo,
        "The file could not be read (or the journal written). Check that it exists and can be read.",
        "Filen kunne ikke læses (eller journalen skrives). Tjek, at den findes og kan læses.",
    ),
];

fn which(e: &UploadError) -> Hint {
    match e {
        _ if e.is_auth() => Hint::Key,
        UploadError::Server { code: 610, .. } => Hint::Unreadable610,
        UploadError::Server { status, .. } if *status >= 500 => Hint::ServerFailed,
        UploadError::Server { .. } => Hint::ServerRefused,
        UploadError::Network { .. } => Hint::Network,
        UploadError::Unreachable { .. } => Hint::Unreachable,
        UploadError::Rejected { code, .. } => match code.as_str() {
            "too_large" => Hint::TooLarge,
            "empty_file" => Hint::Empty,
            "unreadable" => Hint::LocalIo,
            _ => Hint::NotMedia,
        },
        UploadError::Local { .. } => Hint::LocalIo,
    }
}

/// What `e` means and what to do about it.
pub fn hint(lang: Lang, e: &UploadError) -> &'static str {
    let h = which(e);
    TEXT.iter()
        .find(|t| t.0 == h)
        .map(|t| if lang == Lang::Da { t.2 } else { t.1 })
        .unwrap_or_default()
}

/// The client's own message in `lang` (the server's stays as sent): Danish users get the
/// explanation in place of an English sentence from the uploader itself.
pub fn message(lang: Lang, e: &UploadError) -> String {
    match (lang, e) {
        (Lang::Da, UploadError::Server { .. }) | (Lang::En, _) => e.message().to_owned(),
        (Lang::Da, UploadError::Network { message } | UploadError::Unreachable { message }) => {
            format!("netværksfejl: {message}")
        }
        (Lang::Da, _) => {
            let h = hint(lang, e);
            h.split(['.', ':']).next().unwrap_or(h).to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_words_in_both_languages() {
        let errors = [
            UploadError::server(400, 100, "Invalid API v1 key."),
            UploadError::server(400, 610, "Invalid file data"),
            UploadError::server(503, 503, "busy"),
            UploadError::server(413, 0, "too big"),
            UploadError::network("reset"),
            UploadError::unreachable("refused"),
            UploadError::rejected("too_large", "x"),
            UploadError::rejected("empty_file", "x"),
            UploadError::rejected("unsupported_format", "x"),
            UploadError::local("disk"),
        ];
        let mut seen = std::collections::HashSet::new();
        for e in &errors {
            let (en, da) = (hint(Lang::En, e), hint(Lang::Da, e));
            assert!(!en.is_empty() && !da.is_empty() && en != da, "{e:?}");
            seen.insert(en);
        }
        assert_eq!(seen.len(), errors.len(), "each error its own words");
        assert_eq!(TEXT.len(), errors.len());
        assert_eq!(message(Lang::Da, &errors[6]), "Filen er større end grænsen");
        assert_eq!(message(Lang::Da, &errors[1]), "Invalid file data");
    }
}
