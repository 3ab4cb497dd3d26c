//! Where output goes: data on stdout (a token, or one JSON document with `--json`), everything
//! else on stderr. A [`Ui`] owns both streams, so a test can run a command in-process and read
//! what it printed. Text bound for the terminal passes through [`sanitize`] once, here: control
//! characters from the network (a provider's error text, a forged request's path) never reach
//! the terminal raw.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::env::Env;
use crate::error::{Error, Result};

/// The global flags that shape output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub json: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub no_input: bool,
}

type Stream = Mutex<Box<dyn Write + Send>>;

struct Inner {
    opts: Options,
    /// A person can answer prompts: stdin is a terminal and `--no-input` was not given.
    interactive: bool,
    stdin_tty: bool,
    stderr_tty: bool,
    color: bool,
    out: Stream,
    err: Stream,
}

/// How this run talks to the person and to the script that called it. Cheap to clone: clones
/// share the streams.
#[derive(Clone)]
pub struct Ui(Arc<Inner>);

/// What a captured [`Ui`] printed.
#[derive(Clone, Default)]
pub struct Captured {
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.err.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Ui {
    /// The real terminal: stdout and stderr of the process.
    pub fn terminal(opts: Options, env: &Env) -> Self {
        let stdin_tty = std::io::stdin().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let color = stderr_tty && env.raw("NO_COLOR").is_none();
        Ui(Arc::new(Inner {
            opts,
            interactive: stdin_tty && !opts.no_input,
            stdin_tty,
            stderr_tty,
            color,
            out: Mutex::new(Box::new(std::io::stdout())),
            err: Mutex::new(Box::new(std::io::stderr())),
        }))
    }

    /// No terminal anywhere; what is printed is kept for the caller (tests).
    pub fn captured(opts: Options) -> (Self, Captured) {
        let cap = Captured::default();
        (Self::capturing(opts, &cap), cap)
    }

    /// A [`Ui`] that prints into `cap`.
    pub fn capturing(opts: Options, cap: &Captured) -> Self {
        Ui(Arc::new(Inner {
            opts,
            interactive: false,
            stdin_tty: false,
            stderr_tty: false,
            color: false,
            out: Mutex::new(Box::new(Shared(cap.out.clone()))),
            err: Mutex::new(Box::new(Shared(cap.err.clone()))),
        }))
    }

    pub fn json(&self) -> bool {
        self.0.opts.json
    }
    pub fn quiet(&self) -> bool {
        self.0.opts.quiet
    }
    pub fn verbose(&self) -> bool {
        self.0.opts.verbose
    }
    pub fn interactive(&self) -> bool {
        self.0.interactive
    }
    pub fn stdin_tty(&self) -> bool {
        self.0.stdin_tty
    }
    /// Countdowns and spinners are drawn only on a terminal.
    pub fn stderr_tty(&self) -> bool {
        self.0.stderr_tty
    }

    fn write_err(&self, text: &str) {
        let mut err = self.0.err.lock().unwrap_or_else(|e| e.into_inner());
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }

    /// Progress and summaries (suppressed by `-q`).
    pub fn info(&self, msg: impl AsRef<str>) {
        if !self.quiet() {
            self.write_err(&format!("{}\n", sanitize(msg.as_ref())));
        }
    }

    /// Something the person should act on; shown even with `-q`.
    pub fn warn(&self, msg: impl AsRef<str>) {
        self.write_err(&format!("{} {}\n", self.paint("warning:", "33"), sanitize(msg.as_ref())));
    }

    /// The one report of a failed command.
    pub fn error(&self, e: &Error) {
        let mut text = format!("{} {}\n", self.paint("error:", "1;31"), sanitize(&e.message));
        if let Some(hint) = &e.hint {
            text.push_str(&format!("{} {}\n", self.paint("hint:", "36"), sanitize(hint)));
        }
        self.write_err(&text);
    }

    /// Text clap made for a bad command line (already formatted, maybe coloured by us or not).
    pub fn error_text(&self, text: &str) {
        self.write_err(&sanitize(text));
    }

    /// `-v` tracing (HTTP, store). Callers redact before they call.
    pub fn trace(&self, msg: impl AsRef<str>) {
        if self.verbose() {
            self.write_err(&format!("* {}\n", sanitize(msg.as_ref())));
        }
    }

    pub fn paint(&self, text: &str, ansi: &str) -> String {
        if self.0.color { format!("\x1b[{ansi}m{text}\x1b[0m") } else { text.to_string() }
    }

    /// Data on stdout; a closed pipe is not an error worth a message (`oauthctl token | head`).
    pub fn data(&self, text: &str) -> Result<()> {
        let mut out = self.0.out.lock().unwrap_or_else(|e| e.into_inner());
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Error::other(format!("writing to stdout: {e}"))),
        }
    }

    /// One JSON document on stdout.
    pub fn print_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let text = serde_json::to_string_pretty(value).expect("reports serialize");
        self.data(&format!("{text}\n"))
    }

    /// A spinner with a message on a terminal (drawn on stderr), `None` elsewhere.
    pub fn spinner(&self, template: &str) -> Option<indicatif::ProgressBar> {
        (self.stderr_tty() && !self.quiet()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(indicatif::ProgressStyle::with_template(template).expect("static template"));
            b
        })
    }
}

/// Text with control characters shown as escapes (`\u{1b}`), except newlines and tabs: what
/// reaches the terminal can never move its cursor, change its title or colour, or hide a line.
pub fn sanitize(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    text.chars().map(|c| if is_unsafe(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(sanitize("evil\x1b]0;title\x07"), "evil\\u{1b}]0;title\\u{7}");
        assert_eq!(sanitize("a\rb\u{9b}c\u{202e}"), "a\\u{d}b\\u{9b}c\\u{202e}");
    }

    #[test]
    fn captured_ui_keeps_streams_apart() {
        let (ui, cap) = Ui::captured(Options { quiet: true, ..Options::default() });
        ui.data("tok\n").unwrap();
        ui.info("hidden by -q");
        ui.warn("shown \x1b[2J");
        ui.trace("not verbose");
        assert_eq!(cap.stdout(), "tok\n");
        assert_eq!(cap.stderr(), "warning: shown \\u{1b}[2J\n");
    }
}
