//! `report.html`: the markdown report as one self-contained page (charts inlined as data URIs,
//! no external requests), readable on a phone and printable.

use crate::error::{AuditError, Result};
use crate::render::{OutputFile, RunContext};
use crate::results::AuditResults;
use base64::Engine;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeStream};

/// Renders `report.html` from `report.md` and the charts already rendered.
pub struct Html;

/// The page's style. Tables fit the page: cells wrap (long codes and hashes break anywhere), so
/// every column, the verdict second, is on screen at 1280 px, on a phone and on paper. On a phone
/// charts keep a legible size and scroll sideways instead of shrinking their text.
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:64rem;margin:0 auto;padding:1rem;line-height:1.45;color:#1a1a1a;overflow-wrap:break-word}\
table{border-collapse:collapse;width:100%;margin:0.5rem 0 1rem;font-size:0.9rem}\
th,td{border:1px solid #bbb;padding:0.2rem 0.35rem;text-align:left;vertical-align:top}\
img{max-width:100%;height:auto;border:1px solid #ddd}\
p:has(>img){overflow-x:auto}\
code{background:#f3f3f3;padding:0 0.2rem;overflow-wrap:anywhere}\
@media (max-width:40rem){body{padding:0.4rem}table{font-size:0.66rem;display:block;overflow-x:auto}th,td{padding:0.1rem 0.15rem}img{max-width:none;width:40rem}}\
nav{border:1px solid #ddd;padding:0.3rem 0.8rem;margin:0.5rem 0 1rem}nav ul{margin:0.2rem 0;padding-left:1.2rem}\
.fail{color:#a33a00}.review{color:#6b5000}.explained{color:#1d4f91}.ok{color:#1b6332}\
@media print{nav{display:none}h2,h3{break-after:avoid}body{max-width:none;padding:0}p:has(>img){overflow:visible}table{font-size:8pt}img{max-width:100%;width:auto}img,tr{page-break-inside:avoid}}";

/// Verdicts and statuses in colour, each beside its symbol (✖ ▲ ✔), so no reader depends on
/// the colour: the words in plain text, and the class of each.
const COLOURED_TEXT: [(&str, &str); 2] = [("▲ inconclusive", "review"), ("✔ pass", "ok")];

/// The same for words in bold: the bold text (a status may be followed by more, `✔ EXPLAINED
/// by channel`), the symbol that stands before the bold rather than inside it (`✖ **FAIL**`),
/// and the class.
const COLOURED_STRONG: [(&str, &str, &str); 5] = [
    ("FAIL", "✖ ", "fail"),
    ("✖ ACTION NEEDED", "", "fail"),
    ("▲ REVIEW", "", "review"),
    ("✔ EXPLAINED", "", "explained"),
    ("✔ OK", "", "ok"),
];

/// An opening or closing `<span>` of a colour class.
fn span(class: Option<&str>) -> Event<'static> {
    Event::InlineHtml(match class {
        Some(class) => format!("<span class=\"{class}\">").into(),
        None => "</span>".into(),
    })
}

/// The page's events with the verdicts and statuses coloured ([`COLOURED_TEXT`],
/// [`COLOURED_STRONG`]).
fn coloured(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Some(bold) = events
            .get(i..i + 3)
            .filter(|bold| bold_verdict(bold, &mut out))
        {
            out.extend(bold.iter().cloned());
            out.push(span(None));
            i += 3;
            continue;
        }
        match &events[i] {
            Event::Text(text) => coloured_text(text, &mut out),
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out
}

/// Whether `bold` (three events) is a bold verdict of [`COLOURED_STRONG`] with its symbol at
/// the end of the text already out; if so, opens its span in `out`, before the symbol.
fn bold_verdict(bold: &[Event<'_>], out: &mut Vec<Event<'_>>) -> bool {
    let [Event::Start(Tag::Strong), Event::Text(text), Event::End(TagEnd::Strong)] = bold else {
        return false;
    };
    let Some(&(_, symbol, class)) = COLOURED_STRONG
        .iter()
        .find(|(t, symbol, _)| text.as_ref() == *t || (symbol.is_empty() && text.starts_with(t)))
    else {
        return false;
    };
    if symbol.is_empty() {
        out.push(span(Some(class)));
        return true;
    }
    let before = match out.last() {
        Some(Event::Text(before)) if before.ends_with(symbol) => before.to_string(),
        _ => return false,
    };
    out.pop();
    let rest = &before[..before.len() - symbol.len()];
    if !rest.is_empty() {
        out.push(Event::Text(rest.to_string().into()));
    }
    out.push(span(Some(class)));
    out.push(Event::Text(symbol.into()));
    true
}

/// A text with each of [`COLOURED_TEXT`]'s words inside a span.
fn coloured_text(text: &str, out: &mut Vec<Event<'_>>) {
    let mut rest = text;
    while let Some((at, (words, class))) = COLOURED_TEXT
        .iter()
        .filter_map(|c| rest.find(c.0).map(|at| (at, *c)))
        .min_by_key(|(at, _)| *at)
    {
        if at > 0 {
            out.push(Event::Text(rest[..at].to_string().into()));
        }
        out.push(span(Some(class)));
        out.push(Event::Text(words.into()));
        out.push(span(None));
        rest = &rest[at + words.len()..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(rest.to_string().into()));
    }
}

/// The page's events with a table of contents after its title: every section (`<h2>`) gets an
/// id, and the contents link to it.
fn with_contents(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut titles: Vec<String> = Vec::new();
    let mut out: Vec<Event> = Vec::with_capacity(events.len() + 1);
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                classes,
                attrs,
                ..
            }) => {
                let n = titles.len() + 1;
                out.push(Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    id: Some(format!("section-{n}").into()),
                    classes,
                    attrs,
                }));
                let inside: Vec<Event> = events
                    .by_ref()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(HeadingLevel::H2))))
                    .collect();
                let mut title = String::new();
                pulldown_cmark::html::push_html(&mut title, inside.iter().cloned());
                titles.push(title);
                out.extend(inside);
                out.push(Event::End(TagEnd::Heading(HeadingLevel::H2)));
            }
            other => out.push(other),
        }
    }
    let title_end = out
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Heading(HeadingLevel::H1))));
    if let (Some(at), false) = (title_end, titles.is_empty()) {
        let items: String = titles
            .iter()
            .enumerate()
            .map(|(k, title)| format!("<li><a href=\"#section-{}\">{title}</a></li>\n", k + 1))
            .collect();
        let contents = format!("<nav><strong>Contents</strong>\n<ul>\n{items}</ul></nav>\n\n");
        out.insert(at + 1, Event::Html(contents.into()));
    }
    out
}

impl Html {
    /// The page, built from the files rendered so far (`report.md` and the charts).
    pub fn render_with(
        &self,
        results: &AuditResults,
        ctx: &RunContext,
        files: &[OutputFile],
    ) -> Result<Vec<OutputFile>> {
        let markdown = files
            .iter()
            .find(|f| f.name == "report.md")
            .ok_or_else(|| AuditError::render("report.html", "report.md was not rendered"))?;
        let title = format!(
            "Fairness audit of {}",
            crate::render::words::Words::new(results, ctx).decision_column()
        );
        Ok(vec![OutputFile {
            name: "report.html".into(),
            bytes: page(&String::from_utf8_lossy(&markdown.bytes), files, &title).into_bytes(),
        }])
    }
}

/// A markdown document as one self-contained page titled `title`, every SVG chart among `files`
/// it links inlined.
pub fn page(markdown: &str, files: &[OutputFile], title: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    let events =
        TextMergeStream::new(Parser::new_ext(markdown, options)).map(|event| match event {
            // Inline every chart the document links, so the page needs no other file.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let inlined = files
                    .iter()
                    .find(|f| f.name == dest_url.as_ref() && f.name.ends_with(".svg"))
                    .map(|f| {
                        format!(
                            "data:image/svg+xml;base64,{}",
                            base64::engine::general_purpose::STANDARD.encode(&f.bytes)
                        )
                    });
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: inlined.map_or(dest_url, Into::into),
                    title,
                    id,
                })
            }
            other => other,
        });
    let mut body = String::new();
    pulldown_cmark::html::push_html(
        &mut body,
        with_contents(coloured(events.collect())).into_iter(),
    );
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}
