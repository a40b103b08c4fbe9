//! Colours as CSS and LaTeX's xcolor write them, and whether text in one colour stands out from
//! a background: the shared judge of "white on white" for the HTML and LaTeX scanners.

use std::collections::HashMap;

/// A colour with its opacity, each channel in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rgba {
    pub r: f32,
    pub g: f32,
    pub b: f32,
    pub a: f32,
}

pub(super) const WHITE: Rgba = Rgba::opaque(1.0, 1.0, 1.0);
pub(super) const BLACK: Rgba = Rgba::opaque(0.0, 0.0, 0.0);
pub(super) const TRANSPARENT: Rgba = Rgba {
    r: 0.0,
    g: 0.0,
    b: 0.0,
    a: 0.0,
};

/// Text whose every channel is this close to the background's (about 25 of 255) cannot be told
/// from it: `#fefefe` or `#eee` on white. Pale but distinct colours (yellow, light grey) pass.
const NEAR: f32 = 0.1;

impl Rgba {
    pub(super) const fn opaque(r: f32, g: f32, b: f32) -> Rgba {
        Rgba { r, g, b, a: 1.0 }
    }

    fn from_hex(rgb: u32) -> Rgba {
        let channel = |shift: u32| ((rgb >> shift) & 0xff) as f32 / 255.0;
        Rgba::opaque(channel(16), channel(8), channel(0))
    }

    /// This colour painted over an opaque `below` with the extra `opacity`.
    pub(super) fn over(self, below: Rgba, opacity: f32) -> Rgba {
        let a = (self.a * opacity).clamp(0.0, 1.0);
        let mix = |top: f32, bottom: f32| top * a + bottom * (1.0 - a);
        Rgba::opaque(mix(self.r, below.r), mix(self.g, below.g), mix(self.b, below.b))
    }

    /// `self` percent-mixed with `other` as xcolor's `c1!p!c2` does.
    fn mix(self, percent: f32, other: Rgba) -> Rgba {
        let p = (percent / 100.0).clamp(0.0, 1.0);
        let m = |x: f32, y: f32| x * p + y * (1.0 - p);
        Rgba {
            r: m(self.r, other.r),
            g: m(self.g, other.g),
            b: m(self.b, other.b),
            a: m(self.a, other.a),
        }
    }
}

/// Whether text in `text` colour (with `opacity`) can be seen on `background`.
pub(super) fn stands_out(text: Rgba, background: Rgba, opacity: f32) -> bool {
    let seen = text.over(background, opacity);
    let background = background.over(WHITE, 1.0);
    let far = |x: f32, y: f32| (x - y).abs() > NEAR;
    far(seen.r, background.r) || far(seen.g, background.g) || far(seen.b, background.b)
}

/// A CSS colour value: `#rgb`, `#rrggbb` (with alpha), `rgb()`/`rgba()`/`hsl()`/`hsla()` in the
/// comma and space syntaxes, `transparent`, or a named colour. `None` for what is not understood
/// (`currentcolor`, `var(..)`), which is then treated as not changing the colour.
pub(super) fn css(value: &str) -> Option<Rgba> {
    let value = value.trim().to_ascii_lowercase();
    if let Some(hex) = value.strip_prefix('#') {
        return from_css_hex(hex);
    }
    if let Some((function, rest)) = value.split_once('(') {
        let args = rest.trim_end().strip_suffix(')')?;
        let parts: Vec<&str> = args
            .split([',', '/', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 3 {
            return None;
        }
        let alpha = parts.get(3).map_or(Some(1.0), |a| fraction(a, 1.0))?;
        return match function.trim() {
            "rgb" | "rgba" => Some(Rgba {
                r: fraction(parts[0], 255.0)?,
                g: fraction(parts[1], 255.0)?,
                b: fraction(parts[2], 255.0)?,
                a: alpha,
            }),
            "hsl" | "hsla" => {
                let hue = parts[0].trim_end_matches("deg").parse::<f32>().ok()?;
                let (s, l) = (fraction(parts[1], 100.0)?, fraction(parts[2], 100.0)?);
                let Rgba { r, g, b, .. } = from_hsl(hue, s, l);
                Some(Rgba { r, g, b, a: alpha })
            }
            _ => None,
        };
    }
    if value == "transparent" {
        return Some(TRANSPARENT);
    }
    named(&value)
}

fn from_css_hex(hex: &str) -> Option<Rgba> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u32::from_str_radix(&hex[i..=i], 16).ok();
    let (rgb, alpha) = match hex.len() {
        3 | 4 => {
            let short = |i: usize| digit(i).map(|d| d * 17);
            let rgb = (short(0)? << 16) | (short(1)? << 8) | short(2)?;
            (rgb, if hex.len() == 4 { short(3)? } else { 255 })
        }
        6 | 8 => {
            let rgb = u32::from_str_radix(&hex[..6], 16).ok()?;
            let alpha = if hex.len() == 8 {
                u32::from_str_radix(&hex[6..], 16).ok()?
            } else {
                255
            };
            (rgb, alpha)
        }
        _ => return None,
    };
    Some(Rgba {
        a: alpha as f32 / 255.0,
        ..Rgba::from_hex(rgb)
    })
}

/// `50%` → 0.5 whatever the scale; a bare number is divided by `scale`.
fn fraction(text: &str, scale: f32) -> Option<f32> {
    let value = match text.strip_suffix('%') {
        Some(percent) => percent.parse::<f32>().ok()? / 100.0,
        None => text.parse::<f32>().ok()? / scale,
    };
    value.is_finite().then(|| value.clamp(0.0, 1.0))
}

fn from_hsl(hue: f32, s: f32, l: f32) -> Rgba {
    let hue = hue.rem_euclid(360.0) / 60.0;
    let chroma = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = chroma * (1.0 - (hue % 2.0 - 1.0).abs());
    let (r, g, b) = match hue as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = l - chroma / 2.0;
    Rgba::opaque(r + m, g + m, b + m)
}

/// A colour as xcolor reads it: `\color[model]{spec}` or `\color{expression}`, where an
/// expression is a name (xcolor's base and dvips names, then the SVG/X11 ones, which CSS shares)
/// or a mix such as `white!100`, `red!5!white`; `defined` holds `\definecolor`s so far.
pub(super) fn xcolor(model: Option<&str>, spec: &str, defined: &HashMap<String, Rgba>) -> Option<Rgba> {
    let spec = spec.trim();
    let numbers = || -> Option<Vec<f32>> {
        spec.split([',', ' '])
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.trim().parse::<f32>().ok().filter(|v| v.is_finite()))
            .collect()
    };
    match model.map(str::trim) {
        None | Some("named") => expression(spec, defined),
        Some("rgb") => match numbers()?.as_slice() {
            &[r, g, b] => Some(Rgba::opaque(
                r.clamp(0.0, 1.0),
                g.clamp(0.0, 1.0),
                b.clamp(0.0, 1.0),
            )),
            _ => None,
        },
        Some("RGB") => match numbers()?.as_slice() {
            &[r, g, b] => Some(Rgba::opaque(
                (r / 255.0).clamp(0.0, 1.0),
                (g / 255.0).clamp(0.0, 1.0),
                (b / 255.0).clamp(0.0, 1.0),
            )),
            _ => None,
        },
        Some("HTML") => (spec.len() == 6).then(|| from_css_hex(spec)).flatten(),
        Some("gray") => match numbers()?.as_slice() {
            &[g] => Some(Rgba::opaque(g, g, g).clamp()),
            _ => None,
        },
        Some("Gray") => match numbers()?.as_slice() {
            &[g] => Some(Rgba::opaque(g / 15.0, g / 15.0, g / 15.0).clamp()),
            _ => None,
        },
        Some("cmyk") => match numbers()?.as_slice() {
            &[c, m, y, k] => {
                let channel = |x: f32| ((1.0 - x) * (1.0 - k)).clamp(0.0, 1.0);
                Some(Rgba::opaque(channel(c), channel(m), channel(y)))
            }
            _ => None,
        },
        Some("cmy") => match numbers()?.as_slice() {
            &[c, m, y] => Some(Rgba::opaque(1.0 - c, 1.0 - m, 1.0 - y).clamp()),
            _ => None,
        },
        _ => None,
    }
}

impl Rgba {
    fn clamp(self) -> Rgba {
        Rgba {
            r: self.r.clamp(0.0, 1.0),
            g: self.g.clamp(0.0, 1.0),
            b: self.b.clamp(0.0, 1.0),
            a: self.a.clamp(0.0, 1.0),
        }
    }
}

/// `c1!p1!c2!p2!c3...`: each step mixes p percent of what came before with the next colour
/// (white when a trailing percentage has none).
fn expression(spec: &str, defined: &HashMap<String, Rgba>) -> Option<Rgba> {
    let mut parts = spec.split('!');
    let first = parts.next()?.trim();
    if first.starts_with('-') {
        return None;
    }
    let mut colour = latex_name(first, defined)?;
    while let Some(percent) = parts.next() {
        let percent = percent.trim().parse::<f32>().ok().filter(|p| p.is_finite())?;
        let other = match parts.next() {
            Some(name) => latex_name(name.trim(), defined)?,
            None => WHITE,
        };
        colour = colour.mix(percent, other);
    }
    Some(colour)
}

fn latex_name(name: &str, defined: &HashMap<String, Rgba>) -> Option<Rgba> {
    if let Some(colour) = defined.get(name) {
        return Some(*colour);
    }
    // xcolor's base colours differ from the CSS ones of the same name.
    let base = match name {
        "white" | "White" => WHITE,
        "black" | "Black" => BLACK,
        "red" => Rgba::opaque(1.0, 0.0, 0.0),
        "green" => Rgba::opaque(0.0, 1.0, 0.0),
        "blue" => Rgba::opaque(0.0, 0.0, 1.0),
        "gray" => Rgba::opaque(0.5, 0.5, 0.5),
        "lightgray" => Rgba::opaque(0.75, 0.75, 0.75),
        "darkgray" => Rgba::opaque(0.25, 0.25, 0.25),
        "yellow" => Rgba::opaque(1.0, 1.0, 0.0),
        _ => return named(&name.to_ascii_lowercase()),
    };
    Some(base)
}

/// The CSS (and SVG/X11) named colours.
fn named(name: &str) -> Option<Rgba> {
    NAMED
        .split_ascii_whitespace()
        .find_map(|entry| {
            let (n, hex) = entry.split_once(':')?;
            (n == name).then(|| u32::from_str_radix(hex, 16).ok())?
        })
        .map(Rgba::from_hex)
}

const NAMED: &str = "aliceblue:f0f8ff antiquewhite:faebd7 aqua:00ffff aquamarine:7fffd4 \
azure:f0ffff beige:f5f5dc bisque:ffe4c4 black:000000 blanchedalmond:ffebcd blue:0000ff \
blueviolet:8a2be2 brown:a52a2a burlywood:deb887 cadetblue:5f9ea0 chartreuse:7fff00 \
chocolate:d2691e coral:ff7f50 cornflowerblue:6495ed cornsilk:fff8dc crimson:dc143c cyan:00ffff \
darkblue:00008b darkcyan:008b8b darkgoldenrod:b8860b darkgray:a9a9a9 darkgreen:006400 \
darkgrey:a9a9a9 darkkhaki:bdb76b darkmagenta:8b008b darkolivegreen:556b2f darkorange:ff8c00 \
darkorchid:9932cc darkred:8b0000 darksalmon:e9967a darkseagreen:8fbc8f darkslateblue:483d8b \
darkslategray:2f4f4f darkslategrey:2f4f4f darkturquoise:00ced1 darkviolet:9400d3 \
deeppink:ff1493 deepskyblue:00bfff dimgray:696969 dimgrey:696969 dodgerblue:1e90ff \
firebrick:b22222 floralwhite:fffaf0 forestgreen:228b22 fuchsia:ff00ff gainsboro:dcdcdc \
ghostwhite:f8f8ff gold:ffd700 goldenrod:daa520 gray:808080 grey:808080 green:008000 \
greenyellow:adff2f honeydew:f0fff0 hotpink:ff69b4 indianred:cd5c5c indigo:4b0082 ivory:fffff0 \
khaki:f0e68c lavender:e6e6fa lavenderblush:fff0f5 lawngreen:7cfc00 lemonchiffon:fffacd \
lightblue:add8e6 lightcoral:f08080 lightcyan:e0ffff lightgoldenrodyellow:fafad2 \
lightgray:d3d3d3 lightgreen:90ee90 lightgrey:d3d3d3 lightpink:ffb6c1 lightsalmon:ffa07a \
lightseagreen:20b2aa lightskyblue:87cefa lightslategray:778899 lightslategrey:778899 \
lightsteelblue:b0c4de lightyellow:ffffe0 lime:00ff00 limegreen:32cd32 linen:faf0e6 \
magenta:ff00ff maroon:800000 mediumaquamarine:66cdaa mediumblue:0000cd mediumorchid:ba55d3 \
mediumpurple:9370db mediumseagreen:3cb371 mediumslateblue:7b68ee mediumspringgreen:00fa9a \
mediumturquoise:48d1cc mediumvioletred:c71585 midnightblue:191970 mintcream:f5fffa \
mistyrose:ffe4e1 moccasin:ffe4b5 navajowhite:ffdead navy:000080 oldlace:fdf5e6 olive:808000 \
olivedrab:6b8e23 orange:ffa500 orangered:ff4500 orchid:da70d6 palegoldenrod:eee8aa \
palegreen:98fb98 paleturquoise:afeeee palevioletred:db7093 papayawhip:ffefd5 peachpuff:ffdab9 \
peru:cd853f pink:ffc0cb plum:dda0dd powderblue:b0e0e6 purple:800080 rebeccapurple:663399 \
red:ff0000 rosybrown:bc8f8f royalblue:4169e1 saddlebrown:8b4513 salmon:fa8072 \
sandybrown:f4a460 seagreen:2e8b57 seashell:fff5ee sienna:a0522d silver:c0c0c0 skyblue:87ceeb \
slateblue:6a5acd slategray:708090 slategrey:708090 snow:fffafa springgreen:00ff7f \
steelblue:4682b4 tan:d2b48c teal:008080 thistle:d8bfd8 tomato:ff6347 turquoise:40e0d0 \
violet:ee82ee wheat:f5deb3 white:ffffff whitesmoke:f5f5f5 yellow:ffff00 yellowgreen:9acd32";

#[cfg(test)]
mod tests {
    use super::*;

    fn on_white(text: &str) -> bool {
        stands_out(css(text).unwrap(), WHITE, 1.0)
    }

    #[test]
    fn css_whites_near_whites_and_transparent_do_not_stand_out_on_white() {
        for hidden in [
            "white",
            "WHITE",
            "#fff",
            "#FFFFFF",
            "#fefefe",
            "#eee",
            "rgb(255, 255, 255)",
            "rgb(255 255 255)",
            "rgb(100% 100% 100%)",
            "rgba(0,0,0,0)",
            "rgb(0 0 0 / 0%)",
            "hsl(0, 0%, 100%)",
            "transparent",
            "#0000",
            "snow",
            "whitesmoke",
        ] {
            assert!(!on_white(hidden), "{hidden} should not stand out on white");
        }
        for shown in [
            "black",
            "red",
            "#f00",
            "yellow",
            "lightgray",
            "rgb(200 200 200)",
            "#333",
        ] {
            assert!(on_white(shown), "{shown} should stand out on white");
        }
    }

    #[test]
    fn a_colour_is_judged_against_its_background_and_opacity() {
        let black = css("black").unwrap();
        assert!(!stands_out(black, black, 1.0));
        assert!(stands_out(WHITE, black, 1.0));
        assert!(!stands_out(black, WHITE, 0.02));
    }

    #[test]
    fn xcolor_models_names_and_mixes() {
        let none = HashMap::new();
        let white = |model: Option<&str>, spec: &str| {
            let c = xcolor(model, spec, &none).unwrap();
            !stands_out(c, WHITE, 1.0)
        };
        assert!(white(None, "white"));
        assert!(white(None, "White"));
        assert!(white(None, "white!100"));
        assert!(white(None, "black!0"));
        assert!(white(None, "red!5"));
        assert!(white(Some("rgb"), "1,1,1"));
        assert!(white(Some("RGB"), "255, 255, 255"));
        assert!(white(Some("HTML"), "FEFEFE"));
        assert!(white(Some("gray"), "1"));
        assert!(white(Some("cmyk"), "0,0,0,0"));
        assert!(!white(None, "black"));
        assert!(!white(None, "red"));
        assert!(!white(None, "black!50"));
        assert!(!white(Some("rgb"), "1,0,0"));
        assert_eq!(xcolor(None, "nosuchcolour", &none), None);
        let defined = HashMap::from([("bg".to_owned(), WHITE)]);
        assert_eq!(xcolor(None, "bg", &defined), Some(WHITE));
    }
}
