//! Colour on a terminal only (and never with `NO_COLOR` set).

use std::io::IsTerminal;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    pub fn for_stdout() -> Style {
        Style {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// No colour (tests, pipes, `--json`).
    pub const fn plain() -> Style {
        Style { on: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A fault.
    pub fn bad(&self, t: &str) -> String {
        self.paint("1;31", t)
    }
    /// A pass.
    pub fn good(&self, t: &str) -> String {
        self.paint("32", t)
    }
    /// A heading.
    pub fn head(&self, t: &str) -> String {
        self.paint("1", t)
    }
    /// A pool in the map.
    pub fn pool(&self, t: &str) -> String {
        self.paint("1;32", t)
    }
    /// An image section in the map.
    pub fn section(&self, t: &str) -> String {
        self.paint("34", t)
    }
    /// A reserved node in the map.
    pub fn reserved(&self, t: &str) -> String {
        self.paint("33", t)
    }
}
