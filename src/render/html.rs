//! `report.html`: the markdown report as one self-contained page (charts inlined as data URIs,
//! no external requests), readable on a phone and printable.

use super::{OutputFile, RunContext};
use crate::error::{AuditError, Result};
use crate::results::AuditResults;
use base64::Engine;

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
.fail{color:#a33a00}.review{color:#6b5000}.ok{color:#1b6332}\
@media print{nav{display:none}h2,h3{break-after:avoid}body{max-width:none;padding:0}p:has(>img){overflow:visible}table{font-size:8pt}img{max-width:100%;width:auto}img,tr{page-break-inside:avoid}}";

/// Verdicts and statuses in colour, each beside its symbol (✖ ▲ ✔), so no reader depends on
/// the colour.
fn coloured(body: &str) -> String {
    [
        ("✖ <strong>FAIL</strong>", "fail"),
        ("▲ inconclusive", "review"),
        ("✔ pass", "ok"),
        ("<strong>✖ ACTION NEEDED</strong>", "fail"),
        ("<strong>▲ REVIEW</strong>", "review"),
        ("<strong>✔ OK</strong>", "ok"),
    ]
    .into_iter()
    .fold(body.to_string(), |text, (shown, class)| {
        text.replace(shown, &format!("<span class=\"{class}\">{shown}</span>"))
    })
}

/// The page with a table of contents after its title: every section (`<h2>`) gets an anchor.
fn with_contents(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    let mut contents = String::from("<nav><strong>Contents</strong>\n<ul>\n");
    let mut rest = body;
    let mut n = 0;
    while let Some(start) = rest.find("<h2>") {
        let Some(end) = rest[start..].find("</h2>") else {
            break;
        };
        let title = &rest[start + 4..start + end];
        n += 1;
        out.push_str(&rest[..start]);
        out.push_str(&format!("<h2 id=\"section-{n}\">{title}</h2>"));
        contents.push_str(&format!("<li><a href=\"#section-{n}\">{title}</a></li>\n"));
        rest = &rest[start + end + 5..];
    }
    out.push_str(rest);
    contents.push_str("</ul></nav>\n");
    match out.find("</h1>") {
        Some(i) if n > 0 => format!("{}{}{}", &out[..i + 5], "\n", contents) + &out[i + 5..],
        _ => out,
    }
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
            super::words::Words::new(results, ctx).decision_column()
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
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let events = pulldown_cmark::Parser::new_ext(markdown, options).map(|event| match event {
        // Inline every chart the document links, so the page needs no other file.
        pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image {
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
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image {
                link_type,
                dest_url: inlined.map_or(dest_url, Into::into),
                title,
                id,
            })
        }
        other => other,
    });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events);
    let body = with_contents(&coloured(&body));
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
