//! Builds small TIFF (EXIF) blocks in either byte order: IFD0, an Exif IFD and a GPS IFD, with
//! their pointers, so tests can state exactly which tags a file has.

/// A tag value in one of the TIFF types EXIF uses.
#[derive(Clone, Debug)]
pub enum Val {
    Ascii(&'static str),
    /// Raw bytes written as ASCII (for NUL padding and other junk).
    AsciiRaw(Vec<u8>),
    Byte(Vec<u8>),
    Short(u16),
    Long(u32),
    Rational(Vec<(u32, u32)>),
}

impl Val {
    fn kind(&self) -> u16 {
        match self {
            Val::Ascii(_) | Val::AsciiRaw(_) => 2,
            Val::Byte(_) => 1,
            Val::Short(_) => 3,
            Val::Long(_) => 4,
            Val::Rational(_) => 5,
        }
    }

    fn bytes(&self, be: bool) -> Vec<u8> {
        let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        match self {
            Val::Ascii(s) => [s.as_bytes(), b"\0"].concat(),
            Val::AsciiRaw(b) | Val::Byte(b) => b.clone(),
            Val::Short(v) => u16b(*v).to_vec(),
            Val::Long(v) => u32b(*v).to_vec(),
            Val::Rational(r) => r
                .iter()
                .flat_map(|&(n, d)| [u32b(n), u32b(d)])
                .flatten()
                .collect(),
        }
    }

    fn count(&self, be: bool) -> u32 {
        match self {
            Val::Rational(r) => r.len() as u32,
            Val::Short(_) | Val::Long(_) => 1,
            other => other.bytes(be).len() as u32,
        }
    }
}

/// UTF-16LE bytes with a terminator, the way Windows writes XP tags.
pub fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

#[derive(Clone, Debug, Default)]
pub struct TiffBuilder {
    pub big_endian: bool,
    pub ifd0: Vec<(u16, Val)>,
    pub exif: Vec<(u16, Val)>,
    pub gps: Vec<(u16, Val)>,
}

const EXIF_POINTER: u16 = 0x8769;
const GPS_POINTER: u16 = 0x8825;

impl TiffBuilder {
    pub fn little() -> Self {
        Self::default()
    }

    pub fn big() -> Self {
        TiffBuilder {
            big_endian: true,
            ..Self::default()
        }
    }

    pub fn ifd0(mut self, tag: u16, v: Val) -> Self {
        self.ifd0.push((tag, v));
        self
    }

    pub fn exif(mut self, tag: u16, v: Val) -> Self {
        self.exif.push((tag, v));
        self
    }

    pub fn gps(mut self, tag: u16, v: Val) -> Self {
        self.gps.push((tag, v));
        self
    }

    /// A typical GPS IFD: version, N/E references, latitude, longitude and altitude.
    pub fn with_gps_position(self) -> Self {
        self.gps(0x0000, Val::Byte(vec![2, 3, 0, 0]))
            .gps(0x0001, Val::Ascii("N"))
            .gps(0x0002, Val::Rational(vec![(59, 1), (19, 1), (5717, 100)]))
            .gps(0x0003, Val::Ascii("E"))
            .gps(0x0004, Val::Rational(vec![(18, 1), (3, 1), (5379, 100)]))
            .gps(0x0006, Val::Rational(vec![(29, 1)]))
    }

    pub fn build(&self) -> Vec<u8> {
        let be = self.big_endian;
        let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let ifd_len = |n: usize| 2 + 12 * n + 4;

        let mut ifd0 = self.ifd0.clone();
        let has_exif = !self.exif.is_empty();
        let has_gps = !self.gps.is_empty();
        let n0 = ifd0.len() + usize::from(has_exif) + usize::from(has_gps);
        let exif_at = 8 + ifd_len(n0);
        let gps_at = exif_at
            + if has_exif {
                ifd_len(self.exif.len())
            } else {
                0
            };
        let data_at = gps_at + if has_gps { ifd_len(self.gps.len()) } else { 0 };
        if has_exif {
            ifd0.push((EXIF_POINTER, Val::Long(exif_at as u32)));
        }
        if has_gps {
            ifd0.push((GPS_POINTER, Val::Long(gps_at as u32)));
        }

        let mut out = if be {
            b"MM\x00\x2a".to_vec()
        } else {
            b"II\x2a\x00".to_vec()
        };
        out.extend_from_slice(&u32b(8));
        let mut data = Vec::new();
        for ifd in [ifd0, self.exif.clone(), self.gps.clone()] {
            if ifd.is_empty() {
                continue;
            }
            let mut ifd = ifd;
            ifd.sort_by_key(|(tag, _)| *tag);
            out.extend_from_slice(&u16b(ifd.len() as u16));
            for (tag, v) in &ifd {
                out.extend_from_slice(&u16b(*tag));
                out.extend_from_slice(&u16b(v.kind()));
                out.extend_from_slice(&u32b(v.count(be)));
                let mut bytes = v.bytes(be);
                if bytes.len() <= 4 {
                    bytes.resize(4, 0);
                    out.extend_from_slice(&bytes);
                } else {
                    out.extend_from_slice(&u32b((data_at + data.len()) as u32));
                    data.extend_from_slice(&bytes);
                    if data.len() % 2 == 1 {
                        data.push(0);
                    }
                }
            }
            out.extend_from_slice(&u32b(0));
        }
        assert_eq!(out.len(), data_at);
        out.extend_from_slice(&data);
        out
    }
}

/// IFD0 (Make, Orientation 6, an XPTitle that sorts after the GPS pointer), an Exif IFD with
/// DateTimeOriginal, and a GPS position.
pub fn sample_with_gps(big_endian: bool) -> TiffBuilder {
    let b = if big_endian {
        TiffBuilder::big()
    } else {
        TiffBuilder::little()
    };
    b.ifd0(0x010F, Val::Ascii("Canon"))
        .ifd0(0x0112, Val::Short(6))
        .ifd0(0x9C9B, Val::Byte(utf16le("Title")))
        .exif(0x9003, Val::Ascii("2021:07:04 18:30:00"))
        .with_gps_position()
}
