//! Mutations of a real seed file, as a recipe proptest can generate and shrink.

use proptest::prelude::*;

use crate::fields::length_fields;
use crate::seeds::Seed;

/// Headers, metadata and the length fields parsers follow sit near the start of a file; most
/// edits land in this many first bytes so they are not lost in megabytes of pixel data.
const HEAD: usize = 64 * 1024;
/// Inserted or removed runs are at most this long, so a case stays about the seed's size.
const MAX_RUN: u16 = 4096;

/// Where an edit goes, reduced to an index of the file it is applied to.
#[derive(Clone, Copy, Debug)]
pub struct Pos {
    pub in_head: bool,
    pub raw: u64,
}

impl Pos {
    /// An index in `0..len`; `len` must not be zero.
    fn index(self, len: usize) -> usize {
        let span = if self.in_head { len.min(HEAD) } else { len };
        (self.raw % span as u64) as usize
    }
}

/// How a length (or count, size, offset) field is corrupted.
#[derive(Clone, Copy, Debug)]
pub enum LengthEdit {
    Zero,
    One,
    Max,
    Plus(u8),
    Minus(u8),
    Double,
    Half,
    Value(u32),
}

impl LengthEdit {
    fn apply(self, v: u64, max: u64) -> u64 {
        let v = match self {
            LengthEdit::Zero => 0,
            LengthEdit::One => 1,
            LengthEdit::Max => max,
            LengthEdit::Plus(d) => v.wrapping_add(u64::from(d) + 1),
            LengthEdit::Minus(d) => v.wrapping_sub(u64::from(d) + 1),
            LengthEdit::Double => v.wrapping_mul(2),
            LengthEdit::Half => v / 2,
            LengthEdit::Value(n) => u64::from(n),
        };
        v & max
    }
}

/// One change to the file.
#[derive(Clone, Debug)]
pub enum Edit {
    FlipBit {
        at: Pos,
        bit: u8,
    },
    SetByte {
        at: Pos,
        value: u8,
    },
    /// The file ends here.
    Truncate {
        at: Pos,
    },
    Delete {
        at: Pos,
        len: u16,
    },
    /// The run starting here appears twice.
    Duplicate {
        at: Pos,
        len: u16,
    },
    /// Bytes of another seed are inserted here.
    Splice {
        at: Pos,
        donor: u32,
        from: Pos,
        len: u16,
    },
    /// The `nth` length field the format's structure shows (see [`length_fields`]).
    Length {
        nth: u32,
        how: LengthEdit,
    },
}

impl Edit {
    fn apply(&self, b: &mut Vec<u8>, seeds: &[Seed]) {
        let len = b.len();
        match *self {
            Edit::Splice {
                at,
                donor,
                from,
                len: n,
            } => {
                let Some(d) = seeds.get(donor as usize % seeds.len().max(1)) else {
                    return;
                };
                if d.bytes.is_empty() {
                    return;
                }
                let start = from.index(d.bytes.len());
                let end = (start + usize::from(n)).min(d.bytes.len());
                let at = if len == 0 { 0 } else { at.index(len + 1) };
                b.splice(at..at, d.bytes[start..end].iter().copied());
            }
            _ if len == 0 => {}
            Edit::FlipBit { at, bit } => b[at.index(len)] ^= 1 << (bit % 8),
            Edit::SetByte { at, value } => b[at.index(len)] = value,
            Edit::Truncate { at } => b.truncate(at.index(len)),
            Edit::Delete { at, len: n } => {
                let start = at.index(len);
                b.drain(start..(start + usize::from(n)).min(len));
            }
            Edit::Duplicate { at, len: n } => {
                let start = at.index(len);
                let end = (start + usize::from(n)).min(len);
                let run = b[start..end].to_vec();
                b.splice(end..end, run);
            }
            Edit::Length { nth, how } => {
                let fields = length_fields(b);
                if let Some(f) = fields.get(nth as usize % fields.len().max(1)) {
                    let v = how.apply(f.read(b), f.max());
                    f.write(b, v);
                }
            }
        }
    }
}

/// A seed and the edits made to it, in order.
#[derive(Clone, Debug)]
pub struct Recipe {
    pub seed: u32,
    pub edits: Vec<Edit>,
}

impl Recipe {
    pub fn seed<'a>(&self, seeds: &'a [Seed]) -> &'a Seed {
        &seeds[self.seed as usize % seeds.len()]
    }

    /// The mutated file. `seeds` must not be empty.
    pub fn apply(&self, seeds: &[Seed]) -> Vec<u8> {
        let mut b = self.seed(seeds).bytes.clone();
        for e in &self.edits {
            e.apply(&mut b, seeds);
        }
        b
    }

    /// Enough to rebuild the case by hand: the seed's name and the edits.
    pub fn describe(&self, seeds: &[Seed]) -> String {
        format!("seed {}, edits {:?}", self.seed(seeds).name, self.edits)
    }
}

fn pos() -> impl Strategy<Value = Pos> {
    (prop::bool::weighted(0.8), any::<u64>()).prop_map(|(in_head, raw)| Pos { in_head, raw })
}

fn length_edit() -> impl Strategy<Value = LengthEdit> {
    prop_oneof![
        Just(LengthEdit::Zero),
        Just(LengthEdit::One),
        Just(LengthEdit::Max),
        any::<u8>().prop_map(LengthEdit::Plus),
        any::<u8>().prop_map(LengthEdit::Minus),
        Just(LengthEdit::Double),
        Just(LengthEdit::Half),
        any::<u32>().prop_map(LengthEdit::Value),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![Just(0u8), Just(0xFF), Just(0x7F), Just(0x80), any::<u8>()];
    let run = 1..=MAX_RUN;
    prop_oneof![
        4 => (pos(), 0..8u8).prop_map(|(at, bit)| Edit::FlipBit { at, bit }),
        3 => (pos(), byte).prop_map(|(at, value)| Edit::SetByte { at, value }),
        4 => (any::<u32>(), length_edit()).prop_map(|(nth, how)| Edit::Length { nth, how }),
        1 => pos().prop_map(|at| Edit::Truncate { at }),
        1 => (pos(), run.clone()).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (pos(), run.clone()).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        1 => (pos(), any::<u32>(), pos(), run)
            .prop_map(|(at, donor, from, len)| Edit::Splice { at, donor, from, len }),
    ]
}

/// A seed and up to `max_edits` edits (none: the seed itself, which must pass too).
pub fn recipe(max_edits: usize) -> impl Strategy<Value = Recipe> {
    (any::<u32>(), prop::collection::vec(edit(), 0..=max_edits))
        .prop_map(|(seed, edits)| Recipe { seed, edits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> Vec<Seed> {
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xD9];
        vec![Seed::new("a", jpeg), Seed::new("b", b"0123456789".to_vec())]
    }

    fn at(raw: u64) -> Pos {
        Pos {
            in_head: false,
            raw,
        }
    }

    #[test]
    fn edits_apply_in_order_to_the_chosen_seed() {
        let r = Recipe {
            seed: 2, // wraps to the first seed
            edits: vec![
                Edit::Length {
                    nth: 0,
                    how: LengthEdit::Max,
                },
                Edit::FlipBit { at: at(6), bit: 9 },
                Edit::Splice {
                    at: at(10),
                    donor: 1,
                    from: at(8),
                    len: 100,
                },
                Edit::Truncate { at: at(11) },
            ],
        };
        assert_eq!(
            r.apply(&seeds()),
            [0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 3, 2, 0xFF, 0xD9, b'8']
        );
        assert!(r.describe(&seeds()).starts_with("seed a, edits"));
    }

    #[test]
    fn runs_are_deleted_and_duplicated_within_the_file() {
        let seeds = seeds();
        let delete = Recipe {
            seed: 1,
            edits: vec![Edit::Delete { at: at(8), len: 50 }],
        };
        assert_eq!(delete.apply(&seeds), b"01234567");
        let dup = Recipe {
            seed: 1,
            edits: vec![Edit::Duplicate { at: at(7), len: 2 }],
        };
        assert_eq!(dup.apply(&seeds), b"012345678789");
        let empty = vec![Seed::new("e", Vec::new())];
        let r = Recipe {
            seed: 0,
            edits: vec![Edit::FlipBit { at: at(3), bit: 0 }],
        };
        assert!(r.apply(&empty).is_empty(), "edits of nothing do nothing");
    }
}
