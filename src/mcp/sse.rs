//! Server-sent events (the `text/event-stream` answers of MCP's Streamable HTTP transport): each
//! event's `data` lines joined, dispatched at a blank line. As the SSE specification says, an
//! event the stream ends in the middle of (no blank line after it) is discarded: it may be a
//! truncated message.

use std::io::BufRead;

/// Calls `on_event` with the data of each event read from `input`, until the stream ends or
/// `on_event` returns false. Lines are capped at 16 MiB.
pub fn read_events(input: impl BufRead, mut on_event: impl FnMut(&str) -> bool) {
    let mut data = String::new();
    let mut has_data = false;
    for line in input.split(b'\n') {
        let Ok(line) = line else { break };
        if line.len() > 16 * 1024 * 1024 {
            break;
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if line.is_empty() {
            if has_data && !on_event(&data) {
                return;
            }
            data.clear();
            has_data = false;
            continue;
        }
        if line.starts_with(':') {
            continue; // a comment (keep-alive)
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        if field == "data" {
            if has_data {
                data.push('\n');
            }
            data.push_str(value);
            has_data = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_joined_and_dispatched_at_blank_lines() {
        let stream = "event: message\nid: 1\ndata: {\"a\":\ndata: 1}\n\n: keep-alive\n\n data: not a field\n\ndata:{\"b\":2}\r\n\r\ndata: cut off";
        let mut got = Vec::new();
        read_events(stream.as_bytes(), |d| {
            got.push(d.to_string());
            true
        });
        assert_eq!(got, ["{\"a\":\n1}", "{\"b\":2}"]);
    }
}
