use chrono::{FixedOffset, NaiveDateTime};
use serde::Serialize;

/// Which tag a capture date came from, so reports can say why an item was filed where it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    DateTimeOriginal,
    DateTimeDigitized,
    DateTime,
}

/// A capture date: camera local time plus, when the file records it, the UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DateTaken {
    pub local: NaiveDateTime,
    #[serde(serialize_with = "offset_as_text")]
    pub offset: Option<FixedOffset>,
    pub source: DateSource,
}

impl DateTaken {
    /// The instant in UTC when the offset is known.
    pub fn utc(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let off = self.offset?;
        self.local
            .and_local_timezone(off)
            .single()
            .map(|d| d.with_timezone(&chrono::Utc))
    }
}

fn offset_as_text<S: serde::Serializer>(o: &Option<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    match o {
        Some(off) => s.serialize_str(&off.to_string()),
        None => s.serialize_none(),
    }
}

/// Facts about an item, filled by the pipeline (dimensions, frames) and by stages (EXIF).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metadata {
    /// Full-size dimensions as stored in the file (before orientation).
    pub stored_width: u32,
    pub stored_height: u32,
    /// EXIF orientation 1..=8 (1 when absent).
    pub orientation: u8,
    pub frames: u32,
    pub is_animated: bool,
    pub date_taken: Option<DateTaken>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    /// True when GPS tags were found and removed from the stored file.
    pub gps_removed: bool,
    /// True when a stage replaced the original's bytes (a plugin's `set_original`). Like GPS
    /// removal, it makes the stored main file's md5 differ from the upload's.
    pub original_rewritten: bool,
    /// Videos: length in seconds (set by the frame stage).
    pub duration_seconds: Option<f64>,
    /// Videos: the codec of the first video stream (e.g. `h264`).
    pub video_codec: Option<String>,
}

impl Metadata {
    /// Orientations 5..=8 swap width and height.
    pub fn swaps_axes(&self) -> bool {
        (5..=8).contains(&self.orientation)
    }

    /// Dimensions as a viewer shows them (orientation applied).
    pub fn upright_size(&self) -> (u32, u32) {
        if self.swaps_axes() {
            (self.stored_height, self.stored_width)
        } else {
            (self.stored_width, self.stored_height)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_6_swaps_axes() {
        let m = Metadata {
            stored_width: 40,
            stored_height: 30,
            orientation: 6,
            ..Default::default()
        };
        assert_eq!(m.upright_size(), (30, 40));
    }
}
