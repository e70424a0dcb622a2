use font8x8::legacy::BASIC_LEGACY;
use serde::Deserialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    #[default]
    BottomRight,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    pub text: String,
    pub corner: Corner,
    pub scale: u32,
    pub margin: u32,
    pub color: [u8; 4],
}

impl Default for Options {
    fn default() -> Self {
        Options {
            text: "upstage".into(),
            corner: Corner::BottomRight,
            scale: 2,
            margin: 8,
            color: [255, 255, 255, 200],
        }
    }
}

impl Options {
    /// From the stage's JSON configuration (`null` = defaults), as the host hands it over.
    pub fn from_json(config: &str) -> Result<Options, String> {
        upstage_sdk::plugin::parse_config::<Options>(config)
            .map_err(|e| e.message)?
            .validate()
    }

    /// What serde cannot check: the text is drawable and the scale sane.
    pub fn validate(self) -> Result<Options, String> {
        if self.text.is_empty() || !self.text.is_ascii() {
            return Err("text: must be non-empty ASCII".into());
        }
        if !(1..=64).contains(&self.scale) {
            return Err("scale: must be 1..=64".into());
        }
        Ok(self)
    }
}

/// Where the text goes in a `width`×`height` image: `(x, y, w, h)`, or `None` when it does not
/// fit with its margins.
pub fn text_box(width: u32, height: u32, o: &Options) -> Option<(u32, u32, u32, u32)> {
    let w = u32::try_from(o.text.len()).ok()?.checked_mul(8 * o.scale)?;
    let h = 8 * o.scale;
    let need_w = w.checked_add(2 * o.margin)?;
    let need_h = h.checked_add(2 * o.margin)?;
    if need_w > width || need_h > height {
        return None;
    }
    let x = match o.corner {
        Corner::TopLeft | Corner::BottomLeft => o.margin,
        Corner::TopRight | Corner::BottomRight => width - o.margin - w,
    };
    let y = match o.corner {
        Corner::TopLeft | Corner::TopRight => o.margin,
        Corner::BottomLeft | Corner::BottomRight => height - o.margin - h,
    };
    Some((x, y, w, h))
}

fn blend(dst: u8, src: u8, a: u8) -> u8 {
    let (d, s, a) = (u32::from(dst), u32::from(src), u32::from(a));
    ((s * a + d * (255 - a) + 127) / 255) as u8
}

/// Draw the watermark into tightly packed RGBA8 pixels. Returns whether anything was drawn.
pub fn draw(rgba: &mut [u8], width: u32, height: u32, o: &Options) -> bool {
    let Some((x0, y0, _, _)) = text_box(width, height, o) else {
        return false;
    };
    if rgba.len() != width as usize * height as usize * 4 {
        return false;
    }
    let [r, g, b, a] = o.color;
    for (i, ch) in o.text.bytes().enumerate() {
        let glyph = BASIC_LEGACY[usize::from(ch & 0x7f)];
        let gx = x0 + i as u32 * 8 * o.scale;
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..8u32 {
                if bits & (1 << col) == 0 {
                    continue;
                }
                for dy in 0..o.scale {
                    let y = y0 + row as u32 * o.scale + dy;
                    for dx in 0..o.scale {
                        let x = gx + col * o.scale + dx;
                        let at = (y as usize * width as usize + x as usize) * 4;
                        let p = &mut rgba[at..at + 4];
                        p[0] = blend(p[0], r, a);
                        p[1] = blend(p[1], g, a);
                        p[2] = blend(p[2], b, a);
                    }
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_only_inside_the_corner_box() {
        let (w, h) = (200u32, 100u32);
        let mut px = vec![0u8; (w * h * 4) as usize];
        let o = Options::default();
        assert!(draw(&mut px, w, h, &o));
        let (bx, by, bw, bh) = text_box(w, h, &o).unwrap();
        assert_eq!((bx + bw, by + bh), (w - 8, h - 8));
        let mut inside = 0;
        for y in 0..h {
            for x in 0..w {
                let lit = px[((y * w + x) * 4) as usize] != 0;
                let in_box = x >= bx && x < bx + bw && y >= by && y < by + bh;
                assert!(!lit || in_box, "pixel {x},{y} drawn outside the box");
                inside += usize::from(lit);
            }
        }
        assert!(inside > 100, "only {inside} pixels drawn");
    }

    #[test]
    fn too_small_images_are_left_alone_and_bad_config_is_refused() {
        let mut px = vec![7u8; 10 * 10 * 4];
        assert!(!draw(&mut px, 10, 10, &Options::default()));
        assert!(px.iter().all(|&b| b == 7));
        assert!(Options::from_json(r#"{"scale": 0}"#).is_err());
        assert!(Options::from_json(r#"{"colour": [1,2,3,4]}"#).is_err());
        assert!(Options::from_json("null").is_ok());
    }
}
